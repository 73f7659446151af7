package io.streamgrad.operators.labels;

import io.streamgrad.operators.FeatureValues;
import java.util.Arrays;
import org.apache.flink.annotation.PublicEvolving;

/**
 * An event as it was scored, the left input of {@link LabelJoin}. Contract for the producer (the
 * scoring operator): {@link #features} is the exact vector the model saw, it becomes the training
 * input when the label arrives, and it must not be mutated after emission. A Flink POJO (public
 * fields, no-arg constructor), so it is serialized without Kryo; field names are part of the
 * savepoint format of the join's state.
 */
@PublicEvolving
public class ScoredEvent {
    /** No event time in the record; the stream record's timestamp is used instead. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;
    /** No model version known. */
    public static final long NO_VERSION = -1;

    /** Identifier shared with the label, e.g. an impression or payment id. Required. */
    public String eventId;
    /** Key of the model that scored it, and that the training example is for. Required. */
    public String modelKey;
    /** The input vector exactly as scored. Required, unless {@link #featureValues} are given. */
    public float[] features;
    /** The raw feature values as scored, for a model with named features (instead of {@link #features}). */
    public FeatureValues featureValues;
    /** Event time in epoch milliseconds, or {@link #NO_TIMESTAMP}. */
    public long eventTime = NO_TIMESTAMP;
    /** The prediction made, for evaluation; optional (null), not used by the join. */
    public float[] prediction;
    /** Version of the model that made {@link #prediction}, or {@link #NO_VERSION}. */
    public long modelVersion = NO_VERSION;

    public ScoredEvent() {}

    public ScoredEvent(String eventId, String modelKey, float[] features, long eventTime) {
        this.eventId = eventId;
        this.modelKey = modelKey;
        this.features = features;
        this.eventTime = eventTime;
    }

    @Override
    public String toString() {
        return "ScoredEvent{id=" + eventId + ", key=" + modelKey + ", t=" + eventTime
                + ", x=" + (featureValues != null ? featureValues : Arrays.toString(features)) + "}";
    }
}
