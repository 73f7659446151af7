package io.streamgrad.jobs.check;

import io.streamgrad.jobs.config.ConfigException;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.Kafka;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.annotation.Internal;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Broker and topic settings the job depends on, read with {@code Admin.describeConfigs}: the brokers'
 * {@code transaction.max.timeout.ms} against {@code kafka.transactionTimeoutMs} (a larger timeout makes every
 * exactly-once producer fail, so the job would restart forever) and the snapshot topic's cleanup policy.
 */
@Internal
final class BrokerSettings {
    static final String TRANSACTION_MAX_TIMEOUT = "transaction.max.timeout.ms";
    static final long TIMEOUT_SECONDS = 15;

    private BrokerSettings() {}

    /** Fails when exactly-once sinks would ask for a longer transaction timeout than a broker allows. */
    static void checkTransactionTimeout(JobConfig cfg, Admin admin) throws Exception {
        if (cfg.kafka().deliveryGuarantee() != Kafka.DeliveryGuarantee.EXACTLY_ONCE) {
            return;
        }
        List<ConfigResource> brokers = new ArrayList<>();
        for (Node n : admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            brokers.add(new ConfigResource(ConfigResource.Type.BROKER, n.idString()));
        }
        long wanted = cfg.kafka().transactionTimeoutMs();
        for (Map.Entry<ConfigResource, Config> e : describe(admin, brokers).entrySet()) {
            ConfigEntry max = e.getValue().get(TRANSACTION_MAX_TIMEOUT);
            if (max == null || max.value() == null) {
                continue;
            }
            long allowed = Long.parseLong(max.value().trim());
            if (wanted > allowed) {
                throw new ConfigException("kafka.transactionTimeoutMs", "is " + wanted + " ms, but broker "
                        + e.getKey().name() + " of " + cfg.kafka().bootstrapServers() + " allows at most "
                        + TRANSACTION_MAX_TIMEOUT + "=" + allowed + " ms, so every exactly-once producer would be "
                        + "refused: set kafka.transactionTimeoutMs to at most " + allowed + " (above "
                        + "checkpointing.intervalMs) or raise the broker's " + TRANSACTION_MAX_TIMEOUT);
            }
        }
    }

    /**
     * The warning for a snapshot topic that is not compacted, or empty when it is (or does not exist yet):
     * with {@code cleanup.policy=delete} retention removes a key's only snapshot, and warm starts find nothing.
     */
    static Optional<String> snapshotTopicWarning(JobConfig cfg, Admin admin) throws Exception {
        String topic = cfg.topics().snapshots();
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config c;
        try {
            c = describe(admin, List.of(r)).get(r);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
        ConfigEntry policy = c == null ? null : c.get("cleanup.policy");
        String value = policy == null || policy.value() == null ? "delete" : policy.value();
        if (List.of(value.replace(" ", "").split(",")).contains("compact")) {
            return Optional.empty();
        }
        return Optional.of("topics.snapshots: topic '" + topic + "' has cleanup.policy=" + value + ", not compact: "
                + "retention deletes models' latest snapshots, so warm starts may find none (set cleanup.policy=compact)");
    }

    private static Map<ConfigResource, Config> describe(Admin admin, List<ConfigResource> resources)
            throws ExecutionException, InterruptedException, TimeoutException {
        return admin.describeConfigs(resources).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
