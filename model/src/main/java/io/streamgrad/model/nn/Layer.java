package io.streamgrad.model.nn;

/**
 * One layer of a {@link Network}. Activations flow as row-major {@code [batch][width]} float
 * buffers owned by the layers and grown only when a larger batch arrives, so a training step
 * allocates nothing once warmed up. Weights are not owned: {@link Network} binds the arrays of
 * the current {@code ModelState} before each pass.
 */
abstract class Layer {
    final int inWidth;
    final int outWidth;
    /** Output of the last forward pass, {@code [batch][outWidth]}. */
    float[] out = new float[0];

    Layer(int inWidth, int outWidth) {
        this.inWidth = inWidth;
        this.outWidth = outWidth;
    }

    void ensureCapacity(int batch) {
        if (out.length < batch * outWidth) {
            out = new float[batch * outWidth];
        }
    }

    /** Computes {@link #out} from {@code in}. */
    abstract void forward(float[] in, int batch, boolean training, float[][] weights);

    /**
     * Backward pass: {@code dOut} (dL/d out, may be overwritten) -> gradients of this layer's
     * trainable variables into {@code grads}, and dL/d in into {@code dIn} unless it is null.
     */
    abstract void backward(float[] in, float[] dOut, int batch, float[] dIn, float[][] weights, float[][] grads);

    /** Applies deferred state changes of a successful training step (BN moving statistics). */
    void commit(float[][] weights) {}
}
