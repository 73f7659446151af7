package io.streamgrad.model.nn;

import io.streamgrad.model.kernel.FloatKernels;
import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.model.spec.Activation;

/** Keras {@code Dense}: {@code out = activation(in·kernel + bias)}; kernel {@code [inWidth][units]}. */
final class DenseLayer extends Layer {
    private static final FloatKernels K = KernelProvider.get();
    private final Activation activation;
    private final int kernel;
    private final int bias;
    /** Scratch of {@link FloatKernels#gemmNT} (the transposed kernel), grown once. */
    private float[] ntScratch = new float[0];

    DenseLayer(int inWidth, int units, Activation activation, int kernelIndex, int biasIndex) {
        super(inWidth, units);
        this.activation = activation;
        this.kernel = kernelIndex;
        this.bias = biasIndex;
    }

    @Override
    void forward(float[] in, int batch, boolean training, float[][] weights) {
        float[] b = bias >= 0 ? weights[bias] : null;
        boolean relu = activation == Activation.RELU;
        K.denseForward(batch, outWidth, inWidth, in, weights[kernel], b, relu, out);
        if (!relu) {
            Activations.forward(activation, out, batch, outWidth);
        }
    }

    @Override
    void backward(float[] in, float[] dOut, int batch, float[] dIn, float[][] weights, float[][] grads) {
        Activations.backward(activation, out, dOut, batch, outWidth);
        K.gemmTN(inWidth, outWidth, batch, in, dOut, grads[kernel]);
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
            int need = K.ntScratchSize(batch, inWidth, outWidth);
            if (ntScratch.length < need) {
                ntScratch = new float[need];
            }
            K.gemmNT(batch, inWidth, outWidth, dOut, weights[kernel], dIn, ntScratch);
        }
    }
}
