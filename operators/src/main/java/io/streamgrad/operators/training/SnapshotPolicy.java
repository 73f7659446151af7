package io.streamgrad.operators.training;

import io.streamgrad.model.snapshot.SnapshotBuilder;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.SnapshotRecord;
import io.streamgrad.operators.SnapshotTrigger;
import io.streamgrad.operators.state.KeyEntry;
import org.apache.flink.annotation.Internal;

/**
 * When a key's model is published, and its {@link SnapshotRecord}: on the configured triggers,
 * and only for a version newer than the key's last snapshot (a warm start counts as one), so
 * snapshot versions strictly increase per key, also across restores and warm starts.
 */
@Internal
public final class SnapshotPolicy {
    private final long everySteps;
    private final boolean onEarlyStop;
    private final long intervalMillis;
    private final boolean atEndOfInput;
    private final SnapshotBuilder builder;
    private final String modelSpecJson;
    private final String optimizerSpecJson;

    public SnapshotPolicy(OnlineTrainerConfig config, Trainer trainer) {
        this.builder = new SnapshotBuilder(trainer, config.includeOptimizerState());
        this.modelSpecJson = config.modelSpecJson();
        this.optimizerSpecJson = config.optimizerSpecJson();
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

    /** The snapshot of {@code e} if its model is newer than its last snapshot (then recorded), else null. */
    public SnapshotRecord takeIfNew(KeyEntry e, SnapshotTrigger trigger, long now) {
        if (e.model.version() <= e.progress.lastSnapshotVersion) {
            return null;
        }
        e.progress.lastSnapshotVersion = e.model.version();
        e.markDirty();
        return SnapshotRecord.of(builder.build(e.key, e.model, now), trigger, modelSpecJson, optimizerSpecJson);
    }
}
