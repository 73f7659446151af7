package io.streamgrad.jobs.check;

import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.Kafka;
import io.streamgrad.jobs.kafka.KafkaPreflight;
import java.io.PrintStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.flink.annotation.Internal;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every check made before a job starts, in one call. Without a broker ({@link #offline}): one model's
 * state against the heap, output records against {@code max.request.size}. With the broker ({@link #run}):
 * credentials and the input topic ({@link KafkaPreflight}), the brokers' transaction timeout limit, the
 * snapshot topic's compaction (a warning), and another running job with the same transactional id prefix.
 * Failures are {@code ConfigException}s naming the setting; warnings are one line on {@code out}.
 */
@Internal
public final class StartChecks {
    private static final Logger LOG = LoggerFactory.getLogger(StartChecks.class);

    private StartChecks() {}

    /** Where the checks run, which decides what they can tell. */
    public enum Where {
        /** In the JVM that trains (a local run): its heap is the one to check. */
        LOCAL,
        /** In a client that submits the job to a cluster. */
        CLIENT,
        /**
         * In the JobManager (application mode). After a JobManager failover {@code main} runs again while the
         * previous attempt's tasks may still commit, so a prefix in use proves nothing there and is not checked.
         */
        JOB_MANAGER
    }

    /** The checks that need no broker ({@code --validate} makes them too). */
    public static void offline(JobConfig cfg, Where where) {
        if (where == Where.LOCAL) {
            ModelFootprint.checkHeap(cfg, Runtime.getRuntime().maxMemory());
        }
        ModelFootprint.checkRecordSizes(cfg);
    }

    /** All checks; {@code out} gets warnings and notes. */
    public static void run(JobConfig cfg, PrintStream out, Where where) {
        offline(cfg, where);
        if (!KafkaPreflight.check(cfg)) {
            return; // the broker did not answer (already warned); Flink's clients keep retrying
        }
        broker(cfg, out, where != Where.JOB_MANAGER);
    }

    /** The checks against the broker's settings and its open transactions, each skipped when not permitted. */
    static void broker(JobConfig cfg, PrintStream out, boolean prefixInUse) {
        try (Admin admin = Admin.create(KafkaPreflight.adminProperties(cfg))) {
            attempt(cfg, "transaction.max.timeout.ms", () -> BrokerSettings.checkTransactionTimeout(cfg, admin));
            attempt(cfg, "topics.snapshots cleanup.policy", () -> BrokerSettings.snapshotTopicWarning(cfg, admin)
                    .ifPresent(w -> {
                        LOG.warn(w);
                        out.println("warning: " + w);
                    }));
            if (prefixInUse && cfg.kafka().deliveryGuarantee() == Kafka.DeliveryGuarantee.EXACTLY_ONCE) {
                attempt(cfg, "kafka.transactionalIdPrefix in use", () -> TransactionalIdOwners.check(cfg, admin, out));
            }
        }
    }

    /** A check the broker refuses to answer (permissions, an old broker, a timeout) is skipped with a warning. */
    private static void attempt(JobConfig cfg, String what, BrokerCheck check) {
        try {
            check.run();
        } catch (ExecutionException | TimeoutException e) {
            Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (c instanceof AuthorizationException || c instanceof UnsupportedVersionException
                    || c instanceof TimeoutException || c instanceof org.apache.kafka.common.errors.TimeoutException) {
                LOG.warn("Kafka at {}: start-time check of {} skipped ({})", cfg.kafka().bootstrapServers(), what, c.toString());
                return;
            }
            throw new IllegalStateException("Kafka at " + cfg.kafka().bootstrapServers() + ": checking " + what
                    + " failed: " + c.getMessage(), c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during start-time checks", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Kafka at " + cfg.kafka().bootstrapServers() + ": checking " + what
                    + " failed: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface BrokerCheck {
        void run() throws Exception;
    }
}
