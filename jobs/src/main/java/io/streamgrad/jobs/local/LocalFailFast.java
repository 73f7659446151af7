package io.streamgrad.jobs.local;

import java.time.Duration;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;

/**
 * How a local {@code run} fails: a few quick restarts ride out a transient error, then the job fails and the
 * process exits non-zero with the cause, so that a supervisor sees it (and restarts it, resuming from the
 * checkpoint) instead of a process that restart-loops or waits for resources forever. Flink's default with
 * checkpointing is unbounded exponential-delay restarts, right for a cluster, wrong for a single process.
 */
@Internal
public final class LocalFailFast {
    /** Restarts before a local job fails for good. */
    public static final int RESTART_ATTEMPTS = 3;
    /** Pause between two restarts. */
    public static final Duration RESTART_DELAY = Duration.ofSeconds(1);
    /**
     * How long a restart waits for task slots. They live in this JVM, so slots that do not come within
     * this time never will (a TaskManager stopped by a fatal error); Flink's default waits 5 minutes per attempt.
     */
    public static final Duration SLOT_WAIT = Duration.ofSeconds(15);

    private LocalFailFast() {
    }

    /** The restart strategy and slot wait of a local run. */
    public static Configuration configuration() {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, RESTART_ATTEMPTS);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, RESTART_DELAY);
        c.set(JobManagerOptions.SLOT_REQUEST_TIMEOUT, SLOT_WAIT);
        return c;
    }
}
