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
import io.streamgrad.model.state.TokenCounts;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** {@code minFrequency} on a growing lookup (our extension): counting, promotion, bounds, undo, state. */
class MinFrequencyTest {

    static final String FEATURES = "[{\"name\": \"item\", \"type\": \"string\", \"lookup\": {\"maxTokens\": 5, "
            + "\"numOovIndices\": 1, \"grow\": true, \"minFrequency\": 3}, \"embedding\": {\"outputDim\": 2}},"
            + "{\"name\": \"x\", \"type\": \"numeric\"}]";

    static Trainer trainer() {
        return new Trainer(FeatureTestSupport.model(FEATURES), SpecParser.optimizer(SpecParser.readTree(
                "{\"type\": \"adam\"}")));
    }

    static MiniBatch batch(ModelSpec spec, double x, String... items) {
        MiniBatch b = MiniBatch.forModel(spec, items.length);
        for (String item : items) {
            int r = b.addRow(new float[] {0.5f});
            b.raw().setString(r, 0, item);
            b.raw().setNumber(r, 1, 0, x);
        }
        return b;
    }

    @Test
    void aTokenStaysOovUntilItsNthSightingThenTakesTheNextRow() {
        Trainer t = trainer();
        ModelState s = t.newState(1);
        t.step(s, batch(t.modelSpec(), 1, "a", "b", "a"));
        FrontEndState fe = s.frontEnd();
        assertThat(fe.vocabulary(0).size()).isZero();
        assertThat(fe.counts(0).count("a")).isEqualTo(2);
        assertThat(fe.counts(0).count("b")).isEqualTo(1);
        // the third sighting of "a" (second row) promotes it before the forward pass of this batch
        t.step(s, batch(t.modelSpec(), 1, "c", "a", "b", "b"));
        assertThat(fe.vocabulary(0).tokens()).containsExactly("a", "b");
        assertThat(fe.counts(0).count("a")).isZero();
        assertThat(fe.counts(0).count("b")).isZero();
        assertThat(fe.counts(0).count("c")).isEqualTo(1);
        // inference never counts
        MiniBatch c = batch(t.modelSpec(), 1, "c", "c", "c");
        t.predict(s, c.raw(), c.size(), new float[3]);
        t.evaluate(s, c);
        assertThat(fe.counts(0).count("c")).isEqualTo(1);
    }

    @Test
    void theCandidateTableAndTheVocabularyAreBounded() {
        Trainer t = trainer();
        ModelState s = t.newState(1);
        int capacity = 4 * 5;
        assertThat(s.frontEnd().counts(0).capacity()).isEqualTo(capacity);
        String[] many = new String[capacity + 7];
        for (int i = 0; i < many.length; i++) {
            many[i] = "t" + i;
        }
        t.step(s, batch(t.modelSpec(), 1, many));
        TokenCounts counts = s.frontEnd().counts(0);
        assertThat(counts.size()).isEqualTo(capacity);
        assertThat(counts.count("t" + (capacity - 1))).isEqualTo(1);
        assertThat(counts.count("t" + capacity)).as("not counted while the table is full").isZero();
        for (int k = 0; k < 2; k++) {
            t.step(s, batch(t.modelSpec(), 1, "t0", "t1", "t2", "t3", "t4", "t5"));
        }
        // maxTokens 5 with one OOV index: four rows; t4 and t5 reach 3 too late and stay counted
        assertThat(s.frontEnd().vocabulary(0).tokens()).containsExactly("t0", "t1", "t2", "t3");
        assertThat(counts.count("t4")).isEqualTo(2);
    }

    @Test
    void aDiscardedStepUndoesTheCounts() {
        Trainer t = trainer();
        ModelState s = t.newState(1);
        t.step(s, batch(t.modelSpec(), 1, "a", "a", "b"));
        ModelState before = s.copy();
        StepResult r = t.step(s, batch(t.modelSpec(), Double.NaN, "a", "b", "new"));
        assertThat(r.outcome()).isEqualTo(StepResult.Outcome.SKIPPED_NON_FINITE);
        assertThat(s.frontEnd().bitEquals(before.frontEnd())).isTrue();
        assertThat(s.frontEnd().vocabulary(0).size()).isZero();
        assertThat(s.frontEnd().counts(0).count("a")).isEqualTo(2);
        assertThat(s.frontEnd().counts(0).count("new")).isZero();
    }

    @Test
    void countsAreCheckpointedInFormat3AndInJson() {
        Trainer t = trainer();
        ModelState s = t.newState(1);
        t.step(s, batch(t.modelSpec(), 1, "a", "a", "b", "a", "\u00e9t\u00e9"));
        byte[] bytes = ModelStateCodec.encode(s);
        assertThat(ByteBuffer.wrap(bytes).getShort(4)).isEqualTo((short) 3);
        ModelState decoded = ModelStateCodec.decode(bytes);
        assertThat(decoded.bitEquals(s)).isTrue();
        assertThat(ModelStateCodec.encode(decoded)).isEqualTo(bytes);
        t.step(s, batch(t.modelSpec(), 2, "b", "b"));
        t.step(decoded, batch(t.modelSpec(), 2, "b", "b"));
        assertThat(decoded.bitEquals(s)).isTrue();
        assertThat(s.frontEnd().vocabulary(0).tokens()).containsExactly("a", "b");

        var json = FeatureStateJson.write(t.modelSpec(), t.network().layout(), s.frontEnd(), s.weights());
        assertThat(json.get(0).get("candidates").toString()).isEqualTo("[[\"\u00e9t\u00e9\",1]]");
        float[][] w = new float[s.weights().length][];
        FrontEndState read = FeatureStateJson.read(t.modelSpec(), t.network().layout(), json, "features", w);
        assertThat(read.bitEquals(s.frontEnd())).isTrue();
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get(0)).putArray("candidates").addArray().add("a").add(1);
        assertThatThrownBy(() -> FeatureStateJson.read(t.modelSpec(), t.network().layout(), json, "features", w))
                .isInstanceOf(SpecException.class).hasMessageContaining("in the vocabulary");
    }

    @Test
    void theSpecFieldIsValidatedAndRoundTrips() {
        ModelSpec spec = FeatureTestSupport.model(FEATURES);
        assertThat(SpecParser.model(SpecWriter.model(spec))).isEqualTo(spec);
        assertThat(SpecWriter.model(FeatureTestSupport.model(FEATURES.replace(", \"minFrequency\": 3", "")))
                .toString()).doesNotContain("minFrequency");
        assertThatThrownBy(() -> FeatureTestSupport.model(FEATURES.replace("\"grow\": true", "\"grow\": false")))
                .isInstanceOf(SpecException.class).hasMessageContaining("minFrequency");
        assertThatThrownBy(() -> FeatureTestSupport.model(FEATURES.replace("\"minFrequency\": 3",
                "\"minFrequency\": 0"))).isInstanceOf(SpecException.class).hasMessageContaining("minFrequency");
    }
}
