package io.streamgrad.model.nn;

/**
 * Keras {@code Dropout} (inverted): {@code out = in·mask/(1-rate)} in training, identity in
 * inference. The keep mask comes from {@link DropoutMasks}: given explicitly (conformance
 * replay) or drawn from the model state's seeded RNG.
 */
final class DropoutLayer extends Layer {
    final int layerIndex;
    final float rate;
    private final float scale;
    /** Keep mask of the last training pass, 0 or 1, {@code [batch][width]}. */
    float[] mask = new float[0];

    DropoutLayer(int layerIndex, int width, double rate) {
        super(width, width);
        this.layerIndex = layerIndex;
        this.rate = (float) rate;
        this.scale = (float) (1.0 / (1.0 - rate));
    }

    @Override
    void ensureCapacity(int batch) {
        super.ensureCapacity(batch);
        if (mask.length < batch * outWidth) {
            mask = new float[batch * outWidth];
        }
    }

    boolean active(boolean training) {
        return training && rate > 0f;
    }

    @Override
    void forward(float[] in, int batch, boolean training, float[][] weights) {
        int n = batch * outWidth;
        if (!active(training)) {
            System.arraycopy(in, 0, out, 0, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            out[i] = in[i] * mask[i] * scale;
        }
    }

    @Override
    void backward(float[] in, float[] dOut, int batch, float[] dIn, float[][] weights, float[][] grads) {
        if (dIn == null) {
            return;
        }
        int n = batch * outWidth;
        if (rate == 0f) {
            System.arraycopy(dOut, 0, dIn, 0, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            dIn[i] = dOut[i] * mask[i] * scale;
        }
    }
}
