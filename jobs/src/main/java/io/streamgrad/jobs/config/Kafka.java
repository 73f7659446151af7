package io.streamgrad.jobs.config;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code kafka} section: connection, client pass-through settings (nested maps flattened with
 * dots, {@code ${env:NAME:-default}} resolved; {@code secretProperties} names further settings to mask)
 * and the sinks' delivery guarantee. The group id and
 * transactional id prefix default to the job name, the guarantee to exactly-once when
 * checkpointing is on ({@link #resolve}).
 */
public record Kafka(String bootstrapServers, String groupId, StartingOffsets startingOffsets,
                    @JsonDeserialize(using = ClientSettingsDeserializer.class) Map<String, String> properties,
                    DeliveryGuarantee deliveryGuarantee, String transactionalIdPrefix, Long transactionTimeoutMs,
                    StoppingOffsets stoppingOffsets, List<String> secretProperties) {
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    /** Client settings whose values are shown in summaries; every other value is masked. */
    static final Set<String> SAFE_TO_SHOW = Set.of("security.protocol", "sasl.mechanism", "client.id",
            "client.dns.lookup", "client.rack", "acks", "compression.type", "linger.ms", "batch.size",
            "max.request.size", "request.timeout.ms", "delivery.timeout.ms", "session.timeout.ms",
            "heartbeat.interval.ms", "max.poll.records", "max.poll.interval.ms", "fetch.max.bytes",
            "max.partition.fetch.bytes", "retries", "retry.backoff.ms", "metadata.max.age.ms",
            "default.api.timeout.ms", "partition.discovery.interval.ms", "ssl.endpoint.identification.algorithm",
            "ssl.protocol", "ssl.enabled.protocols", "ssl.truststore.type", "ssl.keystore.type",
            "sasl.kerberos.service.name");
    static final String MASK = "******";
    private static final List<String> RESERVED = List.of("bootstrap.servers", "key.serializer", "value.serializer",
            "key.deserializer", "value.deserializer", "transactional.id", "enable.auto.commit", "isolation.level");

    /** Where a consumer group without committed offsets starts. */
    public enum StartingOffsets {
        EARLIEST("earliest"), LATEST("latest"), COMMITTED_OR_EARLIEST("committedOrEarliest");

        private final String yamlName;

        StartingOffsets(String yamlName) {
            this.yamlName = yamlName;
        }

        @JsonValue
        @Override
        public String toString() {
            return yamlName;
        }
    }

    /**
     * {@code none}: unbounded. {@code latest}: read up to the input's latest offsets at job start,
     * then finish (partial batches are trained and final snapshots published at end of input).
     */
    public enum StoppingOffsets {
        NONE("none"), LATEST("latest");

        private final String yamlName;

        StoppingOffsets(String yamlName) {
            this.yamlName = yamlName;
        }

        @JsonValue
        @Override
        public String toString() {
            return yamlName;
        }
    }

    /** The Kafka sinks' delivery guarantee. */
    public enum DeliveryGuarantee {
        EXACTLY_ONCE("exactly-once"), AT_LEAST_ONCE("at-least-once"), NONE("none");

        private final String yamlName;

        DeliveryGuarantee(String yamlName) {
            this.yamlName = yamlName;
        }

        @JsonValue
        @Override
        public String toString() {
            return yamlName;
        }
    }

    public Kafka {
        bootstrapServers = Checks.required("bootstrapServers", bootstrapServers);
        groupId = Checks.text("groupId", groupId, null);
        startingOffsets = Checks.orDefault(startingOffsets, StartingOffsets.COMMITTED_OR_EARLIEST);
        Map<String, String> props = new LinkedHashMap<>();
        Set<String> secrets = new TreeSet<>(secretProperties == null ? List.of() : secretProperties);
        (properties == null ? Map.<String, String>of() : properties).forEach((k, v) -> {
            String resolved = resolveEnv("properties." + k, v);
            if (!resolved.equals(v)) {
                secrets.add(k);   // a value read from the environment is a secret wherever it is printed
            }
            props.put(k, resolved);
        });
        for (String reserved : RESERVED) {
            if (props.containsKey(reserved)) {
                throw new ConfigException("properties." + reserved, "is set by StreamGrad and cannot be overridden"
                        + (reserved.equals("bootstrap.servers") ? " (use kafka.bootstrapServers)" : ""));
            }
        }
        properties = Collections.unmodifiableMap(props);
        transactionalIdPrefix = Checks.text("transactionalIdPrefix", transactionalIdPrefix, null);
        if (transactionalIdPrefix != null && !transactionalIdPrefix.matches("[A-Za-z0-9._-]+")) {
            throw new ConfigException("transactionalIdPrefix", "may only contain letters, digits, '.', '_' and '-'");
        }
        transactionTimeoutMs = Checks.atLeast("transactionTimeoutMs", transactionTimeoutMs, 900_000, 1_000);
        stoppingOffsets = Checks.orDefault(stoppingOffsets, StoppingOffsets.NONE);
        secretProperties = List.copyOf(secrets);
    }

    /**
     * The client settings as they may be printed or logged: a value is shown only for a key on a short list of
     * known-safe settings that neither came from {@code ${env:...}} nor is listed in {@code secretProperties}.
     */
    public Map<String, String> printableProperties() {
        Map<String, String> shown = new TreeMap<>();
        properties.forEach((k, v) -> shown.put(k,
                SAFE_TO_SHOW.contains(k) && !secretProperties.contains(k) ? v : MASK));
        return shown;
    }

    /** True when the input is read up to its latest offsets at start and the job then finishes. */
    public boolean bounded() {
        return stoppingOffsets != StoppingOffsets.NONE;
    }

    /** Fills the defaults that depend on other sections and checks the guarantee against checkpointing. */
    Kafka resolve(String jobName, Checkpointing checkpointing) {
        DeliveryGuarantee g = deliveryGuarantee != null ? deliveryGuarantee
                : checkpointing.enabled() ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE;
        if (g == DeliveryGuarantee.EXACTLY_ONCE && !checkpointing.enabled()) {
            throw new ConfigException("deliveryGuarantee", "exactly-once needs checkpointing (checkpointing.intervalMs > 0)");
        }
        if (g == DeliveryGuarantee.EXACTLY_ONCE && transactionTimeoutMs <= checkpointing.intervalMs()) {
            throw new ConfigException("transactionTimeoutMs", "must be larger than checkpointing.intervalMs ("
                    + checkpointing.intervalMs() + ")");
        }
        return new Kafka(bootstrapServers, Checks.orDefault(groupId, jobName), startingOffsets, properties, g,
                Checks.orDefault(transactionalIdPrefix, jobName), transactionTimeoutMs, stoppingOffsets, secretProperties);
    }

    private static String resolveEnv(String field, String value) {
        Matcher m = ENV.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = System.getenv(m.group(1));
            if (v == null) {
                v = m.group(2);
            }
            if (v == null) {
                throw new ConfigException(field, "environment variable " + m.group(1) + " is not set");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
