package io.streamgrad.operators.training;

import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.operators.Example;
import org.apache.flink.annotation.Internal;

/**
 * Checks an example against the model's input (a vector of {@code inputDim} values, or the raw
 * values of its named features) and output width before it is buffered.
 */
@Internal
public final class ExampleValidator {
    private final int inputDim;
    private final int outputDim;
    /** The named features' layout, or null for a model fed ready vectors. */
    private final FeatureRows rows;

    public ExampleValidator(int inputDim, int outputDim) {
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        this.rows = null;
    }

    /** A validator for {@code model}, with or without named features. */
    public ExampleValidator(ModelSpec model) {
        this.inputDim = model.inputDim();
        this.outputDim = model.outputDim();
        this.rows = model.hasFeatures() ? new FeatureRows(model.features()) : null;
    }

    /** Why {@code ex} cannot be trained (a dead-letter reason), or null when it can. */
    public String problem(Example ex) {
        String p = inputProblem(ex);
        return p != null ? p : vector("target", ex.target, outputDim, "target: missing label");
    }

    /** Why {@code ex}'s input cannot be fed to the model (its label is not looked at), or null. */
    public String inputProblem(Example ex) {
        return rows != null ? rows.problem(ex.featureValues) : featureProblem(ex.features, inputDim);
    }

    /** Why {@code features} cannot be fed to a model with {@code inputDim} inputs, or null when they can. */
    public static String featureProblem(float[] features, int inputDim) {
        return vector("features", features, inputDim, "features: missing");
    }

    private static String vector(String name, float[] v, int width, String missing) {
        if (v == null) {
            return missing;
        }
        if (v.length != width) {
            return name + ": expected " + width + " values, got " + v.length;
        }
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                return name + "[" + i + "]: not finite (" + v[i] + ")";
            }
        }
        return null;
    }
}
