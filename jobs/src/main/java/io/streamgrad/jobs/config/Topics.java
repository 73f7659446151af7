package io.streamgrad.jobs.config;

/** The {@code topics} section: the input topic (required) and the three output topics. */
public record Topics(String input, String metrics, String snapshots, String deadLetters) {
    public Topics {
        input = Checks.required("input", input);
        metrics = Checks.text("metrics", metrics, "streamgrad-metrics");
        snapshots = Checks.text("snapshots", snapshots, "streamgrad-snapshots");
        deadLetters = Checks.text("deadLetters", deadLetters, "streamgrad-dead-letters");
    }
}
