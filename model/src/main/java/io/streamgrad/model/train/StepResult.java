package io.streamgrad.model.train;

/**
 * Outcome of one {@link Trainer#step}: losses measured BEFORE the update (so, on a stream,
 * the prequential test-then-train loss), the learning rate used and the gradient norm.
 * A reusable holder: the trainer overwrites it on each call that is given it.
 */
public final class StepResult {
    /** Why no update was applied, if none was. */
    public enum Outcome {
        /** The optimizer updated the weights. */
        APPLIED,
        /** Loss, gradient or batch statistics were not finite: weights and statistics untouched. */
        SKIPPED_NON_FINITE,
        /** Early stopping had stopped this model: evaluated in inference mode, not trained. */
        STOPPED
    }

    Outcome outcome;
    double loss;
    double dataLoss;
    double regularizationLoss;
    double learningRate;
    double gradientNorm;
    double accuracy;
    int batchSize;
    long iteration;
    long version;
    boolean earlyStopTriggered;

    public Outcome outcome() {
        return outcome;
    }

    public boolean applied() {
        return outcome == Outcome.APPLIED;
    }

    /** Data loss + regularisation penalties, before the update. */
    public double loss() {
        return loss;
    }

    public double dataLoss() {
        return dataLoss;
    }

    public double regularizationLoss() {
        return regularizationLoss;
    }

    /** Learning rate of this step (NaN when no update was applied). */
    public double learningRate() {
        return learningRate;
    }

    /** L2 norm over all trainable gradients before clipping (NaN when stopped). */
    public double gradientNorm() {
        return gradientNorm;
    }

    /** Batch accuracy for cross-entropy losses, NaN for regression. */
    public double accuracy() {
        return accuracy;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Optimizer counter value this step used (before its increment). */
    public long iteration() {
        return iteration;
    }

    /** Model version after this step. */
    public long version() {
        return version;
    }

    /** True when this step completed an epoch that made early stopping stop the model. */
    public boolean earlyStopTriggered() {
        return earlyStopTriggered;
    }

    @Override
    public String toString() {
        return "StepResult{" + outcome + ", loss=" + loss + ", lr=" + learningRate + ", gradNorm=" + gradientNorm
                + ", batch=" + batchSize + ", version=" + version + (earlyStopTriggered ? ", early stop" : "") + "}";
    }
}
