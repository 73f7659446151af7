package io.streamgrad.model.state;

import io.streamgrad.model.spec.FeatureSpec;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.ModelSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The weight arrays a {@link ModelSpec} owns, in Keras {@code get_weights()} order: Dense kernel
 * then bias; BatchNormalization gamma, beta, movingMean, movingVariance (absent ones skipped).
 * A model with a feature front-end lists its embedding matrices first, in feature order (§12).
 */
public final class VariableLayout {
    private final List<Variable> variables;
    private final int[][] layerVariables;
    private final int[] featureVariable;
    private final int trainableCount;
    private final long parameterCount;

    public VariableLayout(ModelSpec spec) {
        List<Variable> vars = new ArrayList<>();
        featureVariable = new int[spec.features().size()];
        for (int j = 0; j < featureVariable.length; j++) {
            featureVariable[j] = -1;
            if (spec.features().get(j) instanceof FeatureSpec.Categorical c && c.embedding() != null) {
                featureVariable[j] = vars.size();
                vars.add(Variable.embeddings(j, c.depth(), c.embedding().outputDim(), c.embedding().regularizer()));
            }
        }
        layerVariables = new int[spec.layers().size()][];
        int width = spec.inputDim();
        for (int i = 0; i < spec.layers().size(); i++) {
            int first = vars.size();
            LayerSpec layer = spec.layers().get(i);
            if (layer instanceof LayerSpec.Dense d) {
                vars.add(new Variable(i, "kernel", width, d.units(), true, d.kernelRegularizer()));
                if (d.useBias()) {
                    vars.add(new Variable(i, "bias", 1, d.units(), true, d.biasRegularizer()));
                }
                width = d.units();
            } else if (layer instanceof LayerSpec.BatchNormalization bn) {
                if (bn.scale()) {
                    vars.add(new Variable(i, "gamma", 1, width, true, null));
                }
                if (bn.center()) {
                    vars.add(new Variable(i, "beta", 1, width, true, null));
                }
                vars.add(new Variable(i, "movingMean", 1, width, false, null));
                vars.add(new Variable(i, "movingVariance", 1, width, false, null));
            }
            int[] idx = new int[vars.size() - first];
            for (int k = 0; k < idx.length; k++) {
                idx[k] = first + k;
            }
            layerVariables[i] = idx;
        }
        this.variables = Collections.unmodifiableList(vars);
        this.trainableCount = (int) vars.stream().filter(Variable::trainable).count();
        this.parameterCount = vars.stream().mapToLong(Variable::size).sum();
    }

    public List<Variable> variables() {
        return variables;
    }

    public int size() {
        return variables.size();
    }

    public Variable get(int index) {
        return variables.get(index);
    }

    /** Indices (into {@link #variables()}) of the variables of layer {@code layer}. */
    public int[] ofLayer(int layer) {
        return layerVariables[layer].clone();
    }

    /** Index of the embedding matrix of feature {@code feature}, or -1 when it has none. */
    public int ofFeature(int feature) {
        return featureVariable[feature];
    }

    /** Index of the variable {@code name} of layer {@code layer}, or -1. */
    public int indexOf(int layer, String name) {
        for (int idx : layerVariables[layer]) {
            if (variables.get(idx).name().equals(name)) {
                return idx;
            }
        }
        return -1;
    }

    public int trainableCount() {
        return trainableCount;
    }

    /**
     * Total number of floats in long arithmetic, exact even for a specification whose sizes
     * overflow {@code int}: what a loader checks against its input before allocating.
     */
    public long exactParameterCount() {
        long n = 0;
        for (Variable v : variables) {
            n += (long) v.rows() * v.cols();
        }
        return n;
    }

    /** Total number of floats in all variables (trainable and not). */
    public long parameterCount() {
        return parameterCount;
    }
}
