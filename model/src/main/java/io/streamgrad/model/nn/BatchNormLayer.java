package io.streamgrad.model.nn;

import io.streamgrad.model.kernel.FloatKernels;
import io.streamgrad.model.kernel.KernelProvider;

/**
 * Keras {@code BatchNormalization} over the last axis
 * ({@code keras/src/layers/normalization/batch_normalization.py}).
 * Training: normalise with the batch mean and the BIASED batch variance, epsilon inside the
 * square root; moving statistics become {@code moving·momentum + batch·(1−momentum)} — applied in
 * {@link #commit} so a skipped (non-finite) step leaves them untouched. Inference: moving
 * statistics. Reductions run in double, through {@link FloatKernels} (bit-identical on every
 * kernel path).
 */
final class BatchNormLayer extends Layer {
    private static final FloatKernels K = KernelProvider.get();
    private final double momentum;
    private final double epsilon;
    private final int gamma;
    private final int beta;
    private final int movingMean;
    private final int movingVariance;

    private final double[] batchMean;
    private final double[] batchVar;
    private final double[] invStd;
    private final double[] sumDy;
    private final double[] sumDyXhat;
    /** Per-feature gamma (1 without), beta (0 without) in double, and the input-gradient factor. */
    private final double[] scale;
    private final double[] shift;
    private final double[] coef;
    /** Normalised input of the last training pass, {@code [batch][width]}. */
    private float[] xhat = new float[0];

    BatchNormLayer(int width, double momentum, double epsilon, int gamma, int beta, int movingMean,
                   int movingVariance) {
        super(width, width);
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.gamma = gamma;
        this.beta = beta;
        this.movingMean = movingMean;
        this.movingVariance = movingVariance;
        batchMean = new double[width];
        batchVar = new double[width];
        invStd = new double[width];
        sumDy = new double[width];
        sumDyXhat = new double[width];
        scale = new double[width];
        shift = new double[width];
        coef = new double[width];
    }

    @Override
    void ensureCapacity(int batch) {
        super.ensureCapacity(batch);
        if (xhat.length < batch * outWidth) {
            xhat = new float[batch * outWidth];
        }
    }

    @Override
    void forward(float[] in, int batch, boolean training, float[][] weights) {
        int w = outWidth;
        float[] g = gamma >= 0 ? weights[gamma] : null;
        float[] b = beta >= 0 ? weights[beta] : null;
        if (training) {
            java.util.Arrays.fill(batchMean, 0);
            java.util.Arrays.fill(batchVar, 0);
            K.columnSums(in, batch, w, batchMean);
            for (int j = 0; j < w; j++) {
                batchMean[j] /= batch;
            }
            K.columnSquaredDeviations(in, batch, w, batchMean, batchVar);
            for (int j = 0; j < w; j++) {
                batchVar[j] /= batch;
                invStd[j] = 1.0 / Math.sqrt(batchVar[j] + epsilon);
                scale[j] = g == null ? 1.0 : g[j];
                shift[j] = b == null ? 0.0 : b[j];
            }
            K.normalize(in, batch, w, batchMean, invStd, scale, shift, xhat, out);
        } else {
            float[] mm = weights[movingMean];
            float[] mv = weights[movingVariance];
            for (int j = 0; j < w; j++) {
                invStd[j] = 1.0 / Math.sqrt(mv[j] + epsilon);
            }
            for (int r = 0; r < batch; r++) {
                int o = r * w;
                for (int j = 0; j < w; j++) {
                    double xh = (in[o + j] - mm[j]) * invStd[j];
                    out[o + j] = (float) (xh * (g == null ? 1.0 : g[j]) + (b == null ? 0.0 : b[j]));
                }
            }
        }
    }

    @Override
    void backward(float[] in, float[] dOut, int batch, float[] dIn, float[][] weights, float[][] grads) {
        int w = outWidth;
        float[] g = gamma >= 0 ? weights[gamma] : null;
        java.util.Arrays.fill(sumDy, 0);
        java.util.Arrays.fill(sumDyXhat, 0);
        K.columnSumsAndDots(dOut, xhat, batch, w, sumDy, sumDyXhat);
        if (gamma >= 0) {
            float[] gg = grads[gamma];
            for (int j = 0; j < w; j++) {
                gg[j] = (float) sumDyXhat[j];
            }
        }
        if (beta >= 0) {
            float[] gb = grads[beta];
            for (int j = 0; j < w; j++) {
                gb[j] = (float) sumDy[j];
            }
        }
        if (dIn == null) {
            return;
        }
        // dx = gamma·invStd/B · (B·dy − Σdy − xhat·Σ(dy·xhat))
        for (int j = 0; j < w; j++) {
            double gj = g == null ? 1.0 : g[j];
            coef[j] = gj * invStd[j] / batch;
        }
        K.normalizeBackward(dOut, xhat, batch, w, coef, sumDy, sumDyXhat, dIn);
    }

    @Override
    void commit(float[][] weights) {
        float[] mm = weights[movingMean];
        float[] mv = weights[movingVariance];
        for (int j = 0; j < outWidth; j++) {
            mm[j] = (float) (mm[j] * momentum + batchMean[j] * (1.0 - momentum));
            mv[j] = (float) (mv[j] * momentum + batchVar[j] * (1.0 - momentum));
        }
    }

    /** True when the last training pass produced finite batch statistics. */
    boolean statisticsFinite() {
        for (int j = 0; j < outWidth; j++) {
            if (!Double.isFinite(batchMean[j]) || !Double.isFinite(batchVar[j])) {
                return false;
            }
        }
        return true;
    }
}
