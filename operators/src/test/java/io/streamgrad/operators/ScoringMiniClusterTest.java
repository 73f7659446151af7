package io.streamgrad.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.serve.Predictor;
import io.streamgrad.operators.OnlineTrainingMiniClusterTest.QueueSink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Train and score in one bounded job on a MiniCluster: the trainer's snapshots feed the scoring
 * operator; every prediction equals {@link Predictor} inference with the snapshot of the version
 * it is stamped with, versions per key never go back, and every event is either predicted or
 * dead-lettered.
 */
class ScoringMiniClusterTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    @Test
    void snapshotsOfTheTrainerServeTheScoringOperator() throws Exception {
        String[] keys = {"k1", "k2", "k3"};
        List<Example> training = TestSupport.stream(keys, 1200, 23, true);
        List<Example> events = new ArrayList<>();
        Random r = new Random(29);
        for (int i = 0; i < 600; i++) {
            events.add(ScoringTestSupport.event(keys[i % 3], "e" + i, 1_700_000_000_000L + i, r));
        }
        events.add(ScoringTestSupport.event("nobody", "orphan", 1_700_000_000_000L, r)); // no model ever
        OnlineTrainerConfig config = TestSupport.rich(8).snapshotEverySteps(5).includeOptimizerState(false).build();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        SingleOutputStreamOperator<LossMetric> metrics =
                OnlineTraining.train(env.fromData(training).keyBy(e -> e.modelKey), config, "trainer");
        OnlineTraining.snapshots(metrics).sinkTo(new QueueSink<>("scoring-snapshots"));
        SingleOutputStreamOperator<PredictionRecord> predictions = OnlineScoring.score(
                env.fromData(events).keyBy(e -> e.modelKey), OnlineTraining.snapshots(metrics),
                ScoringConfig.defaults(), "scorer");
        predictions.sinkTo(new QueueSink<>("scoring-predictions"));
        OnlineScoring.deadLetters(predictions).sinkTo(new QueueSink<>("scoring-dead"));
        env.execute("streamgrad-scoring-minicluster-test");

        var sinks = OnlineTrainingMiniClusterTest.SINKS;
        List<SnapshotRecord> snaps = sinks.get("scoring-snapshots").stream().map(o -> (SnapshotRecord) o).toList();
        List<PredictionRecord> ps = sinks.get("scoring-predictions").stream().map(o -> (PredictionRecord) o).toList();
        List<DeadLetter> dead = sinks.get("scoring-dead").stream().map(o -> (DeadLetter) o).toList();

        Map<String, Predictor> byKeyVersion = new HashMap<>();
        for (SnapshotRecord s : snaps) {
            byKeyVersion.put(s.modelKey + "@" + s.version, Predictor.fromState(config.modelSpec(), s.state));
        }
        Map<String, Example> byId = new HashMap<>();
        events.forEach(e -> byId.put(e.eventId, e));
        Map<String, Long> lastVersion = new HashMap<>();
        for (PredictionRecord p : ps) {
            Predictor model = byKeyVersion.get(p.modelKey + "@" + p.modelVersion);
            assertThat(model).as("snapshot %s@%s", p.modelKey, p.modelVersion).isNotNull();
            assertThat(p.values).isEqualTo(model.predict(byId.get(p.eventId).features).values());
            Long prev = lastVersion.put(p.modelKey, p.modelVersion);
            assertThat(p.modelVersion).isGreaterThanOrEqualTo(prev == null ? 0 : prev);
        }
        assertThat(dead).anySatisfy(d -> {
            assertThat(d.modelKey).isEqualTo("nobody");
            assertThat(d.stage).isEqualTo(DeadLetter.STAGE_SCORE);
        });
        assertThat(ps.size() + dead.size()).as("every event predicted or dead-lettered").isEqualTo(events.size());
        assertThat(ps).extracting(p -> p.modelKey).contains("k1", "k2", "k3");
    }
}
