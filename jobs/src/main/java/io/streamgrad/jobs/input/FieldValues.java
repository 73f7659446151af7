package io.streamgrad.jobs.input;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Numbers and event times read from record text, with the reasons both formats give when they are not. */
final class FieldValues {
    private FieldValues() {}

    static float number(String key, String field, String s) throws Reject {
        double d;
        try {
            d = Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw new Reject(key, field + ": expected a number, got '" + DeadLetterBounds.abbreviate(s) + "'");
        }
        return finite(key, field, d);
    }

    /** The value as a float; a value that is or becomes infinite or NaN in float is rejected. */
    static float finite(String key, String field, double d) throws Reject {
        float f = (float) d;
        if (!Float.isFinite(f)) {
            throw new Reject(key, field + ": not a finite number (" + d + ")");
        }
        return f;
    }

    /** Epoch milliseconds, or an ISO-8601 instant. */
    static long eventTime(String key, String field, String s) throws Reject {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            try {
                return Instant.parse(s.strip()).toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw new Reject(key, field + ": event time must be epoch milliseconds or ISO-8601, got '"
                        + DeadLetterBounds.abbreviate(s) + "'");
            }
        }
    }
}
