package io.streamgrad.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.ConfigException;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.JobConfigTest;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.OnlineTrainerConfig;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordSizesTest {
    static JobConfig cfg(String... overrides) {
        return JobConfig.parse(JobConfigTest.BASE, Arrays.asList(overrides));
    }

    static void check(JobConfig c) {
        RecordSizes.check(c, OnlineTrainingJob.trainerConfig(c, Map.of()));
    }

    @Test
    void smallModelsAndDefaultsPass() {
        check(cfg());
    }

    @Test
    void aModelWhoseSnapshotExceedsMaxRequestSizeFailsAtStartNamingTheSetting() {
        // 3 -> 200 -> 200 -> 3: ~42k parameters: weights text ~0.5 MB, with the Adam state in base64 ~1.2 MB
        String big = "model.layers=[{type: dense, units: 200, activation: relu}, {type: dense, units: 200, activation: relu},"
                + " {type: dense, units: 3, activation: softmax}]";
        assertThatThrownBy(() -> check(cfg(big))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kafka.properties.max.request.size: is 1048576 bytes, but a snapshot");
        check(cfg(big, "kafka.properties.max.request.size=8388608"));
        check(cfg(big, "snapshots.includeOptimizerState=false"));
    }

    @Test
    void hugeDeadLettersFailAtStart() {
        assertThatThrownBy(() -> check(cfg("input.maxRecordChars=1000000"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("input.maxRecordChars: ");
    }

    @Test
    void theEstimateBoundsTheSnapshotOfATrainedModel() {
        JobConfig c = cfg("model.layers=[{type: dense, units: 64, activation: relu}, {type: dense, units: 3, activation: softmax}]");
        OnlineTrainerConfig tc = OnlineTrainingJob.trainerConfig(c, Map.of());
        Trainer t = tc.newTrainer();
        ModelState s = tc.initialState(t, "k");
        Random r = new Random(1);
        for (int step = 0; step < 50; step++) {
            MiniBatch b = new MiniBatch(3, 3, 8);
            for (int i = 0; i < 8; i++) {
                float[] y = new float[3];
                y[r.nextInt(3)] = 1;
                b.add(new float[] {(float) r.nextGaussian() * 1e-7f, (float) r.nextGaussian() * 1e7f, (float) r.nextGaussian()}, y);
            }
            t.step(s, b);
        }
        byte[] json = SnapshotJson.toBytes(new ModelSnapshot("k".repeat(1024), s.version(), s.iterations(), s.examplesSeen(),
                s.lastLoss(), false, null, System.currentTimeMillis(), c.model(), c.optimizer(), s, true));
        assertThat((long) json.length).isLessThan(RecordSizes.snapshotBytes(c, tc));
    }
}
