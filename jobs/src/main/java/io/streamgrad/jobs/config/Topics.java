package io.streamgrad.jobs.config;

/**
 * The {@code topics} section: the input topic (required) and the output topics; predictions are
 * written only with {@code training.predictions} or by {@code streamgrad score}.
 */
public record Topics(String input, String metrics, String snapshots, String deadLetters, String predictions) {
    public Topics {
        input = Checks.required("input", input);
        metrics = Checks.text("metrics", metrics, "streamgrad-metrics");
        snapshots = Checks.text("snapshots", snapshots, "streamgrad-snapshots");
        deadLetters = Checks.text("deadLetters", deadLetters, "streamgrad-dead-letters");
        predictions = Checks.text("predictions", predictions, "streamgrad-predictions");
    }
}
