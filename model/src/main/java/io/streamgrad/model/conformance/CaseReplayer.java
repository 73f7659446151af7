package io.streamgrad.model.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgrad.model.features.FeatureBatch;
import io.streamgrad.model.nn.DropoutMaskSource;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.state.FeatureStateJson;
import io.streamgrad.model.state.FrontEndState;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.StateJson;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Replays conformance cases ({@code streamgrad-case/1} and {@code /2}, see
 * {@code docs/conformance.md}): builds the model and optimizer from the case, loads its initial
 * weights (and front-end state), runs every step with the given dropout masks, and writes the
 * losses, learning rates, final state and inference outputs as the result file the comparator reads.
 */
public final class CaseReplayer {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CaseReplayer() {}

    /** Replays one parsed case and returns its result object. */
    public static ObjectNode replay(JsonNode testCase) {
        ModelSpec model = SpecParser.model(testCase.get("model"));
        OptimizerSpec optimizer = SpecParser.optimizer(testCase.get("optimizer"));
        Trainer trainer = new Trainer(model, optimizer);
        int layerCount = model.layers().size();
        float[][] weights = StateJson.readLayers(trainer.network().layout(), layerCount,
                testCase.get("initialState"), "initialState");
        FrontEndState frontEnd = model.hasFeatures() ? FeatureStateJson.read(model, trainer.network().layout(),
                testCase.get("initialState").get("features"), "initialState.features", weights) : null;
        ModelState state = trainer.withWeights(weights, frontEnd);

        ObjectNode result = MAPPER.createObjectNode();
        result.put("name", testCase.path("name").asText());
        ArrayNode losses = result.putArray("losses");
        ArrayNode rates = result.putArray("learningRates");
        JsonNode steps = testCase.get("steps");
        if (steps == null || !steps.isArray()) {
            throw new SpecException("steps", "must be an array");
        }
        StepResult r = new StepResult();
        for (int k = 0; k < steps.size(); k++) {
            String path = "steps[" + k + "]";
            JsonNode step = steps.get(k);
            MiniBatch batch = batch(step.get("x"), step.get("y"), model, path);
            batch.setMasks(masks(step.get("dropoutMasks"), model, batch.size(), path + ".dropoutMasks"));
            trainer.step(state, batch, r);
            if (!r.applied()) {
                throw new IllegalStateException(path + ": the update was not applied (" + r.outcome() + ")");
            }
            losses.add(r.loss());
            rates.add(r.learningRate());
        }
        ObjectNode finalState = result.putObject("finalState");
        if (model.hasFeatures()) {
            finalState.set("features", FeatureStateJson.write(model, trainer.network().layout(), state.frontEnd(),
                    state.weights()));
        }
        finalState.setAll(StateJson.layers(trainer.network().layout(), layerCount, state.weights()));

        JsonNode inferenceX = testCase.path("expected").path("inference").get("x");
        int rows;
        float[] y;
        if (model.hasFeatures()) {
            rows = FeatureColumns.rowCount(inferenceX, model.features(), "expected.inference.x");
            FeatureBatch raw = new FeatureBatch(model.features(), rows);
            for (int row = 0; row < rows; row++) {
                raw.addRow();
            }
            FeatureColumns.read(inferenceX, raw, 0, rows, "expected.inference.x");
            y = new float[rows * model.outputDim()];
            trainer.predict(state, raw, rows, y);
        } else {
            float[][] x = matrix(inferenceX, model.inputDim(), "expected.inference.x");
            rows = x.length;
            y = trainer.predict(state, flatten(x, model.inputDim()), rows);
        }
        ArrayNode yOut = result.putObject("inference").putArray("y");
        int outDim = model.outputDim();
        for (int i = 0; i < rows; i++) {
            ArrayNode row = yOut.addArray();
            for (int j = 0; j < outDim; j++) {
                row.add(y[i * outDim + j]);
            }
        }
        return result;
    }

    /**
     * Replays every {@code *.json} case under {@code casesDir} (recursively) into
     * {@code resultsDir/NAME.json}. Returns the names of cases that could not be replayed, with
     * the reason; the others are written.
     */
    public static List<String> replayAll(Path casesDir, Path resultsDir) throws IOException {
        Files.createDirectories(resultsDir);
        List<Path> cases;
        try (Stream<Path> files = Files.walk(casesDir)) {
            cases = files.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).sorted().toList();
        }
        List<String> failures = new ArrayList<>();
        for (Path file : cases) {
            String name = file.getFileName().toString().replaceFirst("\\.json$", "");
            try {
                JsonNode testCase = MAPPER.readTree(file.toFile());
                ObjectNode result = replay(testCase);
                result.put("name", name);
                MAPPER.writeValue(resultsDir.resolve(name + ".json").toFile(), result);
            } catch (RuntimeException | IOException e) {
                failures.add(name + ": " + e.getMessage());
            }
        }
        return failures;
    }

    private static MiniBatch batch(JsonNode xs, JsonNode ys, ModelSpec model, String path) {
        if (model.hasFeatures()) {
            int rows = FeatureColumns.rowCount(xs, model.features(), path + ".x");
            float[][] y = matrix(ys, model.outputDim(), path + ".y");
            if (rows != y.length || rows == 0) {
                throw new SpecException(path, "x and y must have the same, non-zero number of rows");
            }
            MiniBatch batch = MiniBatch.forModel(model, rows);
            for (float[] target : y) {
                batch.addRow(target);
            }
            FeatureColumns.read(xs, batch.raw(), 0, rows, path + ".x");
            return batch;
        }
        float[][] x = matrix(xs, model.inputDim(), path + ".x");
        float[][] y = matrix(ys, model.outputDim(), path + ".y");
        if (x.length != y.length || x.length == 0) {
            throw new SpecException(path, "x and y must have the same, non-zero number of rows");
        }
        return MiniBatch.of(x, y);
    }

    private static DropoutMaskSource masks(JsonNode node, ModelSpec model, int batch, String path) {
        List<LayerSpec> layers = model.layers();
        float[][][] byLayer = new float[layers.size()][][];
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof LayerSpec.Dropout d && d.rate() > 0) {
                JsonNode m = node == null ? null : node.get(Integer.toString(i));
                if (m == null) {
                    throw new SpecException(path + "." + i, "is required: the keep mask of dropout layer " + i);
                }
                byLayer[i] = matrix(m, model.inputWidthOf(i), path + "." + i);
                if (byLayer[i].length != batch) {
                    throw new SpecException(path + "." + i, "must have " + batch + " rows");
                }
            }
        }
        return (layerIndex, rate, mask, rows, width) -> {
            float[][] m = byLayer[layerIndex];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(m[r], 0, mask, r * width, width);
            }
        };
    }

    private static float[][] matrix(JsonNode node, int width, String path) {
        if (node == null || !node.isArray()) {
            throw new SpecException(path, "must be an array of rows");
        }
        float[][] out = new float[node.size()][width];
        for (int r = 0; r < node.size(); r++) {
            StateJson.readRow(node.get(r), out[r], 0, width, path + "[" + r + "]");
        }
        return out;
    }

    private static float[] flatten(float[][] rows, int width) {
        float[] flat = new float[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * width, width);
        }
        return flat;
    }
}
