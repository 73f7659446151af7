package io.streamgrad.jobs.sink;

import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.LossMetric;
import io.streamgrad.operators.SnapshotRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Kafka record serializers of the three output topics; the record key is the model key. */
public final class Serializers {
    private Serializers() {}

    private static byte[] key(String modelKey) {
        return modelKey == null ? null : modelKey.getBytes(StandardCharsets.UTF_8);
    }

    public static KafkaRecordSerializationSchema<LossMetric> metrics(String topic) {
        return (KafkaRecordSerializationSchema<LossMetric>) (m, ctx, ts) ->
                new ProducerRecord<>(topic, key(m.modelKey), JsonRecords.bytes(JsonRecords.metric(m)));
    }

    public static KafkaRecordSerializationSchema<DeadLetter> deadLetters(String topic) {
        return (KafkaRecordSerializationSchema<DeadLetter>) (d, ctx, ts) ->
                new ProducerRecord<>(topic, key(d.modelKey), JsonRecords.bytes(JsonRecords.deadLetter(d)));
    }

    /**
     * {@code streamgrad-snapshot/1} JSON of each record ({@link SnapshotRecord#toModelSnapshot()},
     * then {@link SnapshotJson}). Key = model key, so compaction keeps each key's newest snapshot.
     */
    public static KafkaRecordSerializationSchema<SnapshotRecord> snapshots(String topic) {
        return (KafkaRecordSerializationSchema<SnapshotRecord>) (s, ctx, ts) ->
                new ProducerRecord<>(topic, key(s.modelKey), SnapshotJson.toBytes(s.toModelSnapshot()));
    }
}
