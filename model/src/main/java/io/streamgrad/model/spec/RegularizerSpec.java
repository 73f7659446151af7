package io.streamgrad.model.spec;

/**
 * Keras {@code L1L2(l1, l2)} penalty {@code l1·Σ|w| + l2·Σw²} (no ½ factor), from
 * {@code keras/src/regularizers/regularizers.py}.
 */
public record RegularizerSpec(double l1, double l2) {
    public RegularizerSpec {
        Check.nonNegative("l1", l1);
        Check.nonNegative("l2", l2);
    }

    public boolean isZero() {
        return l1 == 0 && l2 == 0;
    }
}
