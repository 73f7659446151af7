package io.streamgrad.operators;

import io.streamgrad.model.train.StepResult;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Per-step (or aggregated) training metrics of one model. Losses are measured before the update
 * of their step, i.e. prequential (test-then-train) losses. A Flink POJO.
 */
@PublicEvolving
public class LossMetric {
    public String modelKey;
    /** Optimizer iteration counter of the (last) step. */
    public long step;
    /** Model version after the (last) step. */
    public long version;
    public long examplesSeen;
    /** Examples in the step(s) this record covers. */
    public int batchSize;
    /** Steps this record aggregates (1 when emitted per step). */
    public int steps;
    /** Data loss + regularization, mean over the covered steps. */
    public double loss;
    public double dataLoss;
    public double regularizationLoss;
    public double learningRate;
    public double gradientNorm;
    /** Classification accuracy for cross-entropy losses, NaN for regression. */
    public double accuracy;
    /** Updates skipped because of a non-finite loss or gradient (total for the model). */
    public long skippedUpdates;
    /** Steps in this record whose update was skipped (non-finite loss, gradient or batch statistics). */
    public int skippedSteps;
    /**
     * The engine's outcome of the (last) step (APPLIED, SKIPPED_NON_FINITE or STOPPED); null for the
     * remainder emitted at end of input.
     */
    public StepResult.Outcome outcome;
    /** True when early stopping has stopped this model (metrics continue, training does not). */
    public boolean stopped;
    /** Largest event time of the covered examples, or {@link Example#NO_TIMESTAMP}. */
    public long eventTime = Example.NO_TIMESTAMP;
    /** Processing time when the record was emitted, epoch milliseconds. */
    public long processingTime;

    public LossMetric() {}

    @Override
    public String toString() {
        return "LossMetric{" + modelKey + ", step=" + step + ", v" + version + ", loss=" + loss + ", lr=" + learningRate
                + (stopped ? ", stopped" : "") + "}";
    }
}
