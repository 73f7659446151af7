package io.streamgrad.operators.labels;

import io.streamgrad.operators.Example;
import org.apache.flink.annotation.Internal;

/**
 * The pairing rules of {@link LabelJoin} for one event id, without Flink: each call takes the
 * entry held for the id (null = none) and returns the entry to keep (null = clear it); the
 * returned entry's {@link PendingJoin#timer} is the event-time timer the caller must have
 * registered. Results go to an {@link Output}.
 *
 * <p>Rules: a label joins when its time is at most the event's time plus the horizon; an event
 * waits until the watermark passes that instant, a label that came first waits {@code labelWait}
 * past its own time. The first label (and the first event) of an id wins; later ones are rejected.
 */
@Internal
public final class LabelJoiner {
    /** Why a record was rejected (each has its own metric). */
    public enum Rejection { INVALID, LATE_LABEL, DUPLICATE_LABEL, DUPLICATE_EVENT }

    /** Receives the join's results. */
    public interface Output {
        /**
         * A label was paired with its event; {@code pairTime} = the later of the event's and the
         * label's time, the event-time instant at which the pair exists, whichever record came first.
         */
        void joined(Example example, long pairTime);

        /** An event reached the horizon unlabelled and got the default label. */
        void defaulted(Example example);

        /** An event reached the horizon unlabelled and no default label is configured. */
        void unmatched(ScoredEvent event);

        void rejected(Rejection why, String modelKey, String reason, String record);
    }

    private final LabelJoinConfig config;
    private final float[] defaultLabel;

    public LabelJoiner(LabelJoinConfig config) {
        this.config = config;
        this.defaultLabel = config.defaultLabel();
    }

    /** A scored event arrived; {@code recordTimestamp} is used when the event carries no time. */
    public PendingJoin onEvent(PendingJoin held, ScoredEvent e, long recordTimestamp, Output out) {
        long t = e.eventTime != ScoredEvent.NO_TIMESTAMP ? e.eventTime : recordTimestamp;
        String problem = LabelJoinRecords.eventProblem(e, t);
        if (problem != null) {
            out.rejected(Rejection.INVALID, e.modelKey, problem, e.toString());
            return held;
        }
        if (held != null && (held.event != null || held.joined)) {
            out.rejected(Rejection.DUPLICATE_EVENT, e.modelKey,
                    "eventId: duplicate scored event " + e.eventId + ", the first one is kept", e.toString());
            return held;
        }
        long expiry = LabelJoinConfig.saturatedAdd(t, config.horizonMillis());
        if (held != null && held.label != null) {
            if (held.labelTime <= expiry) {
                out.joined(example(e, t, LabelJoinRecords.target(held.label, config.numClasses())),
                        Math.max(t, held.labelTime));
                return PendingJoin.joinedUntil(e.modelKey, expiry);
            }
            out.rejected(Rejection.LATE_LABEL, e.modelKey, lateReason(held.labelTime, t), held.label.toString());
        }
        return PendingJoin.waitingEvent(e, t, expiry);
    }

    /** A label arrived; {@code recordTimestamp} is used when the label carries no time. */
    public PendingJoin onLabel(PendingJoin held, LabelRecord l, long recordTimestamp, Output out) {
        long t = l.eventTime != ScoredEvent.NO_TIMESTAMP ? l.eventTime : recordTimestamp;
        String modelKey = held == null ? null : held.modelKey;
        String problem = LabelJoinRecords.labelProblem(l, t, config.numClasses());
        if (problem != null) {
            out.rejected(Rejection.INVALID, modelKey, problem, l.toString());
            return held;
        }
        if (held == null || (held.event == null && held.label == null && !held.joined)) {
            return PendingJoin.waitingLabel(l, t, LabelJoinConfig.saturatedAdd(t, config.labelWaitMillis()));
        }
        if (held.joined || held.label != null) {
            out.rejected(Rejection.DUPLICATE_LABEL, modelKey, "eventId: duplicate label for " + l.eventId + ", the first one "
                    + (held.joined ? "was joined" : "is kept"), l.toString());
            return held;
        }
        if (t > held.timer) {
            out.rejected(Rejection.LATE_LABEL, modelKey, lateReason(t, held.eventTime), l.toString());
            return held;
        }
        out.joined(example(held.event, held.eventTime, LabelJoinRecords.target(l, config.numClasses())),
                Math.max(t, held.eventTime));
        return PendingJoin.joinedUntil(held.modelKey, held.timer);
    }

    /** The entry's event-time timer fired at {@code time}. */
    public PendingJoin onTimer(PendingJoin held, long time, Output out) {
        if (held == null || held.timer != time) {
            return held; // state already gone (TTL) or a timer of an older entry
        }
        if (held.event != null) {
            if (defaultLabel != null) {
                out.defaulted(example(held.event, held.eventTime, defaultLabel.clone()));
            } else {
                out.unmatched(held.event);
            }
        } else if (held.label != null) {
            out.rejected(Rejection.LATE_LABEL, null, "eventId: no scored event " + held.label.eventId
                    + " within labelWait (" + config.labelWaitMillis() + " ms) of the label; it expired before the"
                    + " label arrived or was never scored", held.label.toString());
        }
        return null;
    }

    private String lateReason(long labelTime, long eventTime) {
        return "eventTime: label at " + labelTime + " is after the horizon of its event (" + eventTime + " + "
                + config.horizonMillis() + " ms)";
    }

    private static Example example(ScoredEvent e, long eventTime, float[] target) {
        // raw (the dead-letter context of a joined example) is its event id too
        Example x = new Example(e.modelKey, e.features, target, eventTime, e.eventId);
        x.eventId = e.eventId;
        x.featureValues = e.featureValues; // a model with named features: the raw values as scored
        return x;
    }
}
