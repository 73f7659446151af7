package io.streamgrad.jobs.scoring;

import io.streamgrad.jobs.input.InputParser;
import io.streamgrad.jobs.input.ParseResult;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Parses events to score like the training input; an event without its own id gets the record's
 * coordinates {@code topic-partition@offset}, unique and stable across replays, so every
 * prediction can be traced to its event.
 */
@Internal
public final class EventDeserializer implements KafkaRecordDeserializationSchema<ParseResult> {
    private static final long serialVersionUID = 1L;
    private final InputParser parser;

    public EventDeserializer(InputParser parser) {
        this.parser = parser;
    }

    /** The id of an event that has none of its own. */
    public static String coordinates(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParseResult> out) {
        ParseResult r = parser.parse(record.key(), record.value(), record.timestamp());
        if (r.example != null && r.example.eventId == null) {
            r.example.eventId = coordinates(record.topic(), record.partition(), record.offset());
        }
        out.collect(r);
    }

    @Override
    public TypeInformation<ParseResult> getProducedType() {
        return TypeInformation.of(ParseResult.class);
    }
}
