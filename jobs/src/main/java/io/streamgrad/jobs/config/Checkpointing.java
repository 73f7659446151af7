package io.streamgrad.jobs.config;

/**
 * The {@code checkpointing} section: interval in ms (0 = off) and an optional checkpoint directory. An unset
 * interval reads as {@link #DEFAULT_INTERVAL_MS}; {@link #intervalSet()} tells whether the YAML chose it, so a job
 * with other needs (the latency-bound scoring job) can default differently.
 */
public record Checkpointing(Long intervalMs, String directory) {
    public static final long DEFAULT_INTERVAL_MS = 10_000;

    public Checkpointing {
        if (intervalMs != null) {
            Checks.atLeast("intervalMs", intervalMs, DEFAULT_INTERVAL_MS, 0);
        }
        directory = Checks.text("directory", directory, null);
    }

    /** Milliseconds between checkpoints: the configured value, or {@link #DEFAULT_INTERVAL_MS} when unset. */
    @Override
    public Long intervalMs() {
        return intervalMs == null ? DEFAULT_INTERVAL_MS : intervalMs;
    }

    /** Whether the YAML (or a {@code --set}) gave the interval. */
    public boolean intervalSet() {
        return intervalMs != null;
    }

    public boolean enabled() {
        return intervalMs() > 0;
    }
}
