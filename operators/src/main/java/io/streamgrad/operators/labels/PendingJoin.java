package io.streamgrad.operators.labels;

import org.apache.flink.annotation.Internal;

/**
 * What the join holds for one event id: the scored event waiting for its label, or the label
 * that came first waiting for its event, or (after a match) only a marker that catches duplicate
 * labels until the horizon. A Flink POJO kept in keyed state; field names are part of the
 * savepoint format.
 */
@Internal
public class PendingJoin {
    /** No timer registered. */
    public static final long NO_TIMER = Long.MIN_VALUE;

    /** The scored event waiting for its label, or null. */
    public ScoredEvent event;
    /** The event's time (its field or its stream record's timestamp). */
    public long eventTime = ScoredEvent.NO_TIMESTAMP;
    /** A label that arrived before its event, or null. */
    public LabelRecord label;
    /** The label's time (its field or its stream record's timestamp). */
    public long labelTime = ScoredEvent.NO_TIMESTAMP;
    /** A label was joined; the entry stays (without features) until {@link #timer} to catch duplicates. */
    public boolean joined;
    /** Model key of the joined event, for dead letters of its duplicate labels. */
    public String modelKey;
    /** The event-time timer that ends this entry, or {@link #NO_TIMER}. */
    public long timer = NO_TIMER;

    public PendingJoin() {}

    static PendingJoin waitingEvent(ScoredEvent e, long eventTime, long expiry) {
        PendingJoin p = new PendingJoin();
        // only what the example needs: the evaluation fields would just fill the state
        p.event = new ScoredEvent(e.eventId, e.modelKey, e.features, e.eventTime);
        p.event.featureValues = e.featureValues;
        p.eventTime = eventTime;
        p.modelKey = e.modelKey;
        p.timer = expiry;
        return p;
    }

    static PendingJoin waitingLabel(LabelRecord l, long labelTime, long expiry) {
        PendingJoin p = new PendingJoin();
        p.label = l;
        p.labelTime = labelTime;
        p.timer = expiry;
        return p;
    }

    static PendingJoin joinedUntil(String modelKey, long expiry) {
        PendingJoin p = new PendingJoin();
        p.joined = true;
        p.modelKey = modelKey;
        p.timer = expiry;
        return p;
    }
}
