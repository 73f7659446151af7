package io.streamgrad.jobs.sink;

import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.state.ModelStateCodec;
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

    public static KafkaRecordSerializationSchema<SnapshotRecord> snapshots(String topic, String modelSpecJson,
                                                                           String optimizerSpecJson) {
        return new SnapshotSerializer(topic, modelSpecJson, optimizerSpecJson);
    }

    /**
     * Renders {@code streamgrad-snapshot/1} JSON from the job's model and optimizer specification
     * and the record's {@code ModelStateCodec} state. Key = model key (compaction keeps the newest).
     */
    static final class SnapshotSerializer implements KafkaRecordSerializationSchema<SnapshotRecord> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private final String modelSpecJson;
        private final String optimizerSpecJson;
        private transient ModelSpec model;
        private transient OptimizerSpec optimizer;

        SnapshotSerializer(String topic, String modelSpecJson, String optimizerSpecJson) {
            this.topic = topic;
            this.modelSpecJson = modelSpecJson;
            this.optimizerSpecJson = optimizerSpecJson;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(SnapshotRecord s, KafkaSinkContext ctx, Long timestamp) {
            return new ProducerRecord<>(topic, key(s.modelKey), SnapshotJson.toBytes(toSnapshot(s)));
        }

        ModelSnapshot toSnapshot(SnapshotRecord s) {
            if (model == null) {
                model = SpecParser.model(SpecParser.readTree(modelSpecJson));
                optimizer = SpecParser.optimizer(SpecParser.readTree(optimizerSpecJson));
            }
            return new ModelSnapshot(s.modelKey, s.version, s.step, s.examplesSeen, s.lastLoss, s.stopped, s.stopReason,
                    s.createdAt, model, optimizer, ModelStateCodec.decode(s.state), s.includeOptimizerState);
        }
    }
}
