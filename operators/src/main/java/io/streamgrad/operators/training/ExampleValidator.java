package io.streamgrad.operators.training;

import io.streamgrad.operators.Example;
import org.apache.flink.annotation.Internal;

/** Checks an example against the model's input and output width before it is buffered. */
@Internal
public final class ExampleValidator {
    private final int inputDim;
    private final int outputDim;

    public ExampleValidator(int inputDim, int outputDim) {
        this.inputDim = inputDim;
        this.outputDim = outputDim;
    }

    /** Why {@code ex} cannot be trained (a dead-letter reason), or null when it can. */
    public String problem(Example ex) {
        String p = featureProblem(ex.features, inputDim);
        return p != null ? p : vector("target", ex.target, outputDim, "target: missing label");
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
