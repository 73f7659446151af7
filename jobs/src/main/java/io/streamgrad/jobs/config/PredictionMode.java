package io.streamgrad.jobs.config;

import com.fasterxml.jackson.annotation.JsonValue;
import io.streamgrad.operators.TrainerPredictions;

/**
 * {@code training.predictions}: which records the training job predicts with its live models
 * (to {@code topics.predictions}), by YAML name; see {@link TrainerPredictions.Mode}.
 */
public enum PredictionMode {
    /** None; a record without label is a dead letter. */
    OFF("off", TrainerPredictions.Mode.OFF),
    /** Records without label are predicted, labelled ones trained on. */
    UNLABELLED("unlabelled", TrainerPredictions.Mode.UNLABELLED),
    /** As {@code unlabelled}, and each labelled record is also predicted just before training on it. */
    PREQUENTIAL("prequential", TrainerPredictions.Mode.PREQUENTIAL);

    private final String yamlName;
    private final TrainerPredictions.Mode mode;

    PredictionMode(String yamlName, TrainerPredictions.Mode mode) {
        this.yamlName = yamlName;
        this.mode = mode;
    }

    public TrainerPredictions.Mode mode() {
        return mode;
    }

    @JsonValue
    @Override
    public String toString() {
        return yamlName;
    }
}
