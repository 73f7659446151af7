package io.streamgrad.model.state;

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
