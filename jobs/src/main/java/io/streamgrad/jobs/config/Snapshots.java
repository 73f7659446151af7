package io.streamgrad.jobs.config;

import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.TrainerOption;

/**
 * The {@code snapshots} section: when snapshots are published (every N steps, every T ms, on early
 * stop) and whether they carry optimizer state. Defaults and checks are the operator's own
 * ({@link TrainerOption}).
 */
public record Snapshots(Long everySteps, Long intervalMs, Boolean onEarlyStop, Boolean includeOptimizerState) {
    public Snapshots {
        everySteps = Checks.option(TrainerOption.SNAPSHOT_EVERY_STEPS, everySteps);
        intervalMs = Checks.option(TrainerOption.SNAPSHOT_INTERVAL_MS, intervalMs);
        onEarlyStop = Checks.option(TrainerOption.SNAPSHOT_ON_EARLY_STOP, onEarlyStop);
        includeOptimizerState = Checks.option(TrainerOption.INCLUDE_OPTIMIZER_STATE, includeOptimizerState);
    }

    /** Copies this section into the operator's builder. */
    public OnlineTrainerConfig.Builder applyTo(OnlineTrainerConfig.Builder b) {
        return b.snapshotEverySteps(everySteps).snapshotIntervalMs(intervalMs).snapshotOnEarlyStop(onEarlyStop)
                .includeOptimizerState(includeOptimizerState);
    }
}
