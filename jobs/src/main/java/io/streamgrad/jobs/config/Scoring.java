package io.streamgrad.jobs.config;

import com.fasterxml.jackson.annotation.JsonValue;
import io.streamgrad.operators.EarlyEventPolicy;
import io.streamgrad.operators.ScoringConfig;

/**
 * The {@code scoring} section, read by {@code streamgrad score}: the topics of the scoring job and
 * what happens to events whose key has no model yet. Unset topics default to the {@code topics}
 * section (events: {@code topics.input}, predictions: {@code topics.predictions}, snapshots:
 * {@code topics.snapshots}); see {@link #withDefaultTopics}.
 */
public record Scoring(String events, String predictions, String snapshots, EarlyEvents earlyEvents,
                      Integer maxHeldEventsPerKey) {
    /**
     * The scoring job's checkpoint interval when {@code checkpointing.intervalMs} is not set: its exactly-once
     * predictions become visible at a checkpoint, and its state (one model per key) is small, so it checkpoints
     * often to keep model freshness at a read_committed consumer within about a second.
     */
    public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 1_000;

    /** {@link EarlyEventPolicy} by its YAML name. */
    public enum EarlyEvents {
        HOLD("hold", EarlyEventPolicy.HOLD), DEAD_LETTER("deadLetter", EarlyEventPolicy.DEAD_LETTER);

        private final String yamlName;
        private final EarlyEventPolicy policy;

        EarlyEvents(String yamlName, EarlyEventPolicy policy) {
            this.yamlName = yamlName;
            this.policy = policy;
        }

        public EarlyEventPolicy policy() {
            return policy;
        }

        @JsonValue
        @Override
        public String toString() {
            return yamlName;
        }
    }

    public Scoring {
        events = Checks.text("events", events, null);
        predictions = Checks.text("predictions", predictions, null);
        snapshots = Checks.text("snapshots", snapshots, null);
        earlyEvents = Checks.orDefault(earlyEvents, EarlyEvents.HOLD);
        maxHeldEventsPerKey = Checks.atLeast("maxHeldEventsPerKey", maxHeldEventsPerKey,
                ScoringConfig.DEFAULT_MAX_HELD_EVENTS_PER_KEY, 1);
    }

    static Scoring empty() {
        return new Scoring(null, null, null, null, null);
    }

    /**
     * This section with unset topics taken from {@code topics}; the scoring job must not write
     * predictions into a topic it reads.
     */
    Scoring withDefaultTopics(Topics topics) {
        Scoring s = new Scoring(Checks.orDefault(events, topics.input()),
                Checks.orDefault(predictions, topics.predictions()), Checks.orDefault(snapshots, topics.snapshots()),
                earlyEvents, maxHeldEventsPerKey);
        if (s.predictions.equals(s.events) || s.predictions.equals(s.snapshots)) {
            throw new ConfigException("predictions", "must differ from the events topic (" + s.events
                    + ") and the snapshots topic (" + s.snapshots + "), got " + s.predictions);
        }
        if (s.events.equals(s.snapshots)) {
            throw new ConfigException("events", "must differ from the snapshots topic, got " + s.events);
        }
        return s;
    }

    /** The scoring job's checkpoint interval: {@code checkpointing.intervalMs} when set, else the scoring default. */
    public static long checkpointIntervalMs(Checkpointing checkpointing) {
        return checkpointing.intervalSet() ? checkpointing.intervalMs() : DEFAULT_CHECKPOINT_INTERVAL_MS;
    }

    /** The operator's configuration; {@code classNames} are reported with classifications (may be empty). */
    public ScoringConfig operatorConfig(java.util.List<String> classNames) {
        return ScoringConfig.builder().earlyEvents(earlyEvents.policy()).maxHeldEventsPerKey(maxHeldEventsPerKey)
                .classNames(classNames).build();
    }
}
