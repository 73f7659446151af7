package io.streamgrad.operators;

import io.streamgrad.model.train.StepResult;
import static io.streamgrad.operators.TestSupport.deadLetters;
import static io.streamgrad.operators.TestSupport.harness;
import static io.streamgrad.operators.TestSupport.linear;
import static io.streamgrad.operators.TestSupport.linearExample;
import static io.streamgrad.operators.TestSupport.metrics;
import static io.streamgrad.operators.TestSupport.operator;
import static io.streamgrad.operators.TestSupport.snapshots;
import static io.streamgrad.operators.TestSupport.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotBuilder;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.Trainer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class OnlineTrainerOperatorTest {

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric> h, String key,
                             int n, Random r) throws Exception {
        for (int i = 0; i < n; i++) {
            h.processElement(linearExample(key, r), 0L);
        }
    }

    @Test
    void trainsFullBatchesByCountAndThePartialOneAtEndOfInput() throws Exception {
        try (var h = harness(linear(3).build())) {
            h.open();
            feed(h, "a", 7, new Random(1));
            List<LossMetric> m = metrics(h);
            assertThat(m).hasSize(2);
            assertThat(m).allSatisfy(x -> {
                assertThat(x.batchSize).isEqualTo(3);
                assertThat(x.steps).isEqualTo(1);
                assertThat(x.modelKey).isEqualTo("a");
                assertThat(x.outcome).isEqualTo(StepResult.Outcome.APPLIED);
            });
            assertThat(m.get(0).version).isEqualTo(1);
            assertThat(m.get(1).version).isEqualTo(2);
            assertThat(m.get(1).examplesSeen).isEqualTo(6);
            assertThat(m.get(1).learningRate).isEqualTo(0.05, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(m.get(1).gradientNorm).isPositive();
            assertThat(m.get(1).accuracy).isNaN(); // regression
            assertThat(m.get(1).loss).isEqualTo(m.get(1).dataLoss + m.get(1).regularizationLoss);

            h.endInput();
            m = metrics(h);
            assertThat(m).hasSize(3);
            assertThat(m.get(2).batchSize).isEqualTo(1);
            assertThat(m.get(2).examplesSeen).isEqualTo(7);
            OnlineTrainerOperator op = operator(h);
            assertThat(op.metrics().steps()).isEqualTo(3);
            assertThat(op.metrics().examples()).isEqualTo(7);
            assertThat(op.metrics().lastLoss()).isEqualTo(m.get(2).loss);
            assertThat(op.metrics().learningRate()).isEqualTo(m.get(2).learningRate);
        }
    }

    @Test
    void keysTrainIndependentModelsMatchingABareTrainer() throws Exception {
        OnlineTrainerConfig c = linear(4).build();
        Random r = new Random(3);
        List<Example> xs = TestSupport.stream(new String[] {"a", "b"}, 40, 5, false);
        try (var h = harness(c)) {
            h.open();
            for (Example e : xs) {
                h.processElement(e, 0L);
            }
            // reference: a bare trainer per key on the same rows
            Trainer t = c.newTrainer();
            for (String k : new String[] {"a", "b"}) {
                ModelState ref = t.newState(c.seedFor(k));
                List<Example> rows = xs.stream().filter(e -> e.modelKey.equals(k)).toList();
                for (int i = 0; i + 4 <= rows.size(); i += 4) {
                    var b = new io.streamgrad.model.train.MiniBatch(3, 1, 4);
                    for (int j = i; j < i + 4; j++) {
                        b.add(rows.get(j).features, rows.get(j).target);
                    }
                    t.step(ref, b);
                }
                int pending = rows.size() % 4;
                ModelState live = operator(h).cachedModel(k);
                assertThat(live.version()).isEqualTo(ref.version());
                assertThat(live.weights()).isDeepEqualTo(ref.weights());
                assertThat(live.examplesSeen()).isEqualTo(rows.size() - pending);
            }
        }
        assertThat(r).isNotNull();
    }

    @Test
    void maxBatchDelayFlushesAPartialBatchAndTheTimerSurvivesARestore() throws Exception {
        OnlineTrainerConfig c = linear(10).maxBatchDelay(Duration.ofMillis(100)).build();
        OperatorSubtaskState snap;
        try (var h = harness(c)) {
            h.open();
            h.setProcessingTime(1000);
            feed(h, "a", 2, new Random(1));
            h.setProcessingTime(1099);
            assertThat(metrics(h)).isEmpty();
            h.setProcessingTime(1100);
            assertThat(metrics(h)).hasSize(1);
            assertThat(metrics(h).get(0).batchSize).isEqualTo(2);
            assertThat(h.numProcessingTimeTimers()).isZero();

            h.setProcessingTime(2000);
            feed(h, "a", 3, new Random(2));
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
            snap = h.snapshot(1, 2001);
        }
        try (var h = harness(c)) {
            h.setProcessingTime(2001);
            h.initializeState(snap);
            h.open();
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
            h.setProcessingTime(2100);
            List<LossMetric> m = metrics(h);
            assertThat(m).hasSize(1);
            assertThat(m.get(0).batchSize).isEqualTo(3);
            assertThat(m.get(0).version).isEqualTo(2);
            assertThat(m.get(0).examplesSeen).isEqualTo(5);
        }
    }

    @Test
    void countFlushCancelsTheDelayTimer() throws Exception {
        try (var h = harness(linear(2).maxBatchDelay(Duration.ofMillis(50)).build())) {
            h.open();
            feed(h, "a", 2, new Random(1));
            assertThat(metrics(h)).hasSize(1);
            assertThat(h.numProcessingTimeTimers()).isZero();
            h.setProcessingTime(100);
            assertThat(metrics(h)).hasSize(1);
        }
    }

    @Test
    void batchNormModelsHoldASingleRowPartialBatch() throws Exception {
        OnlineTrainerConfig c = TestSupport.rich(8).maxBatchDelay(Duration.ofMillis(10)).build();
        Random r = new Random(4);
        try (var h = harness(c)) {
            h.open();
            h.processElement(TestSupport.classExample("a", r), 0L);
            h.setProcessingTime(10);
            assertThat(metrics(h)).as("a 1-row batch is held for a BN model").isEmpty();
            assertThat(h.numProcessingTimeTimers()).isZero();
            h.processElement(TestSupport.classExample("a", r), 0L); // re-arms the timer
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
            h.setProcessingTime(20);
            assertThat(metrics(h)).hasSize(1);
            assertThat(metrics(h).get(0).batchSize).isEqualTo(2);
            assertThat(metrics(h).get(0).accuracy).isBetween(0.0, 1.0); // cross-entropy: accuracy reported

            h.processElement(TestSupport.classExample("a", r), 0L);
            h.endInput();
            List<DeadLetter> dl = deadLetters(h);
            assertThat(dl).hasSize(1);
            assertThat(dl.get(0).reason).contains("batchNormalization").contains("1-row");
            assertThat(dl.get(0).record).contains("\"features\"");
            assertThat(metrics(h)).hasSize(1);
        }
    }

    @Test
    void aggregatesMetricsEveryNSteps() throws Exception {
        try (var h = harness(linear(2).metricsEveryNSteps(3).build())) {
            h.open();
            feed(h, "a", 14, new Random(1)); // 7 steps
            List<LossMetric> m = metrics(h);
            assertThat(m).hasSize(2);
            assertThat(m.get(0).steps).isEqualTo(3);
            assertThat(m.get(0).batchSize).isEqualTo(6);
            assertThat(m.get(0).version).isEqualTo(3);
            assertThat(m.get(1).version).isEqualTo(6);
            h.endInput();
            m = metrics(h);
            assertThat(m).hasSize(3);
            assertThat(m.get(2).steps).isEqualTo(1);
            assertThat(m.get(2).version).isEqualTo(7);
        }
    }

    @Test
    void invalidExamplesGoToDeadLettersWithTheirReason() throws Exception {
        try (var h = harness(linear(2).build())) {
            h.open();
            h.processElement(new Example("a", new float[] {1, 2}, new float[] {1}, 5L, "short-row"), 0L);
            h.processElement(new Example("a", new float[] {1, Float.NaN, 3}, new float[] {1}, 5L, "nan-row"), 0L);
            h.processElement(new Example("a", new float[] {1, 2, 3}, null, 5L, "unlabelled"), 0L);
            h.processElement(new Example("a", new float[] {1, 2, 3}, new float[] {1, 2}, 5L, null), 0L);
            h.processElement(new Example("a", null, new float[] {1}, 5L, "no-features"), 0L);
            h.processElement(new Example("a", new float[] {1, 2, 3}, new float[] {Float.POSITIVE_INFINITY}, 5L,
                    "inf-label"), 0L);
            List<DeadLetter> dl = deadLetters(h);
            assertThat(dl).extracting(d -> d.reason).containsExactly(
                    "features: expected 3 values, got 2",
                    "features[1]: not finite (NaN)",
                    "target: missing label",
                    "target: expected 1 values, got 2",
                    "features: missing",
                    "target[0]: not finite (Infinity)");
            assertThat(dl).extracting(d -> d.record).startsWith("short-row", "nan-row", "unlabelled");
            assertThat(dl.get(3).record).startsWith("Example{a");
            assertThat(dl).allSatisfy(d -> {
                assertThat(d.modelKey).isEqualTo("a");
                assertThat(d.stage).isEqualTo("train");
            });
            assertThat(metrics(h)).isEmpty();
            assertThat(operator(h).metrics().deadLetters()).isEqualTo(6);
            // valid rows still train
            feed(h, "a", 2, new Random(1));
            assertThat(metrics(h)).hasSize(1);
        }
    }

    @Test
    void nonFiniteLossIsSkippedCountedAndReported() throws Exception {
        try (var h = harness(linear(2).snapshotEverySteps(1).build())) {
            h.open();
            feed(h, "a", 2, new Random(1));
            ModelState before = state(snapshots(h).get(0));
            // finite inputs whose squared error overflows float32
            h.processElement(new Example("a", new float[] {3e38f, 3e38f, 3e38f}, new float[] {-3e38f}, 1, null), 0L);
            h.processElement(new Example("a", new float[] {3e38f, 3e38f, 3e38f}, new float[] {-3e38f}, 1, null), 0L);
            List<LossMetric> m = metrics(h);
            assertThat(m).hasSize(2);
            LossMetric skipped = m.get(1);
            assertThat(skipped.outcome).isEqualTo(StepResult.Outcome.SKIPPED_NON_FINITE);
            assertThat(skipped.skippedSteps).isEqualTo(1);
            assertThat(skipped.skippedUpdates).isEqualTo(1);
            assertThat(skipped.version).isEqualTo(1);
            assertThat(skipped.learningRate).isNaN();
            assertThat(operator(h).metrics().skippedUpdates()).isEqualTo(1);
            ModelState live = operator(h).cachedModel("a");
            assertThat(live.weights()).isDeepEqualTo(before.weights());
            assertThat(live.version()).isEqualTo(1);
            assertThat(snapshots(h)).hasSize(1); // no new version, no new snapshot
            feed(h, "a", 2, new Random(2));
            assertThat(metrics(h).get(2).outcome).isEqualTo(StepResult.Outcome.APPLIED);
            assertThat(metrics(h).get(2).version).isEqualTo(2);
        }
    }

    @Test
    void snapshotPolicyEveryNStepsIntervalAndEndOfInputWithIncreasingVersions() throws Exception {
        OnlineTrainerConfig c = linear(2).snapshotEverySteps(3).snapshotInterval(Duration.ofSeconds(1))
                .includeOptimizerState(false).build();
        try (var h = harness(c)) {
            h.open();
            h.setProcessingTime(0);
            feed(h, "a", 12, new Random(1)); // versions 1..6: step snapshots at 3 and 6
            assertThat(snapshots(h)).extracting(s -> s.version).containsExactly(3L, 6L);
            assertThat(snapshots(h)).extracting(s -> s.trigger).containsOnly(SnapshotTrigger.STEPS);
            feed(h, "a", 2, new Random(2)); // version 7
            h.setProcessingTime(1000);
            assertThat(snapshots(h)).extracting(s -> s.version).containsExactly(3L, 6L, 7L);
            assertThat(snapshots(h).get(2).trigger).isEqualTo(SnapshotTrigger.INTERVAL);
            h.setProcessingTime(2000); // unchanged model: no snapshot, timer not re-armed
            assertThat(snapshots(h)).hasSize(3);
            assertThat(h.numProcessingTimeTimers()).isZero();
            feed(h, "a", 5, new Random(3)); // versions 8, 9 (steps snapshot) + 1 pending row
            h.endInput(); // version 10, end-of-input snapshot
            List<SnapshotRecord> s = snapshots(h);
            assertThat(s).extracting(x -> x.version).containsExactly(3L, 6L, 7L, 9L, 10L);
            SnapshotRecord last = s.get(4);
            assertThat(last.trigger).isEqualTo(SnapshotTrigger.END_OF_INPUT);
            assertThat(last.examplesSeen).isEqualTo(19);
            assertThat(last.step).isEqualTo(10);
            assertThat(last.includeOptimizerState).isFalse();
            assertThat(state(last).slots()[0].length).isZero();
            ModelSnapshot ms = last.toModelSnapshot();
            assertThat(ms.model()).isEqualTo(c.modelSpec());
            ModelSnapshot back = SnapshotJson.fromBytes(SnapshotJson.toBytes(ms));
            assertThat(back.state().weights()).isDeepEqualTo(state(last).weights());
            assertThat(back.version()).isEqualTo(10);
        }
    }

    @Test
    void earlyStoppingEmitsAStoppedSnapshotAndKeepsEmittingMetrics() throws Exception {
        OnlineTrainerConfig c = linear(2).earlyStopping("""
                {"monitor": "loss", "minDelta": 1000, "patience": 1, "stepsPerEpoch": 1,
                 "restoreBestWeights": true}""").build();
        try (var h = harness(c)) {
            h.open();
            feed(h, "a", 4, new Random(1)); // epoch 0 sets best, epoch 1 fails to improve by 1000: stop
            List<SnapshotRecord> s = snapshots(h);
            assertThat(s).hasSize(1);
            SnapshotRecord stop = s.get(0);
            assertThat(stop.trigger).isEqualTo(SnapshotTrigger.EARLY_STOP);
            assertThat(stop.stopped).isTrue();
            assertThat(stop.stopReason).contains("early stopping").contains("'loss'").contains("best weights restored");
            assertThat(stop.version).isEqualTo(2);
            ModelState stopped = state(stop);
            assertThat(stopped.earlyStopping().stopped()).isTrue();

            feed(h, "a", 4, new Random(2));
            List<LossMetric> m = metrics(h);
            assertThat(m).hasSize(4);
            assertThat(m.subList(2, 4)).allSatisfy(x -> {
                assertThat(x.stopped).isTrue();
                assertThat(x.outcome).isEqualTo(StepResult.Outcome.STOPPED);
                assertThat(x.version).isEqualTo(2);
                assertThat(x.loss).isFinite();
            });
            assertThat(operator(h).cachedModel("a").weights()).isDeepEqualTo(stopped.weights());
            h.endInput();
            assertThat(snapshots(h)).hasSize(1); // same version: no duplicate snapshot
        }
    }

    @Test
    void warmStartKeepsItsVersionAndDefaultsApplyToOtherKeys() throws Exception {
        OnlineTrainerConfig base = linear(2).build();
        Trainer t = base.newTrainer();
        ModelState warm = t.newState(99);
        warm.setVersion(41);
        warm.setExamplesSeen(1000);
        ModelState def = t.newState(5);
        def.setVersion(7);
        OnlineTrainerConfig c = linear(2).warmStart("a", warm).defaultWarmStart(def).build();
        try (var h = harness(c)) {
            h.open();
            feed(h, "a", 2, new Random(1));
            feed(h, "b", 2, new Random(1));
            h.endInput();
            List<LossMetric> m = metrics(h);
            assertThat(m.get(0).version).isEqualTo(42);
            assertThat(m.get(0).examplesSeen).isEqualTo(1002);
            assertThat(m.get(1).version).isEqualTo(8);
            assertThat(snapshots(h)).extracting(s -> s.modelKey + "@" + s.version).containsExactly("a@42", "b@8");
        }
    }

    @Test
    void weightsOnlyWarmStartGetsAFreshOptimizer() {
        OnlineTrainerConfig base = TestSupport.rich(4).build();
        ModelState full = base.newTrainer().newState(3);
        full.setVersion(12);
        ModelState weightsOnly = SnapshotBuilder.weightsOnly(full);
        OnlineTrainerConfig c = TestSupport.rich(4).warmStart("k", weightsOnly).build();
        ModelState init = c.initialState(c.newTrainer(), "k");
        assertThat(init.version()).isEqualTo(12);
        assertThat(init.slots()[0].length).isEqualTo(2); // Adam m and v
        assertThat(init.weights()).isDeepEqualTo(full.weights());
    }

    @Test
    void aTinyWriteBackCacheGivesTheSameModels() throws Exception {
        List<Example> xs = TestSupport.stream(new String[] {"a", "b", "c", "d"}, 120, 9, true);
        List<SnapshotRecord> big;
        List<SnapshotRecord> tiny;
        try (var h = harness(TestSupport.rich(4).build())) {
            h.open();
            for (Example e : xs) {
                h.processElement(e, 0L);
            }
            h.endInput();
            big = snapshots(h);
        }
        try (var h = harness(TestSupport.rich(4).maxCachedModels(1).build())) {
            h.open();
            for (Example e : xs) {
                h.processElement(e, 0L);
                assertThat(operator(h).cachedModels()).isLessThanOrEqualTo(1);
            }
            h.endInput();
            tiny = snapshots(h);
        }
        assertThat(tiny).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(tiny.get(i).modelKey).isEqualTo(big.get(i).modelKey);
            assertThat(state(tiny.get(i)).bitEquals(state(big.get(i)))).isTrue();
        }
    }
}
