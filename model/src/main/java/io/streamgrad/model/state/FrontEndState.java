package io.streamgrad.model.state;

import io.streamgrad.model.spec.FeatureSpec;
import io.streamgrad.model.spec.LookupSpec;
import io.streamgrad.model.spec.NormalizationSpec;
import java.util.List;

/**
 * The non-trainable, online-updated part of a model's feature front-end: per feature (in
 * {@code model.features} order) its vocabulary (lookup features) or its running statistics
 * (numeric features adapted online), null where the feature keeps no state. Embedding matrices are
 * ordinary weights of the {@link ModelState}.
 */
public final class FrontEndState {
    private static final FrontEndState NONE = new FrontEndState(new Vocabulary[0], new RunningMoments[0]);

    private final Vocabulary[] vocabularies;
    private final RunningMoments[] moments;
    private final TokenCounts[] counts;
    private final RowAges[] ages;

    public FrontEndState(Vocabulary[] vocabularies, RunningMoments[] moments) {
        this(vocabularies, moments, new TokenCounts[vocabularies.length]);
    }

    /** {@code counts[j]}: candidate counts of a lookup with {@code minFrequency} > 1, else null. */
    public FrontEndState(Vocabulary[] vocabularies, RunningMoments[] moments, TokenCounts[] counts) {
        this(vocabularies, moments, counts, new RowAges[vocabularies.length]);
    }

    /** {@code ages[j]}: row ages of an embedding with {@code expireAfterSteps}, else null. */
    public FrontEndState(Vocabulary[] vocabularies, RunningMoments[] moments, TokenCounts[] counts,
                         RowAges[] ages) {
        if (vocabularies.length != moments.length || counts.length != moments.length
                || ages.length != moments.length) {
            throw new IllegalArgumentException("one vocabulary, statistics and counts slot per feature");
        }
        for (int j = 0; j < counts.length; j++) {
            if (counts[j] != null && vocabularies[j] == null) {
                throw new IllegalArgumentException("candidate counts of feature " + j + " without a vocabulary");
            }
        }
        this.vocabularies = vocabularies;
        this.moments = moments;
        this.counts = counts;
        this.ages = ages;
    }

    /** Row ages of the embedding of feature {@code j} with {@code expireAfterSteps}, else null. */
    public RowAges ages(int j) {
        return ages[j];
    }

    /** The state of a model without a front-end. */
    public static FrontEndState none() {
        return NONE;
    }

    public boolean isEmpty() {
        return vocabularies.length == 0;
    }

    public int featureCount() {
        return vocabularies.length;
    }

    /** Vocabulary of lookup feature {@code j}, else null. */
    public Vocabulary vocabulary(int j) {
        return vocabularies[j];
    }

    /** Candidate counts of lookup feature {@code j} with {@code minFrequency} > 1, else null. */
    public TokenCounts counts(int j) {
        return counts[j];
    }

    /** True when some lookup keeps candidate counts or some embedding row ages (codec format 3). */
    public boolean needsFormat3() {
        for (int j = 0; j < counts.length; j++) {
            if (counts[j] != null || ages[j] != null) {
                return true;
            }
        }
        return false;
    }

    /** Online statistics of numeric feature {@code j}, else null. */
    public RunningMoments moments(int j) {
        return moments[j];
    }

    /**
     * True when this state has the shape {@code features} need: a vocabulary exactly for the
     * lookups, statistics of the right size exactly for the online-normalised numeric features.
     */
    public boolean fits(List<FeatureSpec> features) {
        if (features.size() != vocabularies.length) {
            return false;
        }
        for (int j = 0; j < vocabularies.length; j++) {
            FeatureSpec f = features.get(j);
            boolean lookup = f instanceof FeatureSpec.Categorical c && c.lookup() != null;
            boolean online = f instanceof FeatureSpec.Numeric n
                    && n.normalization() instanceof NormalizationSpec.Online;
            boolean expiring = f instanceof FeatureSpec.Categorical c && c.embedding() != null
                    && c.embedding().expireAfterSteps() != null;
            if (expiring != (ages[j] != null)
                    || (expiring && ages[j].rows() != ((FeatureSpec.Categorical) f).depth())) {
                return false;
            }
            if (lookup != (vocabularies[j] != null) || online != (moments[j] != null)
                    || (online && moments[j].size() != f.width())) {
                return false;
            }
            if (lookup) {
                LookupSpec l = ((FeatureSpec.Categorical) f).lookup();
                if (vocabularies[j].size() > l.depth() - l.numOovIndices()
                        || (l.minFrequency() > 1) != (counts[j] != null)
                        || (counts[j] != null && counts[j].capacity() != l.candidateCapacity())) {
                    return false;
                }
            }
        }
        return true;
    }

    public FrontEndState copy() {
        if (isEmpty()) {
            return this;
        }
        Vocabulary[] v = new Vocabulary[vocabularies.length];
        RunningMoments[] m = new RunningMoments[moments.length];
        TokenCounts[] c = new TokenCounts[counts.length];
        RowAges[] a = new RowAges[ages.length];
        for (int j = 0; j < v.length; j++) {
            a[j] = ages[j] == null ? null : ages[j].copy();
            v[j] = vocabularies[j] == null ? null : vocabularies[j].copy();
            m[j] = moments[j] == null ? null : moments[j].copy();
            c[j] = counts[j] == null ? null : counts[j].copy();
        }
        return new FrontEndState(v, m, c, a);
    }

    public boolean bitEquals(FrontEndState o) {
        if (o == null || o.vocabularies.length != vocabularies.length) {
            return false;
        }
        for (int j = 0; j < vocabularies.length; j++) {
            if ((vocabularies[j] == null) != (o.vocabularies[j] == null)
                    || (vocabularies[j] != null && !vocabularies[j].sameAs(o.vocabularies[j]))
                    || (moments[j] == null) != (o.moments[j] == null)
                    || (moments[j] != null && !moments[j].bitEquals(o.moments[j]))
                    || (counts[j] == null) != (o.counts[j] == null)
                    || (counts[j] != null && !counts[j].sameAs(o.counts[j]))
                    || (ages[j] == null) != (o.ages[j] == null)
                    || (ages[j] != null && !ages[j].sameAs(o.ages[j]))) {
                return false;
            }
        }
        return true;
    }
}
