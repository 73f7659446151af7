package io.streamgrad.model.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgrad.model.spec.SpecException;

/**
 * Weights as JSON in the conformance {@code layers} layout: one object per model layer, keyed by
 * variable name ({@code kernel} as {@code [inputs][units]} rows, vectors as arrays), exactly the
 * order and shapes of Keras {@code get_weights()}, so Python users can load them directly.
 * Floats are written in their shortest float32 representation.
 */
public final class StateJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StateJson() {}

    /** {@code {"layers": [...]}}. */
    public static ObjectNode layers(VariableLayout layout, int layerCount, float[][] weights) {
        ObjectNode root = NODES.objectNode();
        ArrayNode layers = root.putArray("layers");
        for (int l = 0; l < layerCount; l++) {
            ObjectNode layer = layers.addObject();
            for (int v : layout.ofLayer(l)) {
                Variable var = layout.get(v);
                layer.set(var.name(), array(var, weights[v]));
            }
        }
        return root;
    }

    /** A variable's values: rows for a kernel, a flat array for a vector. */
    public static ArrayNode array(Variable var, float[] values) {
        ArrayNode a = NODES.arrayNode();
        if (var.isMatrix()) {
            for (int r = 0; r < var.rows(); r++) {
                ArrayNode row = a.addArray();
                for (int c = 0; c < var.cols(); c++) {
                    row.add(values[r * var.cols() + c]);
                }
            }
        } else {
            for (float f : values) {
                a.add(f);
            }
        }
        return a;
    }

    /**
     * Reads weights from {@code {"layers": [...]}}; every variable of the layout must be present
     * with its exact shape. Errors name the field path under {@code path}.
     */
    public static float[][] readLayers(VariableLayout layout, int layerCount, JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new SpecException(path, "must be an object with a 'layers' array");
        }
        JsonNode layers = node.get("layers");
        if (layers == null || !layers.isArray() || layers.size() != layerCount) {
            throw new SpecException(path + ".layers", "must be an array of " + layerCount + " layer objects");
        }
        float[][] weights = new float[layout.size()][];
        for (int l = 0; l < layerCount; l++) {
            JsonNode layer = layers.get(l);
            String lp = path + ".layers[" + l + "]";
            if (!layer.isObject()) {
                throw new SpecException(lp, "must be an object");
            }
            for (int v : layout.ofLayer(l)) {
                Variable var = layout.get(v);
                weights[v] = readArray(var, layer.get(var.name()), lp + "." + var.name());
            }
        }
        return weights;
    }

    public static float[] readArray(Variable var, JsonNode node, String path) {
        if (node == null || !node.isArray()) {
            throw new SpecException(path, "is required: an array of " + (var.isMatrix()
                    ? var.rows() + " rows of " + var.cols() + " numbers" : var.cols() + " numbers"));
        }
        float[] out = new float[var.size()];
        if (var.isMatrix()) {
            if (node.size() != var.rows()) {
                throw new SpecException(path, "must have " + var.rows() + " rows, got " + node.size());
            }
            for (int r = 0; r < var.rows(); r++) {
                readRow(node.get(r), out, r * var.cols(), var.cols(), path + "[" + r + "]");
            }
        } else {
            readRow(node, out, 0, var.cols(), path);
        }
        return out;
    }

    /** Reads exactly {@code n} finite numbers from a JSON array into {@code out[offset ..]}. */
    public static void readRow(JsonNode row, float[] out, int offset, int n, String path) {
        if (row == null || !row.isArray() || row.size() != n) {
            throw new SpecException(path, "must be an array of " + n + " numbers");
        }
        for (int i = 0; i < n; i++) {
            JsonNode x = row.get(i);
            if (!x.isNumber() || !Double.isFinite(x.doubleValue())) {
                throw new SpecException(path + "[" + i + "]", "must be a finite number, got " + x);
            }
            out[offset + i] = (float) x.doubleValue();
        }
    }
}
