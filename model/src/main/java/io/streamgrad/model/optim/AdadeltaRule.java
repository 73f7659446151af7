package io.streamgrad.model.optim;

/**
 * Keras Adadelta ({@code keras/src/optimizers/adadelta.py}):
 * <pre>
 * Eg  = rho·Eg + (1 − rho)·g²
 * d   = −sqrt(Edx + epsilon) / sqrt(Eg + epsilon) · g
 * Edx = rho·Edx + (1 − rho)·d²
 * w   = w + lr·d
 * </pre>
 */
final class AdadeltaRule implements UpdateRule {
    private final double rho;
    private final double epsilon;
    private double lr;

    AdadeltaRule(double rho, double epsilon) {
        this.rho = rho;
        this.epsilon = epsilon;
    }

    @Override
    public int slotCount() {
        return 2;
    }

    @Override
    public void prepare(long iterations, double lr, double[] scalars) {
        this.lr = lr;
    }

    @Override
    public void update(float[] w, float[] g, float[][] slots, int from, int to) {
        float[] eg = slots[0];
        float[] edx = slots[1];
        for (int i = from; i < to; i++) {
            double gi = g[i];
            float egi = (float) (rho * eg[i] + (1 - rho) * gi * gi);
            eg[i] = egi;
            double d = -Math.sqrt(edx[i] + epsilon) / Math.sqrt(egi + epsilon) * gi;
            edx[i] = (float) (rho * edx[i] + (1 - rho) * d * d);
            w[i] = (float) (w[i] + lr * d);
        }
    }
}
