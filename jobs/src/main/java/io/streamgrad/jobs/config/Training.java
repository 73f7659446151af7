package io.streamgrad.jobs.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.streamgrad.operators.EndOfInput;
import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.TrainerOption;

/**
 * The {@code training} section: mini-batching, what happens to partial batches at the end of a bounded
 * input, seed and metric aggregation. Names, defaults and checks are the operator's own ({@link TrainerOption}).
 *
 * @param predictions which records the live models predict to {@code topics.predictions} (off)
 */
public record Training(Integer batchSize, Long maxBatchDelayMs,
                       @JsonDeserialize(using = EndOfInputDeserializer.class) EndOfInput endOfInput,
                       Long seed, Integer metricsEverySteps, PredictionMode predictions) {
    public Training {
        predictions = Checks.orDefault(predictions, PredictionMode.OFF);
        batchSize = Checks.option(TrainerOption.BATCH_SIZE, batchSize);
        maxBatchDelayMs = Checks.option(TrainerOption.MAX_BATCH_DELAY_MS, maxBatchDelayMs);
        endOfInput = Checks.option(TrainerOption.END_OF_INPUT, endOfInput);
        seed = Checks.option(TrainerOption.SEED, seed);
        metricsEverySteps = Checks.option(TrainerOption.METRICS_EVERY_STEPS, metricsEverySteps);
    }

    /** Copies this section into the operator's builder. */
    public OnlineTrainerConfig.Builder applyTo(OnlineTrainerConfig.Builder b) {
        return b.batchSize(batchSize).maxBatchDelayMs(maxBatchDelayMs).endOfInput(endOfInput).seed(seed)
                .metricsEverySteps(metricsEverySteps);
    }
}
