package io.streamgrad.operators;

import java.time.Duration;

/** The builder's millisecond options as durations: 0 means off (null). */
final class OptionDurations {
    private OptionDurations() {}

    static void positive(String field, Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(field + ": must be positive, got " + d);
        }
    }

    static Duration millisOrNull(long millis) {
        return millis > 0 ? Duration.ofMillis(millis) : null;
    }
}
