package io.streamgrad.operators;

import org.apache.flink.annotation.PublicEvolving;

/** What made the operator emit a {@link SnapshotRecord}. */
@PublicEvolving
public enum SnapshotTrigger {
    /** The model version reached a multiple of {@code snapshotEverySteps}. */
    STEPS("steps"),
    /** {@code snapshotInterval} of processing time passed and the model changed. */
    INTERVAL("interval"),
    /** Early stopping stopped the model. */
    EARLY_STOP("earlyStop"),
    /** The bounded input ended. */
    END_OF_INPUT("endOfInput");

    private final String wireName;

    SnapshotTrigger(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in logs, configuration and JSON. */
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
