package io.streamgrad.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.model.FeatureFixtures;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import org.junit.jupiter.api.Test;

/** Snapshots of models with a feature front-end carry vocabularies, statistics and embeddings. */
class FeatureSnapshotJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bothSnapshotKindsCarryTheFrontEndAndPredictAlike() throws Exception {
        Trainer t = FeatureFixtures.trainer();
        ModelState s = t.newState(9);
        t.step(s, FeatureFixtures.batch(t.modelSpec(), 1));
        MiniBatch probe = FeatureFixtures.batch(t.modelSpec(), 5);
        float[] expected = new float[4];
        t.predict(s, probe.raw(), 4, expected);

        for (boolean full : new boolean[] {true, false}) {
            ModelSnapshot snap = new SnapshotBuilder(t, full).build("k", s, 1L);
            byte[] bytes = SnapshotJson.toBytes(snap);
            JsonNode tree = JSON.readTree(bytes);
            JsonNode features = tree.get("weights").get("features");
            assertThat(features.get(0).get("vocabulary").toString()).isEqualTo("[\"DE\",\"FR\",\"IT\",\"São Tomé\"]");
            assertThat(features.get(0).get("embeddings")).hasSize(6);
            assertThat(features.get(1).get("count").asLong()).isEqualTo(4);
            assertThat(features.get(2).get("vocabulary").toString()).isEqualTo("[7,-3]");
            assertThat(tree.get("model").get("features")).hasSize(4);
            ModelSnapshot back = SnapshotJson.fromBytes(bytes);
            assertThat(back.state().frontEnd().bitEquals(s.frontEnd())).isTrue();
            float[] y = new float[4];
            new Trainer(back.model(), back.optimizer()).predict(back.state(), probe.raw(), 4, y);
            assertThat(y).as(full ? "full snapshot" : "weights-only snapshot").containsExactly(expected);
        }
    }
}
