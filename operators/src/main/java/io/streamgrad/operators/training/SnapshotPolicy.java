package io.streamgrad.operators.training;

import io.streamgrad.model.train.StepResult;
import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.SnapshotTrigger;
import org.apache.flink.annotation.Internal;

/** When the configuration asks for a snapshot; the operator adds the "only newer versions" rule. */
@Internal
public final class SnapshotPolicy {
    private final long everySteps;
    private final boolean onEarlyStop;
    private final long intervalMillis;
    private final boolean atEndOfInput;

    public SnapshotPolicy(OnlineTrainerConfig config) {
        this.everySteps = config.snapshotEverySteps();
        this.onEarlyStop = config.snapshotOnEarlyStop();
        this.intervalMillis = config.snapshotIntervalMillis();
        this.atEndOfInput = config.snapshotAtEndOfInput();
    }

    /** The trigger that step {@code r}, which left the model at {@code version}, fires; or null. */
    public SnapshotTrigger afterStep(StepResult r, long version) {
        if (r.earlyStopTriggered()) {
            return onEarlyStop ? SnapshotTrigger.EARLY_STOP : null;
        }
        return r.outcome() == StepResult.Outcome.APPLIED && everySteps > 0 && version % everySteps == 0
                ? SnapshotTrigger.STEPS : null;
    }

    /** Processing time between interval snapshots of a changing model; 0 = none. */
    public long intervalMillis() {
        return intervalMillis;
    }

    public boolean atEndOfInput() {
        return atEndOfInput;
    }
}
