package io.streamgrad.operators;

import static io.streamgrad.operators.TestSupport.deadLetters;
import static io.streamgrad.operators.TestSupport.metrics;
import static io.streamgrad.operators.TestSupport.operator;
import static io.streamgrad.operators.TestSupport.snapshots;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.model.serve.Predictor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The trainer's predictions side output: unlabelled records, prequential predictions, classes. */
class TrainerPredictionsTest {
    private static final long T0 = 1_700_000_000_000L;

    private static KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric> harness(
            OnlineTrainerConfig config, TrainerPredictions predictions) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new OnlineTrainerOperator(config, predictions),
                e -> e.modelKey, Types.STRING, TestSupport.MAX_PARALLELISM, 1, 0);
    }

    private static List<PredictionRecord> predictions(
            KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric> h) {
        var q = h.getSideOutput(OnlineTrainerOperator.PREDICTIONS);
        return q == null ? new ArrayList<>() : q.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    private static Example unlabelled(String key, String id, Random r) {
        Example e = TestSupport.classExample(key, r);
        e.target = null;
        e.eventId = id;
        e.eventTime = T0;
        return e;
    }

    /** The snapshot of {@code version} among {@code snaps}, as a predictor. */
    private static Predictor at(List<SnapshotRecord> snaps, long version, OnlineTrainerConfig config) {
        SnapshotRecord s = snaps.stream().filter(x -> x.version == version).findFirst().orElseThrow();
        return Predictor.fromState(config.modelSpec(), s.state);
    }

    @Test
    void unlabelledRecordsArePredictedByTheLiveModelAndNotTrained() throws Exception {
        OnlineTrainerConfig config = TestSupport.rich(2).snapshotEverySteps(1).includeOptimizerState(false).build();
        Random r = new Random(4);
        List<Example> unlabelled = new ArrayList<>();
        try (var h = harness(config, TrainerPredictions.of(TrainerPredictions.Mode.UNLABELLED)
                .withClassNames(List.of("neg", "pos")))) {
            h.open();
            for (int i = 0; i < 12; i++) {
                h.processElement(TestSupport.classExample("a", r), 0L);
                if (i % 3 == 2) {
                    Example u = unlabelled("a", "u" + i, r);
                    unlabelled.add(u);
                    h.processElement(u, 0L);
                }
            }
            List<PredictionRecord> p = predictions(h);
            assertThat(p).extracting(x -> x.eventId).containsExactly("u2", "u5", "u8", "u11");
            assertThat(p).extracting(x -> x.modelVersion).containsExactly(1L, 3L, 4L, 6L);
            List<SnapshotRecord> snaps = snapshots(h);
            for (int i = 0; i < p.size(); i++) {
                PredictionRecord x = p.get(i);
                float[] expected = at(snaps, x.modelVersion, config).predict(unlabelled.get(i).features).values();
                assertThat(x.values).as("bits of the live model = bits of its snapshot").isEqualTo(expected);
                assertThat(x.stalenessMillis).isZero();
                assertThat(x.eventTime).isEqualTo(T0);
                assertThat(x.target).isNull();
                assertThat(x.className).isEqualTo(x.values[1] > x.values[0] ? "pos" : "neg");
            }
            assertThat(metrics(h).get(metrics(h).size() - 1).examplesSeen).as("unlabelled rows are not trained")
                    .isEqualTo(12);
            assertThat(deadLetters(h)).isEmpty();
            assertThat(operator(h).metrics().predictions()).isEqualTo(4);
        }
    }

    @Test
    void prequentialPredictionsAreWhatTheModelSaidBeforeTrainingOnTheRecord() throws Exception {
        OnlineTrainerConfig config = TestSupport.rich(2).snapshotEverySteps(1).includeOptimizerState(false).build();
        Random r = new Random(6);
        List<Example> rows = new ArrayList<>();
        try (var h = harness(config, TrainerPredictions.of(TrainerPredictions.Mode.PREQUENTIAL))) {
            h.open();
            for (int i = 0; i < 10; i++) {
                Example e = TestSupport.classExample("a", r);
                rows.add(e);
                h.processElement(e, T0 + i);
            }
            List<PredictionRecord> p = predictions(h);
            assertThat(p).hasSize(10);
            List<SnapshotRecord> snaps = snapshots(h);
            Predictor initial = Predictor.of(config.modelSpec(), config.initialState(config.newTrainer(), "a"), "a",
                    Predictor.UNKNOWN_TIME);
            for (int i = 0; i < 10; i++) {
                PredictionRecord x = p.get(i);
                assertThat(x.modelVersion).as("rows 2k and 2k+1 train step k+1").isEqualTo(i / 2);
                Predictor model = x.modelVersion == 0 ? initial : at(snaps, x.modelVersion, config);
                assertThat(x.values).isEqualTo(model.predict(rows.get(i).features).values());
                assertThat(x.target).isEqualTo(rows.get(i).target);
                assertThat(x.eventTime).isEqualTo(T0 + i);
                assertThat(x.stalenessMillis).isZero();
            }
        }
    }

    @Test
    void withoutPredictionsAnUnlabelledRecordStaysADeadLetter() throws Exception {
        OnlineTrainerConfig config = TestSupport.linear(2).build();
        try (var h = harness(config, TrainerPredictions.off())) {
            h.open();
            h.processElement(new Example("a", new float[] {1, 2, 3}, null, T0, null), 0L);
            assertThat(deadLetters(h)).singleElement().extracting(d -> d.reason).isEqualTo("target: missing label");
            assertThat(predictions(h)).isEmpty();
        }
        try (var h = harness(config, TrainerPredictions.of(TrainerPredictions.Mode.UNLABELLED))) {
            h.open();
            h.processElement(new Example("a", new float[] {1, 2}, null, T0, null), 0L);
            assertThat(deadLetters(h)).singleElement().extracting(d -> d.reason)
                    .isEqualTo("features: expected 3 values, got 2");
            h.processElement(new Example("a", new float[] {1, 2, 3}, null, T0, null), 0L);
            assertThat(predictions(h)).singleElement().satisfies(x -> {
                assertThat(x.classIndex).isEqualTo(PredictionRecord.NO_CLASS);
                assertThat(x.modelVersion).isZero();
            });
        }
    }

    @Test
    void classNamesMustFitTheModel() {
        OnlineTrainerConfig config = TestSupport.rich(2).build();
        assertThatThrownBy(() -> new OnlineTrainerOperator(config,
                TrainerPredictions.of(TrainerPredictions.Mode.UNLABELLED).withClassNames(List.of("a", "b", "c"))))
                .hasMessageContaining("predictions.classNames").hasMessageContaining("has 2 classes");
        assertThatThrownBy(() -> TrainerPredictions.off().withClassNames(List.of("a", "a")))
                .hasMessageContaining("distinct");
    }
}
