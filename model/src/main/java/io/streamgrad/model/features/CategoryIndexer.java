package io.streamgrad.model.features;

import io.streamgrad.model.spec.FeatureSpec;
import io.streamgrad.model.spec.IntegerTokens;
import io.streamgrad.model.spec.LookupSpec;
import io.streamgrad.model.state.TokenCounts;
import io.streamgrad.model.state.Vocabulary;

/**
 * Index of a categorical value (§12.3, §12.4): Keras {@code StringLookup} / {@code IntegerLookup}
 * without mask token, or {@code Hashing}; and the online vocabulary growth of our extension.
 */
final class CategoryIndexer {
    private final FeatureSpec.Categorical spec;
    private final int feature;

    CategoryIndexer(FeatureSpec.Categorical spec, int feature) {
        this.spec = spec;
        this.feature = feature;
    }

    /** Index in {@code [0, depth)} of the value in {@code row}. */
    int index(Vocabulary vocabulary, FeatureBatch batch, int row) {
        String token = batch.token(row, feature);
        if (spec.hashing() != null) {
            return FarmHash.bucket(token, spec.hashing().numBins());
        }
        LookupSpec lookup = spec.lookup();
        int n = lookup.numOovIndices();
        int pos = vocabulary.positionOf(token);
        if (pos >= 0) {
            return n + pos;
        }
        if (n == 1) {
            return 0;
        }
        // index_lookup.py: integer keys take floormod, string keys the FarmHash bucket
        return spec.integer() ? (int) Math.floorMod(batch.integer(row, feature), (long) n) : FarmHash.bucket(token, n);
    }

    /**
     * Appends the batch's unknown tokens in order of first appearance while
     * {@code numOovIndices + size < maxTokens} (no-op unless the lookup grows). With
     * {@code minFrequency} N > 1 every row of an unknown token counts one sighting in
     * {@code counts}, and the token is appended at the row of its N-th sighting.
     */
    void grow(Vocabulary vocabulary, TokenCounts counts, FeatureBatch batch, int rows) {
        LookupSpec lookup = spec.lookup();
        if (lookup == null || !lookup.grow()) {
            return;
        }
        int cap = lookup.maxTokens() - lookup.numOovIndices();
        for (int r = 0; r < rows && vocabulary.size() < cap; r++) {
            String token = batch.token(r, feature);
            if (vocabulary.positionOf(token) < 0 && !(spec.integer() && token.equals(IntegerTokens.OOV_TOKEN))) {
                if (counts == null) {
                    vocabulary.add(token);
                } else if (counts.increment(token) >= lookup.minFrequency()) {
                    counts.remove(token);
                    vocabulary.add(token);
                }
            }
        }
    }
}
