package io.streamgrad.model.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.spec.SpecWriter;
import io.streamgrad.model.state.FeatureStateJson;
import io.streamgrad.model.state.FrontEndState;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@code expireAfterSteps} on a sparse embedding (our extension): which rows reset, when, and their state. */
class RowExpiryTest {
    static final String FEATURES = "[{\"name\": \"item\", \"type\": \"string\", \"lookup\": {\"vocabulary\": "
            + "[\"a\", \"b\", \"c\"]}, \"embedding\": {\"outputDim\": 2, \"sparseUpdates\": true, "
            + "\"expireAfterSteps\": 2}}, {\"name\": \"x\", \"type\": \"numeric\"}]";

    static Trainer trainer(String optimizer) {
        return new Trainer(FeatureTestSupport.model(FEATURES), SpecParser.optimizer(SpecParser.readTree(optimizer)));
    }

    static MiniBatch batch(ModelSpec spec, String... items) {
        MiniBatch b = MiniBatch.forModel(spec, items.length);
        for (int i = 0; i < items.length; i++) {
            int r = b.addRow(new float[] {0.5f});
            b.raw().setString(r, 0, items[i]);
            b.raw().setNumber(r, 1, 0, i + 1.0);
        }
        return b;
    }

    private static float[] row(float[] a, int r) {
        return Arrays.copyOfRange(a, 2 * r, 2 * r + 2);
    }

    @Test
    void aRowNotLookedUpForExpireAfterStepsStepsResetsWithItsSlots() {
        Trainer t = trainer("{\"type\": \"adagrad\", \"learningRate\": 0.5}");
        ModelState s = t.newState(5);
        float[] initial = s.weights()[0].clone();
        t.step(s, batch(t.modelSpec(), "a", "b")); // step 1: rows 1 (a), 2 (b)
        t.step(s, batch(t.modelSpec(), "b")); // step 2
        assertThat(row(s.weights()[0], 1)).isNotEqualTo(row(initial, 1));
        assertThat(s.frontEnd().ages(0).lastSeen(1)).isEqualTo(1);
        assertThat(s.frontEnd().ages(0).lastSeen(2)).isEqualTo(2);
        float[] bBefore = row(s.weights()[0], 2);
        t.step(s, batch(t.modelSpec(), "c")); // step 3: a was last looked up by step 1 = 3 - 2: expires
        assertThat(row(s.weights()[0], 1)).containsExactly(0f, 0f);
        assertThat(row(s.slots()[0][0], 1)).containsExactly(0.1f, 0.1f); // Adagrad's initial accumulator
        assertThat(s.frontEnd().ages(0).lastSeen(1)).isEqualTo(-1);
        assertThat(row(s.weights()[0], 2)).containsExactly(bBefore); // b: step 2, not expired yet
        assertThat(row(s.weights()[0], 0)).containsExactly(row(initial, 0)); // OOV row: never looked up
        assertThat(s.frontEnd().vocabulary(0).positionOf("a")).isZero(); // the token keeps its index
        t.step(s, batch(t.modelSpec(), "c")); // step 4: b expires
        assertThat(row(s.weights()[0], 2)).containsExactly(0f, 0f);
        assertThat(s.frontEnd().ages(0).oldest()).isEqualTo(3);
    }

    @Test
    void rowAgesAreCheckpointedAndResumeIdentically() {
        Trainer t = trainer("{\"type\": \"adam\"}");
        ModelState s = t.newState(5);
        t.step(s, batch(t.modelSpec(), "a", "b", "zz"));
        t.step(s, batch(t.modelSpec(), "c", "b"));
        ModelState decoded = ModelStateCodec.decode(ModelStateCodec.encode(s));
        ModelState copied = s.copy();
        assertThat(decoded.bitEquals(s)).isTrue();
        for (String item : new String[] {"c", "c", "a"}) {
            t.step(s, batch(t.modelSpec(), item));
            t.step(decoded, batch(t.modelSpec(), item));
            t.step(copied, batch(t.modelSpec(), item));
            assertThat(decoded.bitEquals(s)).isTrue();
            assertThat(copied.bitEquals(s)).isTrue();
            assertThat(copied.frontEnd().ages(0).oldest()).isEqualTo(s.frontEnd().ages(0).oldest());
        }
        var json = FeatureStateJson.write(t.modelSpec(), t.network().layout(), s.frontEnd(), s.weights());
        assertThat(json.get(0).get("lastSeen").toString()).isEqualTo("[-1,5,-1,4]");
        FrontEndState read = FeatureStateJson.read(t.modelSpec(), t.network().layout(), json, "features",
                new float[s.weights().length][]);
        assertThat(read.bitEquals(s.frontEnd())).isTrue();
    }

    @Test
    void theSpecFieldIsValidatedAndRoundTrips() {
        ModelSpec spec = FeatureTestSupport.model(FEATURES);
        assertThat(SpecParser.model(SpecWriter.model(spec))).isEqualTo(spec);
        assertThatThrownBy(() -> FeatureTestSupport.model(FEATURES.replace("\"sparseUpdates\": true", "\"sparseUpdates\": false")))
                .isInstanceOf(SpecException.class).hasMessageContaining("expireAfterSteps");
        assertThatThrownBy(() -> FeatureTestSupport.model(FEATURES.replace("\"expireAfterSteps\": 2",
                "\"expireAfterSteps\": 0"))).isInstanceOf(SpecException.class).hasMessageContaining("expireAfterSteps");
    }
}
