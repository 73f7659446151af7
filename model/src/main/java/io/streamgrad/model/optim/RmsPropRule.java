package io.streamgrad.model.optim;

/**
 * Keras RMSprop ({@code keras/src/optimizers/rmsprop.py}):
 * <pre>
 * v   = rho·v + (1−rho)·g²
 * a   = rho·a + (1−rho)·g;   den = v − a² + epsilon   (centered)   |   den = v + epsilon
 * inc = lr·g / sqrt(den)
 * mom = momentum·mom + inc;  w = w − mom               (momentum > 0) |   w = w − inc
 * </pre>
 * Slots: velocity, then average gradient (if centered), then momentum (if momentum > 0).
 */
final class RmsPropRule implements UpdateRule {
    private final double rho;
    private final double momentum;
    private final double epsilon;
    private final boolean centered;
    private double lr;

    RmsPropRule(double rho, double momentum, double epsilon, boolean centered) {
        this.rho = rho;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.centered = centered;
    }

    @Override
    public int slotCount() {
        return 1 + (centered ? 1 : 0) + (momentum > 0 ? 1 : 0);
    }

    @Override
    public void prepare(long iterations, double lr, double[] scalars) {
        this.lr = lr;
    }

    @Override
    public void update(float[] w, float[] g, float[][] slots, int from, int to) {
        float[] v = slots[0];
        float[] avg = centered ? slots[1] : null;
        float[] mom = momentum > 0 ? slots[centered ? 2 : 1] : null;
        for (int i = from; i < to; i++) {
            double gi = g[i];
            float vi = (float) (rho * v[i] + (1 - rho) * gi * gi);
            v[i] = vi;
            double den;
            if (centered) {
                float ai = (float) (rho * avg[i] + (1 - rho) * gi);
                avg[i] = ai;
                den = (double) vi - (double) ai * ai + epsilon;
            } else {
                den = vi + epsilon;
            }
            double inc = lr * gi / Math.sqrt(den);
            if (mom != null) {
                float mi = (float) (momentum * mom[i] + inc);
                mom[i] = mi;
                w[i] = (float) (w[i] - mi);
            } else {
                w[i] = (float) (w[i] - inc);
            }
        }
    }
}
