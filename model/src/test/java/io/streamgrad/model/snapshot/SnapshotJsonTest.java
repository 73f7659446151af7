package io.streamgrad.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgrad.model.TestFixtures;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.StateJson;
import io.streamgrad.model.train.Trainer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code streamgrad-snapshot/1}: round trips with and without optimizer state, Keras weight layout. */
class SnapshotJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelState trainedState(Trainer trainer) {
        ModelState s = trainer.newState(21);
        TestFixtures.train(trainer, s, TestFixtures.batches(trainer.modelSpec(), 2, 9, 6));
        return s;
    }

    private static ModelSnapshot snapshot(Trainer trainer, ModelState s, boolean full) {
        return new ModelSnapshot("sensor-7", s.version(), s.iterations(), s.examplesSeen(), s.lastLoss(),
                s.earlyStopping().stopped(), s.earlyStopping().stopped() ? "early stopping" : null, 1_700_000_000_123L,
                trainer.modelSpec(), trainer.optimizer().spec(), s, full);
    }

    @Test
    void roundTripWithOptimizerStateRestoresEverything() {
        Trainer trainer = TestFixtures.trainer();
        ModelState s = trainedState(trainer);
        ModelSnapshot snap = snapshot(trainer, s, true);
        byte[] bytes = SnapshotJson.toBytes(snap);

        ModelSnapshot back = SnapshotJson.fromBytes(bytes);
        assertThat(back.includesOptimizerState()).isTrue();
        assertThat(back.modelKey()).isEqualTo("sensor-7");
        assertThat(back.version()).isEqualTo(9);
        assertThat(back.step()).isEqualTo(9);
        assertThat(back.examplesSeen()).isEqualTo(54);
        assertThat(back.lastLoss()).isEqualTo(s.lastLoss());
        assertThat(back.stopped()).isFalse();
        assertThat(back.stopReason()).isNull();
        assertThat(back.createdAtMillis()).isEqualTo(1_700_000_000_123L);
        assertThat(back.model()).isEqualTo(trainer.modelSpec());
        assertThat(back.optimizer()).isEqualTo(trainer.optimizer().spec());
        assertThat(back.state().bitEquals(s)).as("full state, bit for bit").isTrue();
        assertThat(SnapshotJson.toBytes(back)).isEqualTo(bytes);

        // resumable: continuing from the snapshot equals continuing the original
        Trainer resumedTrainer = new Trainer(back.model(), back.optimizer(), TestFixtures.earlyStopping(true));
        var more = TestFixtures.batches(trainer.modelSpec(), 3, 4, 6);
        TestFixtures.train(resumedTrainer, back.state(), more);
        TestFixtures.train(trainer, s, more);
        assertThat(back.state().bitEquals(s)).isTrue();
    }

    @Test
    void roundTripWithoutOptimizerStateKeepsWeightsAndStartsAFreshOptimizer() throws Exception {
        Trainer trainer = TestFixtures.trainer();
        ModelState s = trainedState(trainer);
        byte[] bytes = SnapshotJson.toBytes(snapshot(trainer, s, false));
        JsonNode json = JSON.readTree(bytes);
        assertThat(json.has("state")).isFalse();
        assertThat(json.get("format").asText()).isEqualTo("streamgrad-snapshot/1");

        ModelSnapshot back = SnapshotJson.fromBytes(bytes);
        assertThat(back.includesOptimizerState()).isFalse();
        assertThat(back.version()).isEqualTo(9);
        ModelState w = back.state();
        for (int v = 0; v < s.weights().length; v++) {
            assertThat(w.weights()[v]).as("variable %d, exact float32 values", v).containsExactly(s.weights()[v]);
        }
        ModelState fresh = trainer.withWeights(s.weights());
        for (int v = 0; v < s.slots().length; v++) {
            assertThat(w.slots()[v]).as("fresh optimizer slots of variable %d", v).isDeepEqualTo(fresh.slots()[v]);
        }
        assertThat(w.iterations()).isZero();
        assertThat(w.version()).as("the model version survives").isEqualTo(9);
        assertThat(w.examplesSeen()).isEqualTo(54);
        assertThat(w.earlyStopping().bestWeights()).isNull();
    }

    @Test
    void nonFiniteLastLossIsWrittenAsNull() throws Exception {
        Trainer trainer = TestFixtures.trainer();
        ModelState fresh = trainer.newState(1);
        byte[] bytes = SnapshotJson.toBytes(snapshot(trainer, fresh, true));
        assertThat(JSON.readTree(bytes).get("lastLoss").isNull()).isTrue();
        ModelSnapshot back = SnapshotJson.fromBytes(bytes);
        assertThat(back.lastLoss()).isNaN();
        assertThat(back.state().bitEquals(fresh)).isTrue();
    }

    /** The weights section is the conformance {@code layers} layout (Keras get_weights, kernel [in][out]). */
    @Test
    void weightsSectionMatchesTheConformanceLayersLayout() throws Exception {
        JsonNode testCase = JSON.readTree(getClass().getResource("/conformance/public/adam_bn_dropout_l2.json"));
        ModelSpec model = SpecParser.model(testCase.get("model"));
        OptimizerSpec optimizer = SpecParser.optimizer(testCase.get("optimizer"));
        Trainer trainer = new Trainer(model, optimizer);
        JsonNode initial = testCase.get("initialState");
        ModelState state = trainer.withWeights(StateJson.readLayers(trainer.network().layout(),
                model.layers().size(), initial, "initialState"));

        ObjectNode json = SnapshotJson.toJson(snapshot(trainer, state, false));
        JsonNode weights = JSON.readTree(JSON.writeValueAsBytes(json.get("weights")));
        assertSameLayout(weights, initial, "weights");
        assertThat(SpecParser.model(json.get("model"))).isEqualTo(model);
        assertThat(SpecParser.optimizer(json.get("optimizer"))).isEqualTo(optimizer);

        // and a snapshot whose weights are a case's layers loads those weights
        ObjectNode edited = json.deepCopy();
        edited.set("weights", testCase.get("expected").get("finalState"));
        ModelSnapshot loaded = SnapshotJson.fromJson(edited);
        JsonNode reWritten = JSON.readTree(JSON.writeValueAsBytes(StateJson.layers(trainer.network().layout(),
                model.layers().size(), loaded.state().weights())));
        assertSameLayout(reWritten, testCase.get("expected").get("finalState"), "finalState");
    }

    /** Same keys per layer, same shapes, same values to float32 precision. */
    private static void assertSameLayout(JsonNode actual, JsonNode expected, String path) {
        if (expected.isObject()) {
            assertThat(actual.isObject()).as(path).isTrue();
            assertThat(names(actual)).as("%s keys", path).containsExactlyElementsOf(names(expected));
            for (String k : names(expected)) {
                assertSameLayout(actual.get(k), expected.get(k), path + "." + k);
            }
        } else if (expected.isArray()) {
            assertThat(actual.isArray()).as(path).isTrue();
            assertThat(actual.size()).as("%s length", path).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertSameLayout(actual.get(i), expected.get(i), path + "[" + i + "]");
            }
        } else {
            assertThat(actual.isNumber()).as(path).isTrue();
            assertThat((float) actual.doubleValue()).as(path).isEqualTo((float) expected.doubleValue());
        }
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void invalidSnapshotsAreRejectedWithTheField() {
        Trainer trainer = TestFixtures.trainer();
        ObjectNode good = SnapshotJson.toJson(snapshot(trainer, trainedState(trainer), true));

        ObjectNode badFormat = good.deepCopy().put("format", "streamgrad-snapshot/2");
        assertThat(catchThrowableOfType(SpecException.class, () -> SnapshotJson.fromJson(badFormat)).field())
                .isEqualTo("snapshot.format");

        ObjectNode badBase64 = good.deepCopy().put("state", "not base64 !!!");
        assertThat(catchThrowableOfType(SpecException.class, () -> SnapshotJson.fromJson(badBase64)).field())
                .isEqualTo("snapshot.state");

        // a state of another model under this model spec
        Trainer other = new Trainer(SpecParser.model(SpecParser.readTree("""
                {"inputDim": 4, "loss": "meanSquaredError", "layers": [{"type": "dense", "units": 2}]}""")),
                trainer.optimizer().spec());
        String otherState = SnapshotJson.toJson(snapshot(other, other.newState(1), true)).get("state").asText();
        ObjectNode mismatched = good.deepCopy().put("state", otherState);
        assertThat(catchThrowableOfType(SpecException.class, () -> SnapshotJson.fromJson(mismatched)).field())
                .isEqualTo("snapshot.state");

        ObjectNode badModel = good.deepCopy();
        ((ObjectNode) badModel.get("model")).put("inputDim", -1);
        assertThat(catchThrowableOfType(SpecException.class, () -> SnapshotJson.fromJson(badModel)).field())
                .isEqualTo("snapshot.model.inputDim");

        assertThat(catchThrowableOfType(SpecException.class, () -> SnapshotJson.fromBytes("{oops".getBytes())).field())
                .isEqualTo("snapshot");
        byte[] truncatedState = Base64.getDecoder().decode(good.get("state").asText());
        ObjectNode truncated = good.deepCopy().put("state",
                Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(truncatedState, 40)));
        SpecException e = catchThrowableOfType(SpecException.class, () -> SnapshotJson.fromJson(truncated));
        assertThat(e).as("a malformed binary state is a SpecException too").isNotNull();
        assertThat(e.field()).isEqualTo("snapshot.state");
        assertThat(e.getMessage()).contains("truncated");
    }
}
