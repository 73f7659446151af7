package io.streamgrad.operators.training;

import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.operators.LossMetric;
import io.streamgrad.operators.state.KeyProgress;
import org.apache.flink.annotation.Internal;

/**
 * Turns steps into {@link LossMetric}s: one per step, or one per {@code everyNSteps} steps with
 * means of the losses, the gradient norm and the accuracy. The running sums live in the key's
 * {@link KeyProgress}, so an aggregate in progress survives a restore.
 */
@Internal
public final class LossAggregator {
    private final int everyNSteps;

    public LossAggregator(int everyNSteps) {
        this.everyNSteps = everyNSteps;
    }

    /** Adds a step of rows up to {@code eventTime}; true when a metric is due. */
    public boolean add(KeyProgress p, StepResult r, long eventTime) {
        p.aggSteps++;
        p.aggExamples += r.batchSize();
        p.aggSkipped += r.outcome() == StepResult.Outcome.SKIPPED_NON_FINITE ? 1 : 0;
        p.aggLoss += r.loss();
        p.aggDataLoss += r.dataLoss();
        p.aggRegularizationLoss += r.regularizationLoss();
        p.aggGradientNorm += r.gradientNorm();
        p.aggAccuracy += r.accuracy();
        p.aggLearningRate = r.learningRate();
        p.aggMaxEventTime = Math.max(p.aggMaxEventTime, eventTime);
        return p.aggSteps >= everyNSteps;
    }

    /** Whether steps are waiting for their metric. */
    public boolean pending(KeyProgress p) {
        return p.aggSteps > 0;
    }

    /**
     * The metric of the aggregated steps, which are then cleared.
     *
     * @param lastOutcome outcome of the last step, null for a remainder flushed at end of input
     */
    public LossMetric drain(String key, ModelState m, KeyProgress p, StepResult.Outcome lastOutcome, long now) {
        int n = p.aggSteps;
        LossMetric r = new LossMetric();
        r.modelKey = key;
        r.step = m.iterations();
        r.version = m.version();
        r.examplesSeen = m.examplesSeen();
        r.batchSize = p.aggExamples;
        r.steps = n;
        r.loss = p.aggLoss / n;
        r.dataLoss = p.aggDataLoss / n;
        r.regularizationLoss = p.aggRegularizationLoss / n;
        r.learningRate = p.aggLearningRate;
        r.gradientNorm = p.aggGradientNorm / n;
        r.accuracy = p.aggAccuracy / n;
        r.skippedUpdates = m.skippedUpdates();
        r.skippedSteps = p.aggSkipped;
        r.outcome = lastOutcome;
        r.stopped = m.earlyStopping().stopped();
        r.eventTime = p.aggMaxEventTime;
        r.processingTime = now;
        p.clearAggregate();
        return r;
    }
}
