package io.streamgrad.model.snapshot;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.SpecWriter;
import io.streamgrad.model.state.Variable;
import io.streamgrad.model.state.VariableLayout;
import java.time.Instant;
import java.util.Locale;

/**
 * A readable summary of a {@link ModelSnapshot} for people (the {@code inspect} command): the
 * metadata, the architecture in one line, and per weight variable its size and min/mean/max/std.
 * Unlike {@link SnapshotJson} it is not meant to be read back.
 */
public final class SnapshotSummary {
    private SnapshotSummary() {}

    /** The summary; with {@code weights} also the full weights as in {@link SnapshotJson#weights}. */
    public static ObjectNode toJson(ModelSnapshot s, boolean weights) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("modelKey", s.modelKey());
        o.put("version", s.version());
        o.put("step", s.step());
        o.put("examplesSeen", s.examplesSeen());
        if (Double.isFinite(s.lastLoss())) {
            o.put("lastLoss", s.lastLoss());
        }
        o.put("stopped", s.stopped());
        if (s.stopReason() != null) {
            o.put("stopReason", s.stopReason());
        }
        o.put("createdAt", Instant.ofEpochMilli(s.createdAtMillis()).toString());
        o.put("resumable", s.includesOptimizerState());
        StringBuilder arch = new StringBuilder(s.model().hasFeatures()
                ? "features(" + String.join(", ", s.model().features().stream().map(f -> f.name()).toList())
                        + " -> " + s.model().inputDim() + ")"
                : "input(" + s.model().inputDim() + ")");
        for (LayerSpec l : s.model().layers()) {
            arch.append(" -> ").append(describe(l));
        }
        o.put("architecture", arch.toString());
        o.put("loss", s.model().loss().jsonName());
        o.put("optimizer", s.optimizer().type());
        o.set("optimizerSpec", SpecWriter.optimizer(s.optimizer()));
        VariableLayout layout = new VariableLayout(s.model());
        o.put("parameters", layout.parameterCount());
        ArrayNode vars = o.putArray("variables");
        float[][] w = s.state().weights();
        for (int v = 0; v < layout.size(); v++) {
            variable(vars.addObject(), layout.get(v), w[v]);
        }
        if (weights) {
            o.set("weights", SnapshotJson.weights(s));
        }
        return o;
    }

    private static void variable(ObjectNode o, Variable var, float[] w) {
        if (var.feature() >= 0) {
            o.put("feature", var.feature()); // an embedding matrix of the front-end
        } else {
            o.put("layer", var.layer());
        }
        o.put("name", var.name());
        o.put("size", w.length);
        double sum = 0;
        double sq = 0;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float x : w) {
            sum += x;
            sq += (double) x * x;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        int n = Math.max(1, w.length);
        double mean = sum / n;
        o.put("min", min);
        o.put("mean", mean);
        o.put("max", max);
        o.put("std", Math.sqrt(Math.max(0, sq / n - mean * mean)));
    }

    private static String describe(LayerSpec l) {
        if (l instanceof LayerSpec.Dense d) {
            return "dense(" + d.units() + ", " + d.activation().toString().toLowerCase(Locale.ROOT) + ")";
        }
        String n = l.getClass().getSimpleName();
        return Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }
}
