package io.streamgrad.jobs.input;

import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;

/** One raw Kafka record to a {@link ParseResult}; never throws (a bad record must not fail the job). */
@PublicEvolving
public interface InputParser extends Serializable {
    ParseResult parse(byte[] recordKey, byte[] value, long kafkaTimestamp);
}
