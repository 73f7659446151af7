package io.streamgrad.model.nn;

import io.streamgrad.model.spec.Activation;

/** Keras {@code Dense}: {@code out = activation(in·kernel + bias)}; kernel {@code [inWidth][units]}. */
final class DenseLayer extends Layer {
    private final Activation activation;
    private final int kernel;
    private final int bias;

    DenseLayer(int inWidth, int units, Activation activation, int kernelIndex, int biasIndex) {
        super(inWidth, units);
        this.activation = activation;
        this.kernel = kernelIndex;
        this.bias = biasIndex;
    }

    @Override
    void forward(float[] in, int batch, boolean training, float[][] weights) {
        int n = batch * outWidth;
        if (bias >= 0) {
            float[] b = weights[bias];
            for (int r = 0; r < batch; r++) {
                System.arraycopy(b, 0, out, r * outWidth, outWidth);
            }
        } else {
            java.util.Arrays.fill(out, 0, n, 0f);
        }
        Kernels.gemmNN(batch, outWidth, inWidth, in, weights[kernel], out);
        Activations.forward(activation, out, batch, outWidth);
    }

    @Override
    void backward(float[] in, float[] dOut, int batch, float[] dIn, float[][] weights, float[][] grads) {
        Activations.backward(activation, out, dOut, batch, outWidth);
        Kernels.gemmTN(inWidth, outWidth, batch, in, dOut, grads[kernel]);
        if (bias >= 0) {
            float[] gb = grads[bias];
            java.util.Arrays.fill(gb, 0f);
            for (int r = 0; r < batch; r++) {
                int o = r * outWidth;
                for (int j = 0; j < outWidth; j++) {
                    gb[j] += dOut[o + j];
                }
            }
        }
        if (dIn != null) {
            Kernels.gemmNT(batch, inWidth, outWidth, dOut, weights[kernel], dIn);
        }
    }
}
