package io.streamgrad.model.nn;

import io.streamgrad.model.kernel.FloatKernels;
import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.model.spec.Activation;

/**
 * Activation functions applied in place to a {@code [rows][cols]} buffer, and their backward
 * pass expressed through the activation's output (so pre-activations need not be kept).
 * Formulas: {@code keras/src/activations/activations.py}.
 */
final class Activations {
    private static final FloatKernels K = KernelProvider.get();

    private Activations() {}

    static void forward(Activation act, float[] buf, int rows, int cols) {
        int n = rows * cols;
        switch (act) {
            case LINEAR -> { }
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    if (!(buf[i] > 0f)) {
                        buf[i] = buf[i] != buf[i] ? buf[i] : 0f; // keep NaN visible to the guard
                    }
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    buf[i] = (float) (1.0 / (1.0 + Math.exp(-(double) buf[i])));
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    buf[i] = (float) Math.tanh(buf[i]);
                }
            }
            case SOFTMAX -> {
                for (int r = 0; r < rows; r++) {
                    int o = r * cols;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < cols; j++) {
                        max = Math.max(max, buf[o + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < cols; j++) {
                        double e = Math.exp((double) buf[o + j] - max);
                        buf[o + j] = (float) e;
                        sum += e;
                    }
                    // divide the float exponentials by the double sum: one rounding per element
                    for (int j = 0; j < cols; j++) {
                        buf[o + j] = (float) (buf[o + j] / sum);
                    }
                }
            }
            default -> throw new IllegalStateException("unhandled activation " + act);
        }
    }

    /**
     * Turns {@code grad} (dL/d output) into dL/d pre-activation, in place, from the activation
     * output {@code out}.
     */
    static void backward(Activation act, float[] out, float[] grad, int rows, int cols) {
        int n = rows * cols;
        switch (act) {
            case LINEAR -> { }
            case RELU -> K.reluBackward(out, grad, n);
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    double s = out[i];
                    grad[i] = (float) (grad[i] * s * (1.0 - s));
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    double t = out[i];
                    grad[i] = (float) (grad[i] * (1.0 - t * t));
                }
            }
            case SOFTMAX -> {
                for (int r = 0; r < rows; r++) {
                    int o = r * cols;
                    double dot = 0;
                    for (int j = 0; j < cols; j++) {
                        dot += (double) grad[o + j] * out[o + j];
                    }
                    for (int j = 0; j < cols; j++) {
                        grad[o + j] = (float) (out[o + j] * (grad[o + j] - dot));
                    }
                }
            }
            default -> throw new IllegalStateException("unhandled activation " + act);
        }
    }
}
