package io.streamgrad.model.optim;

import io.streamgrad.model.kernel.FloatKernels;
import io.streamgrad.model.kernel.KernelProvider;

/**
 * Keras Adam ({@code keras/src/optimizers/adam.py}); also the update of AdamW, whose weight
 * decay the base optimizer applies first:
 * <pre>
 * t = iterations + 1
 * m = m + (g − m)(1 − beta1);   v = v + (g² − v)(1 − beta2)
 * vhat = max(vhat, v)   (amsgrad; used in place of v)
 * alpha = lr·sqrt(1 − beta2^t) / (1 − beta1^t)
 * w = w − alpha·m / (sqrt(v) + epsilon)          epsilon NOT bias-corrected
 * </pre>
 * Slots: m, v, then vhat (amsgrad).
 */
final class AdamRule implements UpdateRule {
    private static final FloatKernels K = KernelProvider.get();
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final boolean amsgrad;
    private double alpha;

    AdamRule(double beta1, double beta2, double epsilon, boolean amsgrad) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.amsgrad = amsgrad;
    }

    @Override
    public int slotCount() {
        return amsgrad ? 3 : 2;
    }

    @Override
    public void prepare(long iterations, double lr, double[] scalars) {
        double t = iterations + 1;
        alpha = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    }

    /** The float32 kernel form (no amsgrad) can be checked before it writes. */
    @Override
    public boolean predictsFinite() {
        return !amsgrad && K.hasAdam();
    }

    @Override
    public boolean staysFinite(float[] w, float[] g, float[][] slots, int from, int to) {
        return K.adamStaysFinite(w, g, slots[0], slots[1], from, to, (float) (1 - beta1), (float) (1 - beta2),
                (float) alpha, (float) epsilon);
    }

    @Override
    public void update(float[] w, float[] g, float[][] slots, int from, int to) {
        float[] m = slots[0];
        float[] v = slots[1];
        float[] vhat = amsgrad ? slots[2] : null;
        if (vhat == null && K.hasAdam()) {
            K.adam(w, g, m, v, from, to, (float) (1 - beta1), (float) (1 - beta2), (float) alpha, (float) epsilon);
            return;
        }
        double oneMinusB1 = 1 - beta1;
        double oneMinusB2 = 1 - beta2;
        for (int i = from; i < to; i++) {
            double gi = g[i];
            float mi = (float) (m[i] + (gi - m[i]) * oneMinusB1);
            float vi = (float) (v[i] + (gi * gi - v[i]) * oneMinusB2);
            m[i] = mi;
            v[i] = vi;
            if (vhat != null) {
                vi = Math.max(vhat[i], vi);
                vhat[i] = vi;
            }
            w[i] = (float) (w[i] - alpha * mi / (Math.sqrt(vi) + epsilon));
        }
    }
}
