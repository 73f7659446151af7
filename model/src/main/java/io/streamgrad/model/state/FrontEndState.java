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

    public FrontEndState(Vocabulary[] vocabularies, RunningMoments[] moments) {
        if (vocabularies.length != moments.length) {
            throw new IllegalArgumentException("one vocabulary and one statistics slot per feature");
        }
        this.vocabularies = vocabularies;
        this.moments = moments;
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
            if (lookup != (vocabularies[j] != null) || online != (moments[j] != null)
                    || (online && moments[j].size() != f.width())) {
                return false;
            }
            if (lookup) {
                LookupSpec l = ((FeatureSpec.Categorical) f).lookup();
                if (vocabularies[j].size() > l.depth() - l.numOovIndices()) {
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
        for (int j = 0; j < v.length; j++) {
            v[j] = vocabularies[j] == null ? null : vocabularies[j].copy();
            m[j] = moments[j] == null ? null : moments[j].copy();
        }
        return new FrontEndState(v, m);
    }

    public boolean bitEquals(FrontEndState o) {
        if (o == null || o.vocabularies.length != vocabularies.length) {
            return false;
        }
        for (int j = 0; j < vocabularies.length; j++) {
            if ((vocabularies[j] == null) != (o.vocabularies[j] == null)
                    || (vocabularies[j] != null && !vocabularies[j].sameAs(o.vocabularies[j]))
                    || (moments[j] == null) != (o.moments[j] == null)
                    || (moments[j] != null && !moments[j].bitEquals(o.moments[j]))) {
                return false;
            }
        }
        return true;
    }
}
