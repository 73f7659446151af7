package io.streamgrad.operators;

import java.io.Serializable;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Configuration of the scoring operator ({@link OnlineScoring}), validated by
 * {@link Builder#build()} with messages naming the field.
 */
@PublicEvolving
public final class ScoringConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final EarlyEventPolicy DEFAULT_EARLY_EVENTS = EarlyEventPolicy.HOLD;
    public static final int DEFAULT_MAX_HELD_EVENTS_PER_KEY = 1_000;
    public static final int DEFAULT_MAX_CACHED_MODELS = 1_024;

    private final EarlyEventPolicy earlyEvents;
    private final int maxHeldEventsPerKey;
    private final int maxCachedModels;
    private final List<String> classNames;

    private ScoringConfig(Builder b) {
        this.earlyEvents = b.earlyEvents;
        this.maxHeldEventsPerKey = b.maxHeldEventsPerKey;
        this.maxCachedModels = b.maxCachedModels;
        this.classNames = b.classNames;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: hold early events, 1,000 per key; 1,024 cached models; no class names. */
    public static ScoringConfig defaults() {
        return builder().build();
    }

    public EarlyEventPolicy earlyEvents() {
        return earlyEvents;
    }

    public int maxHeldEventsPerKey() {
        return maxHeldEventsPerKey;
    }

    public int maxCachedModels() {
        return maxCachedModels;
    }

    /** Class names reported with predictions (empty: none). */
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public String toString() {
        return "ScoringConfig{earlyEvents=" + earlyEvents + ", maxHeldEventsPerKey=" + maxHeldEventsPerKey
                + ", maxCachedModels=" + maxCachedModels + ", classNames=" + classNames + "}";
    }

    /** Builder; every setter is optional. */
    @PublicEvolving
    public static final class Builder {
        private EarlyEventPolicy earlyEvents = DEFAULT_EARLY_EVENTS;
        private int maxHeldEventsPerKey = DEFAULT_MAX_HELD_EVENTS_PER_KEY;
        private int maxCachedModels = DEFAULT_MAX_CACHED_MODELS;
        private List<String> classNames = List.of();

        private Builder() {}

        /** What happens to events whose key has no model yet ({@link EarlyEventPolicy#HOLD}). */
        public Builder earlyEvents(EarlyEventPolicy policy) {
            this.earlyEvents = policy;
            return this;
        }

        /** Bound of {@link EarlyEventPolicy#HOLD} per key (1,000). */
        public Builder maxHeldEventsPerKey(int n) {
            this.maxHeldEventsPerKey = n;
            return this;
        }

        /** Decoded models kept in memory per subtask, so a hot key is not read from state per event (1,024). */
        public Builder maxCachedModels(int n) {
            this.maxCachedModels = n;
            return this;
        }

        /**
         * Class names, reported with each prediction: 2 for a binary classifier, one per output
         * for a categorical one. A snapshot whose model has another number of classes is rejected.
         */
        public Builder classNames(List<String> names) {
            this.classNames = names == null ? List.of() : new java.util.ArrayList<>(names);
            return this;
        }

        public ScoringConfig build() {
            if (earlyEvents == null) {
                throw new IllegalArgumentException("earlyEvents: must not be null");
            }
            if (maxHeldEventsPerKey < 1) {
                throw new IllegalArgumentException("maxHeldEventsPerKey: must be >= 1, got " + maxHeldEventsPerKey);
            }
            if (maxCachedModels < 1) {
                throw new IllegalArgumentException("maxCachedModels: must be >= 1, got " + maxCachedModels);
            }
            if (classNames.stream().anyMatch(n -> n == null || n.isBlank())
                    || classNames.stream().distinct().count() != classNames.size()) {
                throw new IllegalArgumentException("classNames: must be distinct, non-blank names, got " + classNames);
            }
            classNames = List.copyOf(classNames);
            return new ScoringConfig(this);
        }
    }
}
