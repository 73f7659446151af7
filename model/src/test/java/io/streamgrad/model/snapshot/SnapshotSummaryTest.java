package io.streamgrad.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgrad.model.TestFixtures;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.VariableLayout;
import io.streamgrad.model.train.Trainer;
import org.junit.jupiter.api.Test;

class SnapshotSummaryTest {

    @Test
    void summarisesMetadataArchitectureAndEveryVariable() {
        Trainer trainer = TestFixtures.trainer();
        ModelState s = trainer.newState(4);
        TestFixtures.train(trainer, s, TestFixtures.batches(trainer.modelSpec(), 3, 4, 8));
        ModelSnapshot snap = new SnapshotBuilder(trainer, false).build("sensor-7", s, 1_700_000_000_123L);

        ObjectNode o = SnapshotSummary.toJson(snap, false);
        assertThat(o.get("modelKey").asText()).isEqualTo("sensor-7");
        assertThat(o.get("version").asLong()).isEqualTo(4);
        assertThat(o.get("createdAt").asText()).isEqualTo("2023-11-14T22:13:20.123Z");
        assertThat(o.get("resumable").asBoolean()).isFalse();
        assertThat(o.has("stopReason")).isFalse();
        assertThat(o.get("architecture").asText()).startsWith("input(").contains(" -> dense(")
                .contains(" -> batchNormalization");
        assertThat(o.get("optimizer").asText()).isEqualTo("adam");
        VariableLayout layout = new VariableLayout(snap.model());
        assertThat(o.get("parameters").asLong()).isEqualTo(layout.parameterCount());
        JsonNode vars = o.get("variables");
        assertThat(vars).hasSize(layout.size());
        for (int v = 0; v < layout.size(); v++) {
            float[] w = s.weights()[v];
            assertThat(vars.get(v).get("size").asInt()).isEqualTo(w.length);
            float min = Float.POSITIVE_INFINITY;
            for (float x : w) {
                min = Math.min(min, x);
            }
            assertThat((float) vars.get(v).get("min").asDouble()).isEqualTo(min);
        }
        assertThat(o.has("weights")).isFalse();
        assertThat(SnapshotSummary.toJson(snap, true).get("weights"))
                .isEqualTo(SnapshotJson.toJson(snap).get("weights"));
    }
}
