package io.streamgrad.model.serve;

import java.util.Arrays;

/**
 * One inference-mode prediction.
 *
 * @param values the model's outputs for the row: regression values, or probabilities for
 *               cross-entropy models (the output of the last layer, e.g. its softmax); owned by
 *               this prediction
 * @param classIndex predicted class ({@link OutputKind#classIndex}), or {@link OutputKind#NO_CLASS}
 * @param className the name of that class when the predictor has class names, else null
 */
public record Prediction(float[] values, int classIndex, String className) {

    @Override
    public boolean equals(Object o) {
        return o instanceof Prediction p && Arrays.equals(values, p.values) && classIndex == p.classIndex
                && java.util.Objects.equals(className, p.className);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(values) + classIndex;
    }

    @Override
    public String toString() {
        return "Prediction{" + Arrays.toString(values) + (classIndex == OutputKind.NO_CLASS ? ""
                : ", class " + classIndex + (className == null ? "" : " (" + className + ")")) + "}";
    }
}
