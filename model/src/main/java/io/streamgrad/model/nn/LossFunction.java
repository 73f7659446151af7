package io.streamgrad.model.nn;

import io.streamgrad.model.spec.LossKind;

/**
 * Data losses of {@code keras/src/losses/losses.py} with the default "sum_over_batch_size"
 * reduction: per-sample values (reduced over the last axis) averaged over the batch.
 * Cross-entropies use the clipped-probability form with {@code eps = 1e-7}; where the clip is
 * active the gradient is 0. Computed in double.
 */
final class LossFunction {
    static final double EPSILON = 1e-7;

    private final LossKind kind;

    LossFunction(LossKind kind) {
        this.kind = kind;
    }

    /**
     * Returns the mean data loss over the batch and writes dLoss/dPrediction into {@code grad}
     * (unless null).
     */
    double evaluate(float[] pred, float[] target, int batch, int width, float[] grad) {
        return switch (kind) {
            case MEAN_SQUARED_ERROR -> meanSquaredError(pred, target, batch, width, grad);
            case BINARY_CROSSENTROPY -> binaryCrossentropy(pred, target, batch, width, grad);
            case CATEGORICAL_CROSSENTROPY -> categoricalCrossentropy(pred, target, batch, width, grad);
        };
    }

    private static double meanSquaredError(float[] pred, float[] target, int batch, int width, float[] grad) {
        int n = batch * width;
        double sum = 0;
        double scale = 2.0 / n;
        for (int i = 0; i < n; i++) {
            double d = (double) pred[i] - target[i];
            sum += d * d;
            if (grad != null) {
                grad[i] = (float) (scale * d);
            }
        }
        return sum / n;
    }

    private static double binaryCrossentropy(float[] pred, float[] target, int batch, int width, float[] grad) {
        int n = batch * width;
        double sum = 0;
        double scale = 1.0 / n;
        for (int i = 0; i < n; i++) {
            double y = target[i];
            double p = pred[i];
            boolean clipped = !(p > EPSILON && p < 1 - EPSILON);
            p = Math.min(Math.max(p, EPSILON), 1 - EPSILON);
            sum += -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
            if (grad != null) {
                grad[i] = clipped ? 0f : (float) (scale * (-y / p + (1 - y) / (1 - p)));
            }
        }
        return sum / n;
    }

    private static double categoricalCrossentropy(float[] pred, float[] target, int batch, int width, float[] grad) {
        double sum = 0;
        for (int r = 0; r < batch; r++) {
            int o = r * width;
            double s = 0;
            for (int j = 0; j < width; j++) {
                s += pred[o + j];
            }
            double dot = 0; // Σ_j dL/dq_j · q_j
            for (int j = 0; j < width; j++) {
                double q = pred[o + j] / s;
                double y = target[o + j];
                boolean clipped = !(q > EPSILON && q < 1 - EPSILON);
                double p = Math.min(Math.max(q, EPSILON), 1 - EPSILON);
                if (y != 0) {
                    sum -= y * Math.log(p);
                }
                if (grad != null) {
                    double dq = clipped ? 0 : -y / p;
                    dot += dq * q;
                    grad[o + j] = (float) dq; // provisional: dL/dq, finished below
                }
            }
            if (grad != null) {
                // q = pred / s  =>  dL/dpred_k = (dL/dq_k − Σ_j dL/dq_j q_j) / s, then / batch
                for (int j = 0; j < width; j++) {
                    grad[o + j] = (float) ((grad[o + j] - dot) / s / batch);
                }
            }
        }
        return sum / batch;
    }

    /**
     * Classification accuracy of the batch: argmax match for categorical cross-entropy, 0.5
     * threshold per output for binary cross-entropy, NaN for regression.
     */
    double accuracy(float[] pred, float[] target, int batch, int width) {
        switch (kind) {
            case CATEGORICAL_CROSSENTROPY -> {
                int hits = 0;
                for (int r = 0; r < batch; r++) {
                    int o = r * width;
                    if (argmax(pred, o, width) == argmax(target, o, width)) {
                        hits++;
                    }
                }
                return (double) hits / batch;
            }
            case BINARY_CROSSENTROPY -> {
                int n = batch * width;
                int hits = 0;
                for (int i = 0; i < n; i++) {
                    if ((pred[i] > 0.5f) == (target[i] > 0.5f)) {
                        hits++;
                    }
                }
                return (double) hits / n;
            }
            default -> {
                return Double.NaN;
            }
        }
    }

    private static int argmax(float[] v, int offset, int width) {
        int best = 0;
        for (int j = 1; j < width; j++) {
            if (v[offset + j] > v[offset + best]) {
                best = j;
            }
        }
        return best;
    }
}
