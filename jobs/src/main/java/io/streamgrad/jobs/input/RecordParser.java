package io.streamgrad.jobs.input;

import io.streamgrad.operators.Example;
import java.io.Serializable;

/** One record format: a non-null raw value to an {@link Example}, or a {@link Reject} saying why not. */
interface RecordParser extends Serializable {
    /**
     * @param recordKey the Kafka record key, or null
     * @param raw the record value, never null
     */
    Example parse(String recordKey, String raw) throws Reject;
}
