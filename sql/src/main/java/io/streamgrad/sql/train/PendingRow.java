package io.streamgrad.sql.train;

import org.apache.flink.annotation.Internal;

/**
 * One buffered row of a key's pending mini-batch, an element of the {@code pending} list state.
 * A Flink POJO (its field names are part of the savepoint format).
 */
@Internal
public class PendingRow {
    /** The row's event time, or {@code Example.NO_TIMESTAMP}. */
    public long eventTime;
    public float[] features;
    public float[] target;

    public PendingRow() {}

    PendingRow(long eventTime, float[] features, float[] target) {
        this.eventTime = eventTime;
        this.features = features;
        this.target = target;
    }
}
