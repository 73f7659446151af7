package io.streamgrad.operators;

import java.util.Arrays;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One example for the model {@link #modelKey}: labelled for training, or without
 * {@link #target} as an event to score. A Flink POJO (public fields, no-arg constructor) so it is
 * serialized without Kryo.
 */
@PublicEvolving
public class Example {
    /** No event time attached. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    /** Key of the model this example trains (tenant, segment, A/B arm...). */
    public String modelKey;
    /** Input vector, length = the model's inputDim; null for a model with named features. */
    public float[] features;
    /**
     * The raw feature values for a model with {@code model.features} (instead of {@link #features});
     * null for a model fed ready vectors.
     */
    public FeatureValues featureValues;
    /**
     * Target vector, length = the model's output width (one-hot for categorical cross-entropy);
     * null for an event to score.
     */
    public float[] target;
    /** Event time in epoch milliseconds, or {@link #NO_TIMESTAMP}. */
    public long eventTime = NO_TIMESTAMP;
    /** The original record as received (for dead letters); may be null. */
    public String raw;
    /** The event's id, copied to its prediction; may be null. */
    public String eventId;

    public Example() {}

    public Example(String modelKey, float[] features, float[] target, long eventTime, String raw) {
        this.modelKey = modelKey;
        this.features = features;
        this.target = target;
        this.eventTime = eventTime;
        this.raw = raw;
    }

    /** An example for a model with named features. */
    public static Example withFeatureValues(String modelKey, FeatureValues values, float[] target, long eventTime,
                                            String raw) {
        Example e = new Example(modelKey, null, target, eventTime, raw);
        e.featureValues = values;
        return e;
    }

    @Override
    public String toString() {
        return "Example{" + modelKey + ", x=" + (featureValues != null ? featureValues : Arrays.toString(features))
                + ", y=" + Arrays.toString(target) + "}";
    }
}
