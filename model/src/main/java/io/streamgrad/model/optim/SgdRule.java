package io.streamgrad.model.optim;

/**
 * Keras SGD ({@code keras/src/optimizers/sgd.py}):
 * <pre>
 * m = momentum·m − lr·g
 * w = w + momentum·m − lr·g   (nesterov)   |   w = w + m
 * w = w − lr·g                 (momentum == 0)
 * </pre>
 */
final class SgdRule implements UpdateRule {
    private final double momentum;
    private final boolean nesterov;
    private double lr;

    SgdRule(double momentum, boolean nesterov) {
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    public int slotCount() {
        return momentum != 0 ? 1 : 0;
    }

    @Override
    public void prepare(long iterations, double lr, double[] scalars) {
        this.lr = lr;
    }

    @Override
    public void update(float[] w, float[] g, float[][] slots, int from, int to) {
        if (momentum == 0) {
            for (int i = from; i < to; i++) {
                w[i] = (float) (w[i] - lr * g[i]);
            }
            return;
        }
        float[] m = slots[0];
        for (int i = from; i < to; i++) {
            double mi = momentum * m[i] - lr * g[i];
            m[i] = (float) mi;
            w[i] = (float) (nesterov ? w[i] + momentum * m[i] - lr * g[i] : w[i] + m[i]);
        }
    }
}
