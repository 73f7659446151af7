package io.streamgrad.jobs.kafka;

import io.streamgrad.jobs.config.ConfigException;
import io.streamgrad.jobs.config.JobConfig;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A start-time check of the Kafka connection with the job's own client settings, so that wrong
 * credentials fail the submission with a clear message instead of a restarting job: describes the
 * input topic once. Authentication and authorization errors fail, and so does a missing input topic
 * (the job would otherwise restart-loop or idle without a word; a start that waits for the topic is
 * easy to mistake for a working job). An unreachable broker only warns: Flink's clients retry.
 * Messages never contain client settings (credentials).
 */
public final class KafkaPreflight {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaPreflight.class);

    private KafkaPreflight() {}

    /** Thrown when Kafka rejects the job's credentials or permissions. */
    public static final class KafkaAccessException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KafkaAccessException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The job's client settings for a short-lived admin client with short timeouts. */
    public static Properties adminProperties(JobConfig cfg) {
        Properties p = cfg.clientProperties();
        p.put("request.timeout.ms", "10000");
        p.put("default.api.timeout.ms", "15000");
        p.put("client.id", "streamgrad-preflight");
        return p;
    }

    /**
     * Checks credentials and the input topic.
     *
     * @return whether the broker answered (false: unreachable, warned, starting anyway)
     * @throws ConfigException when the input topic does not exist
     */
    public static boolean check(JobConfig cfg) {
        String where = "Kafka at " + cfg.kafka().bootstrapServers();
        try (Admin admin = Admin.create(adminProperties(cfg))) {
            admin.describeTopics(List.of(cfg.topics().input())).allTopicNames().get(20, TimeUnit.SECONDS);
            if (cfg.labels() != null) {
                checkLabelsTopic(admin, cfg);
            }
            return true;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UnknownTopicOrPartitionException) {
                throw new ConfigException("topics.input", "topic '" + cfg.topics().input() + "' does not exist on "
                        + cfg.kafka().bootstrapServers() + " (create it first; the job does not create its input)");
            }
            if (c instanceof AuthenticationException) {
                throw new KafkaAccessException(where + " rejected the job's credentials (kafka.properties: security.protocol, "
                        + "sasl.mechanism, sasl.jaas.config): " + c.getMessage(), c);
            }
            if (c instanceof AuthorizationException) {
                throw new KafkaAccessException(where + ": the job's principal may not describe the input topic "
                        + cfg.topics().input() + " (topics.input): " + c.getMessage(), c);
            }
            LOG.warn("{}: cannot describe the input topic {} yet ({}); starting anyway", where, cfg.topics().input(),
                    c == null ? e.toString() : c.toString());
            return false;
        } catch (TimeoutException e) {
            LOG.warn("{}: no answer in 20 s; starting anyway", where);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking " + where, e);
        }
    }

    /** The labels topic is read like the input: it must exist, and the job may describe it. */
    private static void checkLabelsTopic(Admin admin, JobConfig cfg) throws InterruptedException, TimeoutException {
        String topic = cfg.labels().topic();
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UnknownTopicOrPartitionException) {
                throw new ConfigException("labels.topic", "topic '" + topic + "' does not exist on "
                        + cfg.kafka().bootstrapServers() + " (create it first; the job does not create its inputs)");
            }
            if (c instanceof AuthorizationException) {
                throw new KafkaAccessException("Kafka at " + cfg.kafka().bootstrapServers() + ": the job's principal may"
                        + " not describe the labels topic " + topic + " (labels.topic): " + c.getMessage(), c);
            }
            LOG.warn("cannot describe the labels topic {} yet ({}); starting anyway", topic,
                    c == null ? e.toString() : c.toString());
        }
    }
}
