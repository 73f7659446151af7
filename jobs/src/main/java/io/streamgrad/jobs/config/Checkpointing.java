package io.streamgrad.jobs.config;

/** The {@code checkpointing} section: interval in ms (0 = off) and an optional checkpoint directory. */
public record Checkpointing(Long intervalMs, String directory) {
    public Checkpointing {
        intervalMs = Checks.atLeast("intervalMs", intervalMs, 10_000, 0);
        directory = Checks.text("directory", directory, null);
    }

    public boolean enabled() {
        return intervalMs > 0;
    }
}
