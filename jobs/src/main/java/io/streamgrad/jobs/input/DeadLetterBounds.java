package io.streamgrad.jobs.input;

import io.streamgrad.operators.DeadLetter;
import java.io.Serializable;

/**
 * Keeps every dead letter small whatever the record was: at most {@code maxRecordChars} of the raw
 * record, {@link ExampleParser#MAX_REASON_CHARS} of reason, and no model key longer than
 * {@link ExampleParser#MAX_KEY_CHARS} (its reason already says why it was rejected).
 */
final class DeadLetterBounds implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Longest value quoted inside a reason before it is cut. */
    private static final int QUOTED_CHARS = 40;

    private final int maxRecordChars;

    DeadLetterBounds(int maxRecordChars) {
        this.maxRecordChars = maxRecordChars;
    }

    DeadLetter deadLetter(String key, String reason, String raw) {
        String record = raw == null ? null : raw.length() > maxRecordChars ? raw.substring(0, maxRecordChars) : raw;
        if (key != null && key.length() > ExampleParser.MAX_KEY_CHARS) {
            key = null;
        }
        if (reason.length() > ExampleParser.MAX_REASON_CHARS) {
            reason = reason.substring(0, ExampleParser.MAX_REASON_CHARS - 3) + "...";
        }
        return new DeadLetter(key, "parse", reason, record, raw == null ? 0 : raw.length(), System.currentTimeMillis());
    }

    /** A value as quoted in a reason: its first characters only. */
    static String abbreviate(String s) {
        return s.length() > QUOTED_CHARS ? s.substring(0, QUOTED_CHARS) + "..." : s;
    }
}
