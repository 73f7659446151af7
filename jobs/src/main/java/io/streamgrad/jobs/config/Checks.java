package io.streamgrad.jobs.config;

import io.streamgrad.operators.TrainerOption;
import java.util.List;

/** Value checks shared by the section records; each names the field relative to its section. */
final class Checks {
    private Checks() {}

    /** A non-blank text, or {@code dflt} when not set. */
    static String text(String field, String value, String dflt) {
        if (value == null) {
            return dflt;
        }
        if (value.isBlank()) {
            throw new ConfigException(field, "must not be empty");
        }
        return value;
    }

    static String required(String field, String value) {
        String v = text(field, value, null);
        if (v == null) {
            throw new ConfigException(field, "is required");
        }
        return v;
    }

    static long atLeast(String field, Long value, long dflt, long min) {
        long v = value == null ? dflt : value;
        if (v < min) {
            throw new ConfigException(field, "must be >= " + min + ", got " + v);
        }
        return v;
    }

    static int atLeast(String field, Integer value, int dflt, int min) {
        return (int) atLeast(field, value == null ? null : value.longValue(), dflt, min);
    }

    static <T> T orDefault(T value, T dflt) {
        return value == null ? dflt : value;
    }

    /** An operator option: its default when not set, checked by its own definition. */
    static <T> T option(TrainerOption<T> option, T value) {
        T v = option.orDefault(value);
        String problem = option.problemWith(v);
        if (problem != null) {
            throw new ConfigException(option.yamlField(), problem);
        }
        return v;
    }

    static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : List.copyOf(value);
    }

    /** Each entry a non-blank string. */
    static List<String> names(String field, List<String> value) {
        if (value == null) {
            return List.of();
        }
        for (int i = 0; i < value.size(); i++) {
            if (value.get(i) == null || value.get(i).isBlank()) {
                throw new ConfigException(field + "[" + i + "]", "must be a non-empty string");
            }
        }
        return List.copyOf(value);
    }
}
