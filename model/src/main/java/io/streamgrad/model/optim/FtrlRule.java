package io.streamgrad.model.optim;

/**
 * Keras Ftrl ({@code keras/src/optimizers/ftrl.py}); {@code acc} starts at
 * {@code initialAccumulatorValue}, {@code lin} at 0, {@code P = −learningRatePower}:
 * <pre>
 * l2   = l2Strength + beta / (2·lr)
 * g2   = g + 2·l2Shrinkage·w
 * acc' = acc + g²
 * lin  = lin + g2 − (acc'^P − acc^P) / lr · w
 * quad = acc'^P / lr + 2·l2
 * w    = (clip(lin, −l1, l1) − lin) / quad;   acc = acc'
 * </pre>
 * Slots: accumulator, linear.
 */
final class FtrlRule implements UpdateRule {
    private final double power;
    private final double initialAccumulatorValue;
    private final double l1;
    private final double l2Strength;
    private final double l2Shrinkage;
    private final double beta;
    private double lr;
    private double l2;

    FtrlRule(double learningRatePower, double initialAccumulatorValue, double l1, double l2Strength,
             double l2Shrinkage, double beta) {
        this.power = -learningRatePower;
        this.initialAccumulatorValue = initialAccumulatorValue;
        this.l1 = l1;
        this.l2Strength = l2Strength;
        this.l2Shrinkage = l2Shrinkage;
        this.beta = beta;
    }

    @Override
    public int slotCount() {
        return 2;
    }

    @Override
    public float slotInitialValue(int slot) {
        return slot == 0 ? (float) initialAccumulatorValue : 0f;
    }

    @Override
    public void prepare(long iterations, double lr, double[] scalars) {
        this.lr = lr;
        this.l2 = l2Strength + beta / (2 * lr);
    }

    @Override
    public void update(float[] w, float[] g, float[][] slots, int from, int to) {
        float[] acc = slots[0];
        float[] lin = slots[1];
        for (int i = from; i < to; i++) {
            double gi = g[i];
            double wi = w[i];
            double g2 = gi + 2 * l2Shrinkage * wi;
            double accOld = acc[i];
            double accNew = accOld + gi * gi;
            double accNewPow = Math.pow(accNew, power);
            double linNew = lin[i] + g2 - (accNewPow - Math.pow(accOld, power)) / lr * wi;
            double quad = accNewPow / lr + 2 * l2;
            double clipped = Math.max(-l1, Math.min(l1, linNew));
            lin[i] = (float) linNew;
            acc[i] = (float) accNew;
            w[i] = (float) ((clipped - linNew) / quad);
        }
    }
}
