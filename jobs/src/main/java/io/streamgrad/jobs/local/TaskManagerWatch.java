package io.streamgrad.jobs.local;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a local TaskManager that stopped after a fatal error. Flink's MiniCluster only logs "TaskManager #0
 * failed" and keeps running without it, so the job waits for slots that never come and the process looks
 * healthy forever. With a replacement the job's restart strategy decides again: a transient error recovers,
 * a permanent one exhausts the (bounded, see {@link LocalFailFast}) restarts and the job fails with its cause.
 */
@Internal
final class TaskManagerWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskManagerWatch.class);
    private static final long PERIOD_MS = 500;

    private final MiniCluster cluster;
    private final int expected;
    private final ScheduledExecutorService timer;
    private boolean seenAll;

    private TaskManagerWatch(MiniCluster cluster, int expected) {
        this.cluster = cluster;
        this.expected = expected;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "streamgrad-taskmanager-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts watching a started cluster that should keep {@code expected} TaskManagers. */
    static TaskManagerWatch start(MiniCluster cluster, int expected) {
        FatalErrors.install();
        TaskManagerWatch w = new TaskManagerWatch(cluster, expected);
        w.timer.scheduleWithFixedDelay(w::check, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
        return w;
    }

    private void check() {
        try {
            if (!cluster.isRunning()) {
                return;
            }
            int connected = cluster.requestClusterOverview().get(5, TimeUnit.SECONDS).getNumTaskManagersConnected();
            if (connected >= expected) {
                seenAll = true;
            } else if (seenAll) { // not during start-up, when they are still registering
                LOG.error("{} of {} local TaskManager(s) stopped (the cause is logged above); starting a new one so "
                        + "that the job's restart strategy decides whether it recovers", expected - connected, expected);
                seenAll = false;
                cluster.startTaskManager();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("TaskManager watch: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
