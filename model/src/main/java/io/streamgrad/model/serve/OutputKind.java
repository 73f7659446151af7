package io.streamgrad.model.serve;

import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;

/**
 * What a model's outputs mean, derived from its training loss and output width, and how a
 * predicted class is read from them. The thresholds are those of the training accuracy metric,
 * so a prediction's class agrees with what the metric counted.
 */
public enum OutputKind {
    /** Mean squared error: the outputs are the predicted values; no class. */
    REGRESSION,
    /** Binary cross-entropy with one output: the probability of class 1; class 1 when {@code > 0.5}. */
    BINARY,
    /** Binary cross-entropy with several outputs: independent probabilities; no single class. */
    MULTI_LABEL,
    /** Categorical cross-entropy: one probability per class; the class is the first largest. */
    MULTI_CLASS;

    /** Class index of outputs that have none. */
    public static final int NO_CLASS = -1;

    public static OutputKind of(ModelSpec model) {
        if (model.loss() == LossKind.CATEGORICAL_CROSSENTROPY) {
            return MULTI_CLASS;
        }
        if (model.loss() == LossKind.BINARY_CROSSENTROPY) {
            return model.outputDim() == 1 ? BINARY : MULTI_LABEL;
        }
        return REGRESSION;
    }

    /** Number of classes a class-name list must have for {@code outputDim} outputs (0: none allowed). */
    public int classCount(int outputDim) {
        return switch (this) {
            case BINARY -> 2;
            case MULTI_CLASS -> outputDim;
            default -> 0;
        };
    }

    /** The predicted class of the row {@code values[offset .. offset+width)}, or {@link #NO_CLASS}. */
    public int classIndex(float[] values, int offset, int width) {
        switch (this) {
            case BINARY:
                return values[offset] > 0.5f ? 1 : 0;
            case MULTI_CLASS:
                int best = 0;
                for (int j = 1; j < width; j++) {
                    if (values[offset + j] > values[offset + best]) {
                        best = j;
                    }
                }
                return best;
            default:
                return NO_CLASS;
        }
    }
}
