package io.streamgrad.jobs.resume;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs a local job until it ends; on Ctrl-C / SIGTERM stops it with a savepoint in the job's directory, so that
 * the same command continues exactly from there. The stop is bounded ({@link #STOP_TIMEOUT}); if it cannot be
 * taken, the next start continues from the newest retained checkpoint instead.
 */
@Internal
public final class StoppableRun {
    /** Upper bound of the whole stop (savepoint and job end); a launcher waiting for it allows a little more. */
    public static final int STOP_TIMEOUT_SECONDS = 90;
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(STOP_TIMEOUT_SECONDS);

    private StoppableRun() {
    }

    /** Submits the pipeline of {@code env} and waits for the job; a restore that does not fit fails on one line. */
    public static void execute(StreamExecutionEnvironment env, LocalRecovery recovery, PrintStream out)
            throws Exception {
        JobClient client;
        try {
            client = env.executeAsync(recovery.job());
        } catch (Exception e) {
            throw recovery.explain(e).map(Exception.class::cast).orElse(e);
        }
        AtomicBoolean stopping = new AtomicBoolean();
        Thread stop = new Thread(() -> {
            stopping.set(true);
            stopWithSavepoint(client, recovery, out);
        }, "streamgrad-stop-with-savepoint");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            client.getJobExecutionResult().get();
            if (!stopping.get()) { // the end of a bounded input, not a stop with a savepoint
                recovery.markFinished();
                out.println("finished " + recovery.job());
            }
        } catch (ExecutionException e) {
            throw recovery.explain(e).map(Exception.class::cast).orElse(e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it stops the job and reports
            }
        }
    }

    private static void stopWithSavepoint(JobClient client, LocalRecovery recovery, PrintStream out) {
        try {
            JobStatus status = client.getJobStatus().get(5, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                return;
            }
            out.println("stopping " + recovery.job() + " with a savepoint ...");
            long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
            String path = client.stopWithSavepoint(false, recovery.savepointDirectory(), SavepointFormatType.CANONICAL)
                    .get(STOP_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            client.getJobExecutionResult().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            out.println("stopped " + recovery.job() + " with a savepoint at " + path
                    + "; the same command continues from it");
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            out.println("could not stop " + recovery.job() + " with a savepoint (" + cause
                    + "); the same command continues from its newest checkpoint");
        }
        out.flush();
    }
}
