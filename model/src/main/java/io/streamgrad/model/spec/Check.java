package io.streamgrad.model.spec;

/** Validation helpers shared by the specification records; each failure names the field. */
final class Check {
    private Check() {}

    static double finite(String field, double v) {
        if (!Double.isFinite(v)) {
            throw new SpecException(field, "must be a finite number, got " + v);
        }
        return v;
    }

    static double nonNegative(String field, double v) {
        finite(field, v);
        if (v < 0) {
            throw new SpecException(field, "must be >= 0, got " + v);
        }
        return v;
    }

    static double positive(String field, double v) {
        finite(field, v);
        if (v <= 0) {
            throw new SpecException(field, "must be > 0, got " + v);
        }
        return v;
    }

    /** 0 <= v < 1. */
    static double unitOpen(String field, double v) {
        finite(field, v);
        if (v < 0 || v >= 1) {
            throw new SpecException(field, "must be in [0, 1), got " + v);
        }
        return v;
    }

    /** 0 <= v <= 1. */
    static double unitClosed(String field, double v) {
        finite(field, v);
        if (v < 0 || v > 1) {
            throw new SpecException(field, "must be in [0, 1], got " + v);
        }
        return v;
    }

    static Double optionalPositive(String field, Double v) {
        if (v != null) {
            positive(field, v);
        }
        return v;
    }

    static Double optionalNonNegative(String field, Double v) {
        if (v != null) {
            nonNegative(field, v);
        }
        return v;
    }

    static int positive(String field, int v) {
        if (v <= 0) {
            throw new SpecException(field, "must be > 0, got " + v);
        }
        return v;
    }

    static long positive(String field, long v) {
        if (v <= 0) {
            throw new SpecException(field, "must be > 0, got " + v);
        }
        return v;
    }

    static <T> T notNull(String field, T v) {
        if (v == null) {
            throw new SpecException(field, "is required");
        }
        return v;
    }
}
