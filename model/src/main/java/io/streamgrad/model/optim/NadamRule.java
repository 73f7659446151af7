package io.streamgrad.model.optim;

/**
 * Keras Nadam ({@code keras/src/optimizers/nadam.py}). One scalar {@code u_product} (starts at 1)
 * is updated once per step before the variables:
 * <pre>
 * u_t = beta1(1 − 0.5·0.96^t);  u_t1 = beta1(1 − 0.5·0.96^(t+1));  u_product = u_product·u_t
 * m = m + (g − m)(1 − beta1);   v = v + (g² − v)(1 − beta2)
 * m_hat = u_t1·m / (1 − u_product·u_t1) + (1 − u_t)·g / (1 − u_product)
 * v_hat = v / (1 − beta2^t)
 * w = w − lr·m_hat / (sqrt(v_hat) + epsilon)
 * </pre>
 */
final class NadamRule implements UpdateRule {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private double lr;
    private double uT;
    private double uT1;
    private double uProduct;
    private double beta2Correction;

    NadamRule(double beta1, double beta2, double epsilon) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    public int slotCount() {
        return 2;
    }

    @Override
    public int scalarCount() {
        return 1;
    }

    @Override
    public void initScalars(double[] scalars) {
        scalars[0] = 1.0;
    }

    @Override
    public void prepare(long iterations, double lr, double[] scalars) {
        double t = iterations + 1;
        this.lr = lr;
        uT = beta1 * (1 - 0.5 * Math.pow(0.96, t));
        uT1 = beta1 * (1 - 0.5 * Math.pow(0.96, t + 1));
        scalars[0] *= uT;
        uProduct = scalars[0];
        beta2Correction = 1 - Math.pow(beta2, t);
    }

    @Override
    public void update(float[] w, float[] g, float[][] slots, int from, int to) {
        float[] m = slots[0];
        float[] v = slots[1];
        double a = uT1 / (1 - uProduct * uT1);
        double b = (1 - uT) / (1 - uProduct);
        for (int i = from; i < to; i++) {
            double gi = g[i];
            float mi = (float) (m[i] + (gi - m[i]) * (1 - beta1));
            float vi = (float) (v[i] + (gi * gi - v[i]) * (1 - beta2));
            m[i] = mi;
            v[i] = vi;
            double mHat = a * mi + b * gi;
            double vHat = vi / beta2Correction;
            w[i] = (float) (w[i] - lr * mHat / (Math.sqrt(vHat) + epsilon));
        }
    }
}
