package io.streamgrad.model.spec;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keras {@code StringLookup} / {@code IntegerLookup} without mask token: OOV indices
 * {@code 0..numOovIndices-1}, the k-th vocabulary entry at {@code numOovIndices + k}. Integer
 * vocabularies are held as canonical decimal strings. {@code maxTokens} (nullable) counts the OOV
 * indices, as in Keras; {@code grow} (our extension) appends unseen tokens online up to it, and
 * {@code minFrequency} (our extension, default 1) only once a token has been seen that often.
 */
public record LookupSpec(List<String> vocabulary, Integer maxTokens, int numOovIndices, boolean grow,
                         int minFrequency) {
    /** Candidate tokens counted at a time per unit of {@code maxTokens} (bounds the counting table). */
    public static final int CANDIDATES_PER_TOKEN = 4;

    public LookupSpec(List<String> vocabulary, Integer maxTokens, int numOovIndices, boolean grow) {
        this(vocabulary, maxTokens, numOovIndices, grow, 1);
    }

    public LookupSpec {
        Check.positive("minFrequency", minFrequency);
        if (minFrequency > 1 && !grow) {
            throw new SpecException("minFrequency", "needs grow: true (it delays growth), got " + minFrequency);
        }
        vocabulary = List.copyOf(Check.notNull("vocabulary", vocabulary));
        Check.positive("numOovIndices", numOovIndices);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < vocabulary.size(); i++) {
            if (!seen.add(vocabulary.get(i))) {
                throw new SpecException("vocabulary[" + i + "]", "repeats the token '" + vocabulary.get(i) + "'");
            }
        }
        if (maxTokens != null && maxTokens < numOovIndices + vocabulary.size()) {
            throw new SpecException("maxTokens", "must be >= numOovIndices + vocabulary size ("
                    + (numOovIndices + vocabulary.size()) + "), got " + maxTokens);
        }
        if (grow && maxTokens == null) {
            throw new SpecException("maxTokens", "is required when grow is true");
        }
    }

    /** Size of the table of candidate counts ({@code minFrequency} > 1), else 0. */
    public int candidateCapacity() {
        return minFrequency > 1 ? (int) Math.min(Integer.MAX_VALUE, (long) CANDIDATES_PER_TOKEN * maxTokens) : 0;
    }

    /** Number of distinct indices. */
    public int depth() {
        return maxTokens != null ? maxTokens : vocabulary.size() + numOovIndices;
    }
}
