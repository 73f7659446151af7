package io.streamgrad.model.state;

import io.streamgrad.model.spec.RegularizerSpec;

/**
 * One weight array of the network, in Keras {@code get_weights()} order.
 *
 * @param layer index of the owning layer in the model specification (-1 for a feature's embeddings)
 * @param name case-format key: kernel, bias, gamma, beta, movingMean, movingVariance, embeddings
 * @param rows first dimension (1 for vectors)
 * @param cols second dimension (the length for vectors)
 * @param trainable false for BatchNormalization moving statistics
 * @param regularizer penalty on this variable, or null
 * @param feature index of the owning feature in {@code model.features} (-1 for trunk variables)
 */
public record Variable(int layer, String name, int rows, int cols, boolean trainable, RegularizerSpec regularizer,
                       int feature) {
    public static final String EMBEDDINGS = "embeddings";

    public Variable {
        if ((long) rows * cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException((layer >= 0 ? "layers[" + layer + "]" : "features[" + feature + "]") + "."
                    + name + ": " + rows + " x " + cols + " parameters, more than one array can hold ("
                    + Integer.MAX_VALUE + ")");
        }
    }

    /** A trunk variable. */
    public Variable(int layer, String name, int rows, int cols, boolean trainable, RegularizerSpec regularizer) {
        this(layer, name, rows, cols, trainable, regularizer, -1);
    }

    /** The trainable {@code [depth][outputDim]} matrix of feature {@code feature}. */
    public static Variable embeddings(int feature, int depth, int outputDim, RegularizerSpec regularizer) {
        return new Variable(-1, EMBEDDINGS, depth, outputDim, true, regularizer, feature);
    }

    public int size() {
        return rows * cols;   // fits: checked at construction
    }

    public boolean isMatrix() {
        return name.equals("kernel") || name.equals(EMBEDDINGS);
    }
}
