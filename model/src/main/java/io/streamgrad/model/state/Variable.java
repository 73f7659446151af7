package io.streamgrad.model.state;

import io.streamgrad.model.spec.RegularizerSpec;

/**
 * One weight array of the network, in Keras {@code get_weights()} order.
 *
 * @param layer index of the owning layer in the model specification
 * @param name case-format key: kernel, bias, gamma, beta, movingMean, movingVariance
 * @param rows first dimension (1 for vectors)
 * @param cols second dimension (the length for vectors)
 * @param trainable false for BatchNormalization moving statistics
 * @param regularizer penalty on this variable, or null
 */
public record Variable(int layer, String name, int rows, int cols, boolean trainable, RegularizerSpec regularizer) {
    public int size() {
        return rows * cols;
    }

    public boolean isMatrix() {
        return name.equals("kernel");
    }
}
