package io.streamgrad.jobs.scoring;

import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.SnapshotRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the snapshot topic ({@code streamgrad-snapshot/1} JSON values) without ever throwing: a
 * value that does not parse becomes a dead letter (stage {@code snapshot}), so one corrupt record
 * cannot stop scoring; tombstones (compaction deletes) are skipped.
 */
@Internal
public final class SnapshotDeserializer implements KafkaRecordDeserializationSchema<ParsedSnapshot> {
    private static final long serialVersionUID = 1L;
    /** Characters of a refused value kept in its dead letter. */
    static final int MAX_RECORD_CHARS = 2_000;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedSnapshot> out) {
        if (record.value() == null) {
            return;
        }
        ParsedSnapshot p = new ParsedSnapshot();
        try {
            p.snapshot = SnapshotRecord.fromJson(record.value());
        } catch (RuntimeException e) { // malformed JSON, specification or state: all are the record's fault
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            String text = new String(record.value(), StandardCharsets.UTF_8);
            String reason = "not a streamgrad-snapshot/1 record: " + e.getMessage();
            p.deadLetter = new DeadLetter(key, DeadLetter.STAGE_SNAPSHOT,
                    reason.length() > ExampleParser.MAX_REASON_CHARS ? reason.substring(0, ExampleParser.MAX_REASON_CHARS)
                            : reason,
                    text.length() > MAX_RECORD_CHARS ? text.substring(0, MAX_RECORD_CHARS) : text,
                    record.value().length, System.currentTimeMillis());
        }
        out.collect(p);
    }

    @Override
    public TypeInformation<ParsedSnapshot> getProducedType() {
        return TypeInformation.of(ParsedSnapshot.class);
    }
}
