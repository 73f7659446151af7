package io.streamgrad.operators.labels;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Settings of {@link LabelJoin}; immutable, built by a validating {@link Builder} whose errors
 * name the field. All durations except {@code stateTtl} are measured in event time (watermarks).
 */
@PublicEvolving
public final class LabelJoinConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long horizonMillis;
    private final long labelWaitMillis;
    private final float[] defaultLabel;
    private final int numClasses;
    private final long stateTtlMillis;

    private LabelJoinConfig(Builder b) {
        this.horizonMillis = b.horizon;
        this.labelWaitMillis = b.labelWait;
        this.defaultLabel = b.defaultLabel == null ? null : b.defaultLabel.clone();
        this.numClasses = b.numClasses;
        this.stateTtlMillis = b.stateTtl;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A scored event accepts labels with event time up to its own event time plus this. */
    public long horizonMillis() {
        return horizonMillis;
    }

    /** How long (event time after the label's own time) a label that came first waits for its event. */
    public long labelWaitMillis() {
        return labelWaitMillis;
    }

    /** Target of events still unlabelled at the horizon, or null: such events are only counted. */
    public float[] defaultLabel() {
        return defaultLabel == null ? null : defaultLabel.clone();
    }

    public boolean hasDefaultLabel() {
        return defaultLabel != null;
    }

    /** Width of the one-hot target built from {@link LabelRecord#classIndex}; 0 = class indices are rejected. */
    public int numClasses() {
        return numClasses;
    }

    /** Processing-time TTL of the join state (a safety net for stalled watermarks); 0 = none. */
    public long stateTtlMillis() {
        return stateTtlMillis;
    }

    @Override
    public String toString() {
        return "LabelJoinConfig{horizon=" + horizonMillis + "ms, labelWait=" + labelWaitMillis + "ms, defaultLabel="
                + Arrays.toString(defaultLabel) + ", numClasses=" + numClasses + ", stateTtl=" + stateTtlMillis + "ms}";
    }

    /** Builder; {@link #build()} validates and throws {@link IllegalArgumentException} naming the field. */
    @PublicEvolving
    public static final class Builder {
        private long horizon = -1;
        private long labelWait = -1;
        private float[] defaultLabel;
        private int numClasses;
        private long stateTtl = -1;

        private Builder() {}

        /** Required, positive: how long after an event its label may happen (event time). */
        public Builder horizon(Duration d) {
            horizon = millis("horizon", d);
            return this;
        }

        /** How long a label that arrived before its event waits for it; default = horizon. */
        public Builder labelWait(Duration d) {
            labelWait = millis("labelWait", d);
            return this;
        }

        /** Target for events unlabelled at the horizon (e.g. {@code {0}} = "no click"); null = none. */
        public Builder defaultLabel(float... target) {
            defaultLabel = target == null ? null : target.clone();
            return this;
        }

        /** Number of classes, so labels may carry a class index instead of a target vector. */
        public Builder numClasses(int n) {
            numClasses = n;
            return this;
        }

        /**
         * Processing-time TTL of pending state, a safety net should watermarks stall; default =
         * 2 x (horizon + labelWait); {@link Duration#ZERO} disables it.
         */
        public Builder stateTtl(Duration d) {
            stateTtl = millis("stateTtl", d);
            return this;
        }

        public LabelJoinConfig build() {
            if (horizon < 0) {
                throw new IllegalArgumentException("horizon: required (how long after an event its label may arrive)");
            }
            if (horizon == 0) {
                throw new IllegalArgumentException("horizon: must be positive, got 0 ms");
            }
            if (labelWait < 0) {
                labelWait = horizon;
            }
            if (numClasses < 0) {
                throw new IllegalArgumentException("numClasses: must be >= 0, got " + numClasses);
            }
            if (defaultLabel != null) {
                if (defaultLabel.length == 0) {
                    throw new IllegalArgumentException("defaultLabel: must not be empty (use null for none)");
                }
                for (float v : defaultLabel) {
                    if (!Float.isFinite(v)) {
                        throw new IllegalArgumentException("defaultLabel: values must be finite, got " + v);
                    }
                }
                if (numClasses > 0 && defaultLabel.length != numClasses) {
                    throw new IllegalArgumentException("defaultLabel: expected " + numClasses
                            + " values (numClasses), got " + defaultLabel.length);
                }
            }
            long pending = saturatedAdd(horizon, labelWait);
            if (stateTtl < 0) {
                stateTtl = saturatedAdd(pending, pending);
            } else if (stateTtl > 0 && stateTtl < pending) {
                throw new IllegalArgumentException("stateTtl: must be 0 (off) or >= horizon + labelWait (" + pending
                        + " ms), else it would drop state the timers still need; got " + stateTtl + " ms");
            }
            return new LabelJoinConfig(this);
        }

        private static long millis(String field, Duration d) {
            if (d == null) {
                throw new IllegalArgumentException(field + ": must not be null");
            }
            if (d.isNegative()) {
                throw new IllegalArgumentException(field + ": must not be negative, got " + d);
            }
            try {
                return d.toMillis();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(field + ": too large, got " + d);
            }
        }
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }
}
