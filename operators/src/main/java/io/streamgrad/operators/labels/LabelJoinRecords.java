package io.streamgrad.operators.labels;

import org.apache.flink.annotation.Internal;

/** Validation of the join's input records and the target a label stands for. */
@Internal
final class LabelJoinRecords {
    private LabelJoinRecords() {}

    /** Why the event cannot be joined, or null. {@code time} is its resolved event time. */
    static String eventProblem(ScoredEvent e, long time) {
        if (e.eventId == null) {
            return "eventId: missing";
        }
        if (e.modelKey == null) {
            return "modelKey: missing";
        }
        if ((e.features == null || e.features.length == 0) && e.featureValues == null) {
            return "features: missing";
        }
        return time == ScoredEvent.NO_TIMESTAMP ? "eventTime: missing (the horizon is measured in event time)" : null;
    }

    /** Why the label cannot be joined, or null. {@code time} is its resolved event time. */
    static String labelProblem(LabelRecord l, long time, int numClasses) {
        if (l.eventId == null) {
            return "eventId: missing";
        }
        boolean hasClass = l.classIndex != LabelRecord.NO_CLASS;
        if (l.target != null && hasClass) {
            return "target: give a target or a classIndex, not both";
        }
        if (l.target == null && !hasClass) {
            return "target: missing (give a target or a classIndex)";
        }
        if (l.target != null && l.target.length == 0) {
            return "target: empty";
        }
        if (hasClass && numClasses == 0) {
            return "classIndex: given, but the join has no numClasses configured";
        }
        if (hasClass && (l.classIndex < 0 || l.classIndex >= numClasses)) {
            return "classIndex: " + l.classIndex + " out of range [0, " + numClasses + ")";
        }
        return time == ScoredEvent.NO_TIMESTAMP ? "eventTime: missing (the horizon is measured in event time)" : null;
    }

    /** The target vector of a valid label (a one-hot vector for a class index). */
    static float[] target(LabelRecord l, int numClasses) {
        if (l.target != null) {
            return l.target;
        }
        float[] oneHot = new float[numClasses];
        oneHot[l.classIndex] = 1f;
        return oneHot;
    }
}
