package io.streamgrad.model.nn;

import io.streamgrad.model.spec.Activation;

/** Keras {@code Activation} layer: the function applied element-wise (softmax per row). */
final class ActivationLayer extends Layer {
    private final Activation activation;

    ActivationLayer(int width, Activation activation) {
        super(width, width);
        this.activation = activation;
    }

    @Override
    void forward(float[] in, int batch, boolean training, float[][] weights) {
        System.arraycopy(in, 0, out, 0, batch * outWidth);
        Activations.forward(activation, out, batch, outWidth);
    }

    @Override
    void backward(float[] in, float[] dOut, int batch, float[] dIn, float[][] weights, float[][] grads) {
        Activations.backward(activation, out, dOut, batch, outWidth);
        if (dIn != null) {
            System.arraycopy(dOut, 0, dIn, 0, batch * outWidth);
        }
    }
}
