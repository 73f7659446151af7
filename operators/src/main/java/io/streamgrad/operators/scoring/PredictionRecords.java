package io.streamgrad.operators.scoring;

import io.streamgrad.model.serve.OutputKind;
import io.streamgrad.model.serve.Predictor;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.PredictionRecord;
import java.util.List;
import org.apache.flink.annotation.Internal;

/**
 * Builds {@link PredictionRecord}s from a model's outputs, the same way for the scoring operator
 * (a published model) and the trainer (its live model): class from {@link OutputKind}, class
 * name from the configured names, staleness from the event time.
 */
@Internal
public final class PredictionRecords {
    private final List<String> classNames;

    public PredictionRecords(List<String> classNames) {
        this.classNames = classNames;
    }

    /**
     * The record of {@code values} (taken over), predicted for {@code event} at
     * {@code eventTime} by version {@code version} of a model created at {@code modelCreatedAt}.
     */
    public PredictionRecord create(String key, Example event, long eventTime, float[] values, OutputKind kind,
                                   long version, long modelCreatedAt) {
        PredictionRecord r = new PredictionRecord();
        r.modelKey = key;
        r.eventId = event.eventId;
        r.values = values;
        r.classIndex = kind.classIndex(values, 0, values.length);
        r.className = r.classIndex >= 0 && r.classIndex < classNames.size() ? classNames.get(r.classIndex) : null;
        r.modelVersion = version;
        r.modelCreatedAt = modelCreatedAt;
        r.eventTime = eventTime;
        r.stalenessMillis = eventTime == Example.NO_TIMESTAMP || modelCreatedAt == Predictor.UNKNOWN_TIME
                ? PredictionRecord.UNKNOWN_STALENESS : eventTime - modelCreatedAt;
        return r;
    }

    /**
     * The event time of an event: its own, else the stream record's timestamp, else
     * {@link Example#NO_TIMESTAMP}.
     */
    public static long eventTime(Example event, boolean hasTimestamp, long timestamp) {
        return event.eventTime != Example.NO_TIMESTAMP ? event.eventTime
                : hasTimestamp ? timestamp : Example.NO_TIMESTAMP;
    }
}
