package io.streamgrad.model.optim;

/**
 * Keras Adagrad ({@code keras/src/optimizers/adagrad.py}); the accumulator starts at
 * {@code initialAccumulatorValue}:
 * <pre>
 * acc = acc + g²
 * w   = w − lr·g / sqrt(acc + epsilon)
 * </pre>
 */
final class AdagradRule implements UpdateRule {
    private final double initialAccumulatorValue;
    private final double epsilon;
    private double lr;

    AdagradRule(double initialAccumulatorValue, double epsilon) {
        this.initialAccumulatorValue = initialAccumulatorValue;
        this.epsilon = epsilon;
    }

    @Override
    public int slotCount() {
        return 1;
    }

    @Override
    public float slotInitialValue(int slot) {
        return (float) initialAccumulatorValue;
    }

    @Override
    public void prepare(long iterations, double lr, double[] scalars) {
        this.lr = lr;
    }

    @Override
    public void update(float[] w, float[] g, float[][] slots, int from, int to) {
        float[] acc = slots[0];
        for (int i = from; i < to; i++) {
            double gi = g[i];
            float a = (float) (acc[i] + gi * gi);
            acc[i] = a;
            w[i] = (float) (w[i] - lr * gi / Math.sqrt(a + epsilon));
        }
    }
}
