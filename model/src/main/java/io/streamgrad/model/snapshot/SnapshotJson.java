package io.streamgrad.model.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.spec.SpecWriter;
import io.streamgrad.model.state.FeatureStateJson;
import io.streamgrad.model.state.FrontEndState;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import io.streamgrad.model.state.StateFormatException;
import io.streamgrad.model.state.StateJson;
import io.streamgrad.model.state.VariableLayout;
import io.streamgrad.model.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * JSON form of a {@link ModelSnapshot} ({@code streamgrad-snapshot/1}): metadata, the model and
 * optimizer specifications in the case schema, the weights in the conformance {@code layers}
 * layout (Keras {@code get_weights()} order, loadable from Python; a model with a feature
 * front-end also has {@code features}: vocabularies, statistics, embeddings), and, when resumable, the full
 * binary state ({@link ModelStateCodec}) in base64 under {@code state}.
 */
public final class SnapshotJson {
    public static final String FORMAT = "streamgrad-snapshot/1";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SnapshotJson() {}

    public static ObjectNode toJson(ModelSnapshot s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("format", FORMAT);
        o.put("modelKey", s.modelKey());
        o.put("version", s.version());
        o.put("step", s.step());
        o.put("examplesSeen", s.examplesSeen());
        if (Double.isFinite(s.lastLoss())) {
            o.put("lastLoss", s.lastLoss());
        } else {
            o.putNull("lastLoss");
        }
        o.put("stopped", s.stopped());
        o.put("stopReason", s.stopReason());
        o.put("createdAt", s.createdAtMillis());
        o.set("model", SpecWriter.model(s.model()));
        o.set("optimizer", SpecWriter.optimizer(s.optimizer()));
        o.set("weights", weights(s));
        if (s.includesOptimizerState()) {
            o.put("state", Base64.getEncoder().encodeToString(ModelStateCodec.encode(s.state())));
        }
        return o;
    }

    /**
     * The {@code weights} member: per layer, Keras {@code get_weights()} order; with a front-end
     * first the {@code features} list ({@link FeatureStateJson}).
     */
    public static JsonNode weights(ModelSnapshot s) {
        VariableLayout layout = new VariableLayout(s.model());
        ObjectNode layers = StateJson.layers(layout, s.model().layers().size(), s.state().weights());
        if (!s.model().hasFeatures()) {
            return layers;
        }
        ObjectNode o = MAPPER.createObjectNode();
        o.set("features", FeatureStateJson.write(s.model(), layout, s.state().frontEnd(), s.state().weights()));
        o.setAll(layers);
        return o;
    }

    public static byte[] toBytes(ModelSnapshot s) {
        try {
            return MAPPER.writeValueAsBytes(toJson(s));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a snapshot from its bytes; a model specification with more parameters than the bytes
     * could hold (each takes at least two characters) is refused before anything of its size is
     * allocated, so a hostile record cannot exhaust memory.
     */
    public static ModelSnapshot fromBytes(byte[] bytes) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new SpecException("snapshot", "is not valid JSON: " + e.getMessage());
        }
        if (tree != null && tree.isObject() && tree.hasNonNull("model")) {
            ModelSpec model = SpecParser.model(tree.get("model"), "snapshot.model");
            long parameters = new VariableLayout(model).exactParameterCount();
            if (parameters > bytes.length / 2) {
                throw new SpecException("snapshot.model", "declares " + parameters
                        + " parameters, more than the snapshot can hold (" + bytes.length + " bytes)");
            }
        }
        return fromJson(tree);
    }

    /**
     * Reads a snapshot. With a {@code state} field the full state is restored (resumable);
     * otherwise weights come from {@code weights} and the optimizer starts fresh. Every problem,
     * including a malformed binary state, is a {@link SpecException} naming the field.
     */
    public static ModelSnapshot fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new SpecException("snapshot", "must be a JSON object");
        }
        if (!FORMAT.equals(n.path("format").asText())) {
            throw new SpecException("snapshot.format", "must be '" + FORMAT + "', got " + n.get("format"));
        }
        ModelSpec model = SpecParser.model(n.get("model"), "snapshot.model");
        OptimizerSpec optimizer = SpecParser.optimizer(n.get("optimizer"), "snapshot.optimizer");
        Trainer trainer = new Trainer(model, optimizer);
        ModelState state;
        boolean full = n.hasNonNull("state");
        if (full) {
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(n.get("state").asText());
            } catch (IllegalArgumentException e) {
                throw new SpecException("snapshot.state", "is not valid base64");
            }
            try {
                state = ModelStateCodec.decode(raw);
            } catch (StateFormatException e) {
                throw new SpecException("snapshot.state", "is not a valid model state: " + e.getMessage());
            }
            VariableLayout layout = trainer.network().layout();
            if (!state.frontEnd().fits(model.features())) {
                throw new SpecException("snapshot.state", "does not match the snapshot's model (feature front-end)");
            }
            if (state.weights().length != layout.size()) {
                throw new SpecException("snapshot.state", "does not match the snapshot's model");
            }
            for (int v = 0; v < layout.size(); v++) {
                if (state.weights()[v].length != layout.get(v).size()) {
                    throw new SpecException("snapshot.state", "does not match the snapshot's model (variable " + v + ")");
                }
            }
        } else {
            float[][] weights = StateJson.readLayers(trainer.network().layout(), model.layers().size(),
                    n.get("weights"), "snapshot.weights");
            FrontEndState frontEnd = model.hasFeatures() ? FeatureStateJson.read(model, trainer.network().layout(),
                    n.get("weights").get("features"), "snapshot.weights.features", weights) : null;
            state = trainer.withWeights(weights, frontEnd);
            state.setVersion(n.path("version").asLong());
            state.setExamplesSeen(n.path("examplesSeen").asLong());
        }
        return new ModelSnapshot(n.path("modelKey").asText(), n.path("version").asLong(), n.path("step").asLong(),
                n.path("examplesSeen").asLong(), n.path("lastLoss").asDouble(Double.NaN),
                n.path("stopped").asBoolean(), n.hasNonNull("stopReason") ? n.get("stopReason").asText() : null,
                n.path("createdAt").asLong(), model, optimizer, state, full);
    }
}
