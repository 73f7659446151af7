package io.streamgrad.operators.labels;

import java.util.Arrays;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The outcome of an event, arriving later, the right input of {@link LabelJoin}: either a target
 * vector or a class index (one-hot encoded with {@link LabelJoinConfig#numClasses()}), not both.
 * A Flink POJO; field names are part of the savepoint format of the join's state.
 */
@PublicEvolving
public class LabelRecord {
    /** No class index given. */
    public static final int NO_CLASS = -1;

    /** Identifier of the scored event this label belongs to. Required. */
    public String eventId;
    /** Target vector (regression values or one-hot), or null when {@link #classIndex} is given. */
    public float[] target;
    /** Class index in {@code [0, numClasses)}, or {@link #NO_CLASS}. */
    public int classIndex = NO_CLASS;
    /** When the outcome happened (a click, a chargeback), epoch milliseconds, or {@link ScoredEvent#NO_TIMESTAMP}. */
    public long eventTime = ScoredEvent.NO_TIMESTAMP;

    public LabelRecord() {}

    public LabelRecord(String eventId, float[] target, long eventTime) {
        this.eventId = eventId;
        this.target = target;
        this.eventTime = eventTime;
    }

    /** A classification label. */
    public static LabelRecord ofClass(String eventId, int classIndex, long eventTime) {
        LabelRecord r = new LabelRecord(eventId, null, eventTime);
        r.classIndex = classIndex;
        return r;
    }

    @Override
    public String toString() {
        return "LabelRecord{id=" + eventId + ", t=" + eventTime
                + (target != null ? ", y=" + Arrays.toString(target) : ", class=" + classIndex) + "}";
    }
}
