package io.streamgrad.model.optim;

/**
 * Keras Lion ({@code keras/src/optimizers/lion.py}):
 * <pre>
 * w = w − lr·sign(beta1·m + (1 − beta1)·g)     sign(0) = 0
 * m = beta2·m + (1 − beta2)·g                   after the weight update
 * </pre>
 */
final class LionRule implements UpdateRule {
    private final double beta1;
    private final double beta2;
    private double lr;

    LionRule(double beta1, double beta2) {
        this.beta1 = beta1;
        this.beta2 = beta2;
    }

    @Override
    public int slotCount() {
        return 1;
    }

    @Override
    public void prepare(long iterations, double lr, double[] scalars) {
        this.lr = lr;
    }

    @Override
    public void update(float[] w, float[] g, float[][] slots, int from, int to) {
        float[] m = slots[0];
        for (int i = from; i < to; i++) {
            double gi = g[i];
            double c = beta1 * m[i] + (1 - beta1) * gi;
            w[i] = (float) (w[i] - lr * Math.signum(c));
            m[i] = (float) (beta2 * m[i] + (1 - beta2) * gi);
        }
    }
}
