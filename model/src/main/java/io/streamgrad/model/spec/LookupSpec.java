package io.streamgrad.model.spec;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keras {@code StringLookup} / {@code IntegerLookup} without mask token: OOV indices
 * {@code 0..numOovIndices-1}, the k-th vocabulary entry at {@code numOovIndices + k}. Integer
 * vocabularies are held as canonical decimal strings. {@code maxTokens} (nullable) counts the OOV
 * indices, as in Keras; {@code grow} (our extension) appends unseen tokens online up to it.
 */
public record LookupSpec(List<String> vocabulary, Integer maxTokens, int numOovIndices, boolean grow) {
    public LookupSpec {
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

    /** Number of distinct indices. */
    public int depth() {
        return maxTokens != null ? maxTokens : vocabulary.size() + numOovIndices;
    }
}
