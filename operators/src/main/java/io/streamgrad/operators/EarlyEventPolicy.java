package io.streamgrad.operators;

import org.apache.flink.annotation.PublicEvolving;

/** What the scoring operator does with an event whose key has no model yet. */
@PublicEvolving
public enum EarlyEventPolicy {
    /**
     * Keep up to {@code maxHeldEventsPerKey} such events per key in keyed state (checkpointed)
     * and score them, in arrival order, with the key's first model; events beyond the bound, and
     * events still held when a bounded input ends, go to dead letters. The default.
     */
    HOLD,
    /** Send such events to dead letters at once. */
    DEAD_LETTER
}
