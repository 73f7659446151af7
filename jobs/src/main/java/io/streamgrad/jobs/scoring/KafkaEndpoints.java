package io.streamgrad.jobs.scoring;

import io.streamgrad.jobs.config.JobConfig;
import java.util.Properties;
import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Kafka sources' and sinks' settings of the scoring job, from the job configuration. */
@Internal
public final class KafkaEndpoints {
    static final int LINGER_MS = 5;
    static final int BATCH_BYTES = 256 * 1024;

    private KafkaEndpoints() {}

    /** Consumer settings: the client settings, reading committed records only. */
    public static Properties sourceProperties(JobConfig cfg) {
        Properties p = new Properties();
        p.putAll(cfg.kafka().properties());
        p.put("isolation.level", "read_committed");
        return p;
    }

    /** Where the events source starts when its group has no committed offsets ({@code kafka.startingOffsets}). */
    public static OffsetsInitializer eventOffsets(JobConfig cfg) {
        return switch (cfg.kafka().startingOffsets()) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED_OR_EARLIEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
    }

    /**
     * A sink with the job's delivery guarantee; the transactional id prefix is the configured one
     * plus {@code name}, stable so a restarted job aborts its own lingering transactions. One record per
     * event makes the producer's per-request cost count: unless {@code kafka.properties} say otherwise it
     * waits {@value #LINGER_MS} ms to fill batches of up to {@value #BATCH_BYTES} bytes (exactly-once
     * predictions wait for a checkpoint anyway).
     */
    public static <T> KafkaSink<T> sink(JobConfig cfg, String name, KafkaRecordSerializationSchema<T> serializer) {
        DeliveryGuarantee g = switch (cfg.kafka().deliveryGuarantee()) {
            case EXACTLY_ONCE -> DeliveryGuarantee.EXACTLY_ONCE;
            case AT_LEAST_ONCE -> DeliveryGuarantee.AT_LEAST_ONCE;
            case NONE -> DeliveryGuarantee.NONE;
        };
        Properties p = new Properties();
        p.putAll(cfg.kafka().properties());
        p.put("transaction.timeout.ms", String.valueOf(cfg.kafka().transactionTimeoutMs()));
        p.putIfAbsent("linger.ms", String.valueOf(LINGER_MS));
        p.putIfAbsent("batch.size", String.valueOf(BATCH_BYTES));
        return KafkaSink.<T>builder()
                .setBootstrapServers(cfg.kafka().bootstrapServers())
                .setKafkaProducerConfig(p)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(g)
                .setTransactionalIdPrefix(cfg.kafka().transactionalIdPrefix() + "-" + name)
                .build();
    }
}
