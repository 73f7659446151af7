package io.streamgrad.jobs.input;

import io.streamgrad.jobs.config.InputFormat.KeySource;

import java.io.Serializable;

/**
 * Where a record's model key comes from (a field of the record, the Kafka record key, or one
 * constant) and the checks every key passes: present, non-empty, at most
 * {@link ExampleParser#MAX_KEY_CHARS} characters (a key becomes a Kafka record key of every metric
 * and snapshot, and a key of keyed state). The format parsers only find the field's text.
 */
final class ModelKeySource implements Serializable {
    private static final long serialVersionUID = 1L;

    private final KeySource kind;
    private final String constant;
    /** How a reason names the key's field, e.g. {@code field 'model'} or {@code column 0}. */
    private final String fieldName;

    ModelKeySource(KeySource kind, String constant, String fieldName) {
        this.kind = kind;
        this.constant = constant;
        this.fieldName = fieldName;
    }

    /** Whether the key is read from the record itself (then the parser passes the field's text). */
    boolean readsRecord() {
        return kind == KeySource.FIELD;
    }

    /** The key before any check: the record key, the constant, or {@code fieldText}. */
    String pick(String recordKey, String fieldText) {
        return switch (kind) {
            case RECORD_KEY -> recordKey;
            case CONSTANT -> constant;
            case FIELD -> fieldText;
        };
    }

    /** The key, or a rejection naming what is missing or too long. */
    String require(String recordKey, String fieldText) throws Reject {
        String key = pick(recordKey, fieldText);
        if (key == null || key.isEmpty()) {
            throw new Reject(recordKey, kind == KeySource.RECORD_KEY ? "model key: the Kafka record has no key"
                    : "model key: " + fieldName + " is missing");
        }
        if (key.length() > ExampleParser.MAX_KEY_CHARS) {
            throw new Reject(null, "model key: " + key.length() + " characters, longer than the maximum of "
                    + ExampleParser.MAX_KEY_CHARS + " ('" + DeadLetterBounds.abbreviate(key) + "')");
        }
        return key;
    }

    /** Whether {@link #require} would accept the key as it is. */
    static boolean acceptable(String key) {
        return key != null && !key.isEmpty() && key.length() <= ExampleParser.MAX_KEY_CHARS;
    }
}
