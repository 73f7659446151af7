package io.streamgrad.model.optim;

/**
 * Keras Adamax ({@code keras/src/optimizers/adamax.py}):
 * <pre>
 * m = m + (g − m)(1 − beta1);   u = max(beta2·u, |g|)
 * w = w − lr·m / ((1 − beta1^t)(u + epsilon))
 * </pre>
 */
final class AdamaxRule implements UpdateRule {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private double lr;
    private double correction;

    AdamaxRule(double beta1, double beta2, double epsilon) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    public int slotCount() {
        return 2;
    }

    @Override
    public void prepare(long iterations, double lr, double[] scalars) {
        this.lr = lr;
        this.correction = 1 - Math.pow(beta1, iterations + 1);
    }

    @Override
    public void update(float[] w, float[] g, float[][] slots, int from, int to) {
        float[] m = slots[0];
        float[] u = slots[1];
        for (int i = from; i < to; i++) {
            double gi = g[i];
            float mi = (float) (m[i] + (gi - m[i]) * (1 - beta1));
            float ui = (float) Math.max(beta2 * u[i], Math.abs(gi));
            m[i] = mi;
            u[i] = ui;
            w[i] = (float) (w[i] - lr * mi / (correction * (ui + epsilon)));
        }
    }
}
