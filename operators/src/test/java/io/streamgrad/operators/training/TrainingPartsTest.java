package io.streamgrad.operators.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.LossMetric;
import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.SnapshotTrigger;
import io.streamgrad.operators.state.KeyProgress;
import org.junit.jupiter.api.Test;

/** The operator's per-key logic without a Flink harness. */
class TrainingPartsTest {
    private static final String LINEAR = """
            {"inputDim": 2, "layers": [{"type": "dense", "units": 1}], "loss": "meanSquaredError"}""";

    private static Example row(float a, float b, float y, long eventTime) {
        return new Example("k", new float[] {a, b}, new float[] {y}, eventTime, null);
    }

    @Test
    void validatorNamesTheFirstProblem() {
        ExampleValidator v = new ExampleValidator(2, 1);
        assertThat(v.problem(row(1, 2, 3, 0))).isNull();
        assertThat(v.problem(new Example("k", null, new float[] {1}, 0, null))).isEqualTo("features: missing");
        assertThat(v.problem(new Example("k", new float[] {1}, new float[] {1}, 0, null)))
                .isEqualTo("features: expected 2 values, got 1");
        assertThat(v.problem(row(1, Float.NaN, 3, 0))).isEqualTo("features[1]: not finite (NaN)");
        assertThat(v.problem(new Example("k", new float[] {1, 2}, null, 0, null))).isEqualTo("target: missing label");
        assertThat(v.problem(new Example("k", new float[] {1, 2}, new float[] {1, 2}, 0, null)))
                .isEqualTo("target: expected 1 values, got 2");
        assertThat(v.problem(row(1, 2, Float.POSITIVE_INFINITY, 0))).isEqualTo("target[0]: not finite (Infinity)");
    }

    @Test
    void bufferFillsABatchAndKeepsTheLatestEventTime() {
        BatchBuffer b = new BatchBuffer(2, 1, 3, false);
        KeyProgress p = new KeyProgress();
        assertThat(b.add(p, row(1, 2, 3, 20), 20)).isFalse();
        assertThat(b.add(p, row(4, 5, 6, 10), 10)).isFalse();
        assertThat(b.partialTrainable(p)).isTrue();
        assertThat(b.add(p, row(7, 8, 9, Example.NO_TIMESTAMP), Example.NO_TIMESTAMP)).isTrue();
        assertThat(p.pendingMaxEventTime).isEqualTo(20);
        MiniBatch batch = b.take(p);
        assertThat(batch.size()).isEqualTo(3);
        assertThat(p.pendingRows).isZero();
        assertThat(p.pendingMaxEventTime).isEqualTo(Example.NO_TIMESTAMP);
        assertThat(b.partialTrainable(p)).isFalse();
        assertThat(b.holdsSingleRow(p)).isFalse();
    }

    @Test
    void batchNormalizationHoldsASingleRowAndDropsItAsText() {
        BatchBuffer b = new BatchBuffer(2, 1, 4, true);
        KeyProgress p = new KeyProgress();
        b.add(p, row(1, 2, 3, 0), 0);
        assertThat(b.partialTrainable(p)).isFalse();
        assertThat(b.holdsSingleRow(p)).isTrue();
        b.add(p, row(4, 5, 6, 0), 0);
        assertThat(b.partialTrainable(p)).isTrue();
        b.take(p);
        b.add(p, row(1, 2, 3, 0), 0);
        assertThat(b.dropHeldRow("k", p)).isEqualTo("{\"modelKey\":\"k\",\"features\":[1.0, 2.0],\"target\":[3.0]}");
        assertThat(p.pendingRows).isZero();
    }

    @Test
    void aggregatorAveragesEveryNStepsAndClears() {
        OnlineTrainerConfig c = OnlineTrainerConfig.builder().model(LINEAR).optimizer("{\"type\": \"sgd\"}")
                .batchSize(2).build();
        Trainer t = c.newTrainer();
        ModelState m = c.initialState(t, "k");
        LossAggregator agg = new LossAggregator(2);
        KeyProgress p = new KeyProgress();
        MiniBatch batch = MiniBatch.of(new float[][] {{1, 2}, {3, 4}}, new float[][] {{1}, {2}});
        StepResult first = t.step(m, batch);
        double firstLoss = first.loss();
        assertThat(agg.add(p, first, 5)).isFalse();
        StepResult second = t.step(m, batch);
        assertThat(agg.add(p, second, 3)).isTrue();
        assertThat(agg.pending(p)).isTrue();
        LossMetric r = agg.drain("k", m, p, second.outcome(), 99);
        assertThat(r.steps).isEqualTo(2);
        assertThat(r.batchSize).isEqualTo(4);
        assertThat(r.loss).isEqualTo((firstLoss + second.loss()) / 2);
        assertThat(r.version).isEqualTo(2);
        assertThat(r.eventTime).isEqualTo(5);
        assertThat(r.outcome).isEqualTo(StepResult.Outcome.APPLIED);
        assertThat(r.processingTime).isEqualTo(99);
        assertThat(agg.pending(p)).isFalse();
        assertThat(p.aggMaxEventTime).isEqualTo(Example.NO_TIMESTAMP);
    }

    @Test
    void policyFiresStepSnapshotsOnlyForAppliedMultiples() {
        OnlineTrainerConfig c = OnlineTrainerConfig.builder().model(LINEAR).optimizer("{\"type\": \"sgd\"}")
                .snapshotEverySteps(2).build();
        Trainer t = c.newTrainer();
        ModelState m = c.initialState(t, "k");
        SnapshotPolicy policy = new SnapshotPolicy(c, t);
        MiniBatch batch = MiniBatch.of(new float[][] {{1, 2}}, new float[][] {{1}});
        assertThat(policy.afterStep(t.step(m, batch), m.version())).isNull();
        assertThat(policy.afterStep(t.step(m, batch), m.version())).isEqualTo(SnapshotTrigger.STEPS);
        assertThat(policy.intervalMillis()).isZero();
    }
}
