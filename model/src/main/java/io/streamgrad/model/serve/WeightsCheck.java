package io.streamgrad.model.serve;

import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.state.Variable;
import io.streamgrad.model.state.VariableLayout;

/**
 * Rejects weights a model must not serve: a shape that does not match the specification (checked
 * in long arithmetic, so a crafted specification cannot overflow into a match), non-finite
 * values, or a negative BatchNormalization moving variance (its square root would be NaN). The
 * trainer never publishes such weights; a snapshot that has them is corrupt or hostile.
 */
final class WeightsCheck {
    private WeightsCheck() {}

    /**
     * Rejects a specification with more parameters than {@code maxFloats}, the most its input
     * can hold, before anything of the model's size is allocated (a crafted specification must
     * not make the loader allocate gigabytes).
     */
    static void checkFits(ModelSpec model, long maxFloats, String path) {
        long total;
        try {
            total = new VariableLayout(model).exactParameterCount();
        } catch (ArithmeticException e) { // a variable larger than an array can hold
            throw new SpecException(path, "declares more parameters than an array can hold");
        }
        if (total > maxFloats) {
            throw new SpecException(path, "declares " + total + " parameters, more than the input can hold ("
                    + maxFloats + ")");
        }
    }

    static void check(VariableLayout layout, float[][] weights, String path) {
        if (weights == null || weights.length != layout.size()) {
            throw new SpecException(path, "has " + (weights == null ? 0 : weights.length)
                    + " weight arrays, the model has " + layout.size());
        }
        for (int v = 0; v < layout.size(); v++) {
            Variable var = layout.get(v);
            String name = path + "[" + v + "] (" + var.name() + " of layer " + var.layer() + ")";
            float[] w = weights[v];
            long expected = (long) var.rows() * var.cols();
            if (w == null || w.length != expected) {
                throw new SpecException(name, "has " + (w == null ? 0 : w.length) + " values, the model needs "
                        + expected);
            }
            boolean variance = var.name().equals("movingVariance");
            for (int i = 0; i < w.length; i++) {
                if (!Float.isFinite(w[i]) || (variance && w[i] < 0f)) {
                    throw new SpecException(name, "value " + i + " is " + w[i]
                            + (variance ? " (must be finite and >= 0)" : " (must be finite)"));
                }
            }
        }
    }
}
