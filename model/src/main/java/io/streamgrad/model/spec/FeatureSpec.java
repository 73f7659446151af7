package io.streamgrad.model.spec;

import java.util.List;

/**
 * One named raw input of a model with a feature front-end ({@code docs/semantics.md} §12): a
 * numeric column (optionally normalised) or a string / integer column turned into an index
 * (lookup or hashing) and then into an embedding row or a one-hot vector.
 */
public sealed interface FeatureSpec permits FeatureSpec.Numeric, FeatureSpec.Categorical {

    /** Key of the column in the input. */
    String name();

    /** Number of values this feature contributes to the trunk input. */
    int width();

    /** A numeric column of {@code size} values per row. */
    record Numeric(String name, int size, NormalizationSpec normalization) implements FeatureSpec {
        public Numeric {
            Check.notNull("name", name);
            Check.positive("size", size);
            if (normalization instanceof NormalizationSpec.Fixed f
                    && (f.mean().size() != size || f.variance().size() != size)) {
                throw new SpecException("normalization", "mean and variance must have " + size + " values each");
            }
        }

        @Override
        public int width() {
            return size;
        }
    }

    /**
     * A string or integer column: exactly one of {@code lookup} / {@code hashing} gives the index,
     * {@code embedding} (or one-hot when null) encodes it.
     */
    record Categorical(String name, boolean integer, LookupSpec lookup, HashingSpec hashing,
                       EmbeddingSpec embedding) implements FeatureSpec {
        public Categorical {
            Check.notNull("name", name);
            if ((lookup == null) == (hashing == null)) {
                throw new SpecException("lookup", "exactly one of lookup or hashing is required");
            }
            if (lookup != null && integer) {
                for (int i = 0; i < lookup.vocabulary().size(); i++) {
                    String t = lookup.vocabulary().get(i);
                    if (!IntegerTokens.isCanonical(t)) {
                        throw new SpecException("lookup.vocabulary[" + i + "]", "must be an int64 integer, got " + t);
                    }
                    if (t.equals(IntegerTokens.OOV_TOKEN)) {
                        throw new SpecException("lookup.vocabulary[" + i + "]",
                                "-1 is IntegerLookup's OOV token and cannot be a vocabulary entry");
                    }
                }
            }
        }

        /** Number of distinct indices: embedding rows or one-hot width. */
        public int depth() {
            return lookup != null ? lookup.depth() : hashing.numBins();
        }

        public boolean oneHot() {
            return embedding == null;
        }

        @Override
        public int width() {
            return embedding != null ? embedding.outputDim() : depth();
        }
    }

    /** Sum of the widths: the trunk's input width. */
    static int totalWidth(List<FeatureSpec> features) {
        int w = 0;
        for (FeatureSpec f : features) {
            w = Math.addExact(w, f.width());
        }
        return w;
    }
}
