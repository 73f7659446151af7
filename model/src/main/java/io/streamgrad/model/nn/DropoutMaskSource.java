package io.streamgrad.model.nn;

/** Supplies the 0/1 keep mask of a dropout layer for one training pass. */
@FunctionalInterface
public interface DropoutMaskSource {
    /**
     * Fills {@code mask[0 .. batch*width)} with 1 (keep) or 0 (drop) for layer {@code layerIndex}
     * (its index in the model specification).
     */
    void fill(int layerIndex, double rate, float[] mask, int batch, int width);
}
