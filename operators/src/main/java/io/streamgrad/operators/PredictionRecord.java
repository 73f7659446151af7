package io.streamgrad.operators;

import java.util.Arrays;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The prediction of one event by the model of its key, in inference mode (BatchNormalization
 * moving statistics, no dropout), stamped with the model version that made it. A Flink POJO.
 */
@PublicEvolving
public class PredictionRecord {
    /** {@link #stalenessMillis} when the event has no event time. */
    public static final long UNKNOWN_STALENESS = Long.MIN_VALUE;
    /** {@link #classIndex} of regression and multi-label models. */
    public static final int NO_CLASS = -1;

    public String modelKey;
    /** The event's id, or null when it had none. */
    public String eventId;
    /**
     * The model's outputs: regression values, or probabilities for cross-entropy models (one per
     * class for categorical, the probability of class 1 for a binary model with one output).
     */
    public float[] values;
    /** Predicted class (first largest probability; {@code > 0.5} for binary), or {@link #NO_CLASS}. */
    public int classIndex = NO_CLASS;
    /** Name of the predicted class when class names are configured, else null. */
    public String className;
    /** Version of the model that made the prediction. */
    public long modelVersion;
    /**
     * When that model's snapshot was taken (epoch ms); for the trainer's live model the event
     * time, as the live model is current by definition ({@link Example#NO_TIMESTAMP} without one).
     */
    public long modelCreatedAt;
    /** The event's time (epoch ms), or {@link Example#NO_TIMESTAMP}. */
    public long eventTime = Example.NO_TIMESTAMP;
    /**
     * Event time minus {@link #modelCreatedAt} (negative when the model is newer than the event,
     * e.g. an event held until its key's first model arrived; 0 for the trainer's live model), or
     * {@link #UNKNOWN_STALENESS} without an event time.
     */
    public long stalenessMillis = UNKNOWN_STALENESS;
    /**
     * The label of a labelled record the trainer predicted before training on it (prequential),
     * else null.
     */
    public float[] target;

    public PredictionRecord() {}

    @Override
    public String toString() {
        return "PredictionRecord{" + modelKey + (eventId == null ? "" : ", id=" + eventId) + ", v" + modelVersion
                + ", " + Arrays.toString(values) + (classIndex == NO_CLASS ? "" : ", class " + classIndex)
                + (className == null ? "" : " (" + className + ")") + "}";
    }
}
