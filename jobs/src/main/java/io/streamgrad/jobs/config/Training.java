package io.streamgrad.jobs.config;

import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.TrainerOption;

/**
 * The {@code training} section: mini-batching, seed and metric aggregation. Names, defaults and
 * checks are the operator's own ({@link TrainerOption}).
 *
 * @param predictions which records the live models predict to {@code topics.predictions} (off)
 */
public record Training(Integer batchSize, Long maxBatchDelayMs, Long seed, Integer metricsEverySteps,
                       PredictionMode predictions) {
    public Training {
        predictions = Checks.orDefault(predictions, PredictionMode.OFF);
        batchSize = Checks.option(TrainerOption.BATCH_SIZE, batchSize);
        maxBatchDelayMs = Checks.option(TrainerOption.MAX_BATCH_DELAY_MS, maxBatchDelayMs);
        seed = Checks.option(TrainerOption.SEED, seed);
        metricsEverySteps = Checks.option(TrainerOption.METRICS_EVERY_STEPS, metricsEverySteps);
    }

    /** Copies this section into the operator's builder. */
    public OnlineTrainerConfig.Builder applyTo(OnlineTrainerConfig.Builder b) {
        return b.batchSize(batchSize).maxBatchDelayMs(maxBatchDelayMs).seed(seed).metricsEverySteps(metricsEverySteps);
    }
}
