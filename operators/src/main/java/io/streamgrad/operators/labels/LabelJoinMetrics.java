package io.streamgrad.operators.labels;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;

/** The join's Flink metrics, in the {@code streamgrad} group. */
@Internal
public final class LabelJoinMetrics {
    final Counter joined;
    final Counter defaulted;
    final Counter unmatchedEvents;
    final Counter lateLabels;
    final Counter duplicateLabels;
    final Counter duplicateEvents;
    final Counter invalidRecords;

    public LabelJoinMetrics(MetricGroup operatorGroup) {
        MetricGroup g = operatorGroup.addGroup("streamgrad");
        joined = g.counter("joined", new SimpleCounter());
        defaulted = g.counter("defaulted", new SimpleCounter());
        unmatchedEvents = g.counter("unmatchedEvents", new SimpleCounter());
        lateLabels = g.counter("lateLabels", new SimpleCounter());
        duplicateLabels = g.counter("duplicateLabels", new SimpleCounter());
        duplicateEvents = g.counter("duplicateEvents", new SimpleCounter());
        invalidRecords = g.counter("invalidRecords", new SimpleCounter());
    }

    void onRejected(LabelJoiner.Rejection why) {
        switch (why) {
            case INVALID -> invalidRecords.inc();
            case LATE_LABEL -> lateLabels.inc();
            case DUPLICATE_LABEL -> duplicateLabels.inc();
            case DUPLICATE_EVENT -> duplicateEvents.inc();
        }
    }

    public long joined() {
        return joined.getCount();
    }

    public long defaulted() {
        return defaulted.getCount();
    }

    public long unmatchedEvents() {
        return unmatchedEvents.getCount();
    }

    public long lateLabels() {
        return lateLabels.getCount();
    }

    public long duplicateLabels() {
        return duplicateLabels.getCount();
    }

    public long duplicateEvents() {
        return duplicateEvents.getCount();
    }

    public long invalidRecords() {
        return invalidRecords.getCount();
    }
}
