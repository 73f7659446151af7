package io.streamgrad.jobs.input;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Kafka deserializer that never throws: every record becomes a {@link ParseResult}. */
@Internal
public final class ParsingDeserializer implements KafkaRecordDeserializationSchema<ParseResult> {
    private static final long serialVersionUID = 1L;
    private final InputParser parser;

    public ParsingDeserializer(InputParser parser) {
        this.parser = parser;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParseResult> out) {
        out.collect(parser.parse(record.key(), record.value(), record.timestamp()));
    }

    @Override
    public TypeInformation<ParseResult> getProducedType() {
        return TypeInformation.of(ParseResult.class);
    }
}
