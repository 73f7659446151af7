package io.streamgrad.operators;

import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.snapshot.SnapshotBuilder;
import io.streamgrad.model.spec.SpecWriter;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/** Models at chosen versions as snapshot records, events, and the scoring harness. */
final class ScoringTestSupport {
    /** The classifier with BN and dropout of {@link TestSupport#RICH_MODEL}. */
    static final Trainer TRAINER = TestSupport.rich(4).build().newTrainer();

    private ScoringTestSupport() {}

    /** The model of {@code key} after {@code version} training steps (seeded per key). */
    static ModelState model(String key, int version) {
        ModelState s = TRAINER.newState(key.hashCode());
        Random r = new Random(key.hashCode() * 31L);
        for (int v = 0; v < version; v++) {
            MiniBatch b = new MiniBatch(3, 2, 4);
            for (int i = 0; i < 4; i++) {
                Example e = TestSupport.classExample(key, r);
                b.add(e.features, e.target);
            }
            TRAINER.step(s, b);
        }
        return s;
    }

    static SnapshotRecord snapshot(String key, ModelState s, long createdAt) {
        return SnapshotRecord.of(new SnapshotBuilder(TRAINER, false).build(key, s, createdAt), SnapshotTrigger.STEPS,
                SpecWriter.model(TRAINER.modelSpec()).toString(),
                SpecWriter.optimizer(TRAINER.optimizer().spec()).toString());
    }

    static SnapshotRecord snapshot(String key, int version, long createdAt) {
        return snapshot(key, model(key, version), createdAt);
    }

    static Example event(String key, String id, long eventTime, Random r) {
        Example e = new Example(key, new float[] {(float) r.nextGaussian(), (float) r.nextGaussian(),
                (float) r.nextGaussian()}, null, eventTime, null);
        e.eventId = id;
        return e;
    }

    /** What {@link Predictor} says for {@code features} with the model of {@code snapshot}. */
    static float[] expected(SnapshotRecord snapshot, float[] features) {
        return Predictor.fromState(TRAINER.modelSpec(), snapshot.state).predict(features).values();
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, Example, SnapshotRecord, PredictionRecord> harness(
            ScoringConfig config, StateBackend backend) throws Exception {
        return harness(config, backend, 1, 0);
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, Example, SnapshotRecord, PredictionRecord> harness(
            ScoringConfig config, StateBackend backend, int parallelism, int subtask) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<String, Example, SnapshotRecord, PredictionRecord>(
                new ScoringOperator(config), e -> e.modelKey, s -> s.modelKey, Types.STRING,
                TestSupport.MAX_PARALLELISM, parallelism, subtask);
        if (backend != null) {
            h.setStateBackend(backend);
        }
        return h;
    }

    static List<PredictionRecord> predictions(KeyedTwoInputStreamOperatorTestHarness<String, Example, SnapshotRecord,
            PredictionRecord> h) {
        return h.extractOutputValues();
    }

    static List<DeadLetter> deadLetters(KeyedTwoInputStreamOperatorTestHarness<String, Example, SnapshotRecord,
            PredictionRecord> h) {
        var q = h.getSideOutput(ScoringOperator.DEAD_LETTERS);
        return q == null ? new ArrayList<>() : q.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    static ScoringOperator operator(KeyedTwoInputStreamOperatorTestHarness<String, Example, SnapshotRecord,
            PredictionRecord> h) {
        return (ScoringOperator) h.getOperator();
    }
}
