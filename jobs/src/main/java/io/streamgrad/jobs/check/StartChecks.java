package io.streamgrad.jobs.check;

import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.kafka.KafkaPreflight;
import java.io.PrintStream;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.flink.annotation.Internal;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
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

    /**
     * The checks that need no broker ({@code --validate} makes them too).
     *
     * @param trainsInThisJvm whether this JVM trains the models (a local run), so its heap is the one to check
     */
    public static void offline(JobConfig cfg, boolean trainsInThisJvm) {
        if (trainsInThisJvm) {
            ModelFootprint.checkHeap(cfg, Runtime.getRuntime().maxMemory());
        }
        ModelFootprint.checkRecordSizes(cfg);
    }

    /** All checks; {@code out} gets warnings and notes. */
    public static void run(JobConfig cfg, PrintStream out, boolean trainsInThisJvm) {
        offline(cfg, trainsInThisJvm);
        if (!KafkaPreflight.check(cfg)) {
            return; // the broker did not answer (already warned); Flink's clients keep retrying
        }
        broker(cfg, out);
    }

    /** The checks against the broker's settings and its open transactions. */
    static void broker(JobConfig cfg, PrintStream out) {
        Properties p = KafkaPreflight.adminProperties(cfg);
        try (Admin admin = Admin.create(p)) {
            BrokerSettings.checkTransactionTimeout(cfg, admin);
            BrokerSettings.snapshotTopicWarning(cfg, admin).ifPresent(w -> {
                LOG.warn(w);
                out.println("warning: " + w);
            });
            if (cfg.kafka().deliveryGuarantee() == io.streamgrad.jobs.config.Kafka.DeliveryGuarantee.EXACTLY_ONCE) {
                TransactionalIdOwners.check(cfg, admin, out);
            }
        } catch (ExecutionException | TimeoutException e) {
            Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (c instanceof ClusterAuthorizationException || c instanceof TopicAuthorizationException
                    || c instanceof TransactionalIdAuthorizationException || c instanceof UnsupportedVersionException
                    || c instanceof TimeoutException || c instanceof org.apache.kafka.common.errors.TimeoutException) {
                LOG.warn("Kafka at {}: some start-time checks skipped ({})", cfg.kafka().bootstrapServers(), c.toString());
                return;
            }
            throw new IllegalStateException("Kafka at " + cfg.kafka().bootstrapServers() + ": start-time checks failed: "
                    + c.getMessage(), c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during start-time checks", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Kafka at " + cfg.kafka().bootstrapServers() + ": " + e.getMessage(), e);
        }
    }
}
