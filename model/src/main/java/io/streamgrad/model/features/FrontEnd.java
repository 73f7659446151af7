package io.streamgrad.model.features;

import io.streamgrad.model.optim.TouchedRows;
import io.streamgrad.model.spec.FeatureSpec;
import io.streamgrad.model.spec.NormalizationSpec;
import io.streamgrad.model.state.FrontEndState;
import io.streamgrad.model.state.RowAges;
import io.streamgrad.model.state.RunningMoments;
import io.streamgrad.model.state.TokenCounts;
import io.streamgrad.model.state.Vocabulary;
import io.streamgrad.model.state.VariableLayout;
import java.util.Arrays;
import java.util.List;

/**
 * The feature front-end of a model (§12): turns a {@link FeatureBatch} of raw values into the
 * trunk input {@code [rows][width]}, features concatenated in the listed order. Training first
 * calls {@link #adapt} (vocabulary growth, statistics merge), inference does not. After
 * {@link #encode}, {@link #backward} turns dL/d(trunk input) into the embedding gradients.
 * Holds buffers only; the vocabularies and statistics live in a {@link FrontEndState}, the
 * embedding matrices in the model weights. Not thread-safe.
 */
public final class FrontEnd {
    private static final float EPSILON = 1e-7f; // keras.config.epsilon(): a floor on the standard deviation

    private final List<FeatureSpec> specs;
    private final int[] offsets;
    private final int width;
    private final int[] embeddingVariable;
    private final CategoryIndexer[] indexers;
    /** Index per row of the last {@link #encode}, per categorical feature. */
    private final int[][] indices;
    private final int[] savedVocabularySizes;
    private final RunningMoments[] savedMoments;
    /** Per variable, the rows the last {@link #encode} looked up, for sparse embeddings; else null. */
    private final TouchedRows[] sparseRows;
    /** Per feature, the gradient rows the last {@link #backward} wrote (sparse embeddings). */
    private final TouchedRows[] writtenRows;
    private float[] scale = new float[0];

    public FrontEnd(List<FeatureSpec> specs, VariableLayout layout) {
        this.specs = List.copyOf(specs);
        int n = specs.size();
        offsets = new int[n];
        embeddingVariable = new int[n];
        indexers = new CategoryIndexer[n];
        indices = new int[n][];
        savedVocabularySizes = new int[n];
        savedMoments = new RunningMoments[n];
        writtenRows = new TouchedRows[n];
        TouchedRows[] byVariable = new TouchedRows[layout.size()];
        boolean anySparse = false;
        int w = 0;
        for (int j = 0; j < n; j++) {
            offsets[j] = w;
            w += specs.get(j).width();
            embeddingVariable[j] = layout.ofFeature(j);
            if (specs.get(j) instanceof FeatureSpec.Categorical c) {
                indexers[j] = new CategoryIndexer(c, j);
                indices[j] = new int[0];
                if (c.embedding() != null && c.embedding().sparseUpdates()) {
                    byVariable[embeddingVariable[j]] = new TouchedRows(c.depth(), c.width());
                    writtenRows[j] = new TouchedRows(c.depth(), c.width());
                    anySparse = true;
                }
            }
        }
        width = w;
        sparseRows = anySparse ? byVariable : null;
    }

    public List<FeatureSpec> specs() {
        return specs;
    }

    /** Width of the trunk input. */
    public int width() {
        return width;
    }

    public boolean hasEmbeddings() {
        for (int v : embeddingVariable) {
            if (v >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Per variable of the model, the embedding rows the last {@link #encode} looked up for the
     * embeddings with {@code sparseUpdates} (null for every other variable); null when the model
     * has no sparse embedding. The sets are overwritten by the next {@link #encode}.
     */
    public TouchedRows[] sparseRows() {
        return sparseRows;
    }

    /** The state the specification starts with: its vocabularies, empty online statistics. */
    public FrontEndState initialState() {
        Vocabulary[] vocabularies = new Vocabulary[specs.size()];
        RunningMoments[] moments = new RunningMoments[specs.size()];
        TokenCounts[] counts = new TokenCounts[specs.size()];
        RowAges[] ages = new RowAges[specs.size()];
        for (int j = 0; j < specs.size(); j++) {
            FeatureSpec f = specs.get(j);
            if (f instanceof FeatureSpec.Categorical c && c.embedding() != null
                    && c.embedding().expireAfterSteps() != null) {
                ages[j] = new RowAges(c.depth());
            }
            if (f instanceof FeatureSpec.Categorical c && c.lookup() != null) {
                vocabularies[j] = new Vocabulary(c.lookup().vocabulary());
                if (c.lookup().minFrequency() > 1) {
                    counts[j] = new TokenCounts(c.lookup().candidateCapacity());
                }
            } else if (f instanceof FeatureSpec.Numeric num && num.normalization() instanceof NormalizationSpec.Online) {
                moments[j] = new RunningMoments(num.size());
            }
        }
        return new FrontEndState(vocabularies, moments, counts, ages);
    }

    /** Training-only updates before the forward pass: vocabulary growth, then statistics merge. */
    public void adapt(FrontEndState state, FeatureBatch batch, int rows) {
        checkBatch(batch, rows);
        for (int j = 0; j < specs.size(); j++) {
            if (indexers[j] != null && state.vocabulary(j) != null) {
                indexers[j].grow(state.vocabulary(j), state.counts(j), batch, rows);
            }
        }
        for (int j = 0; j < specs.size(); j++) {
            if (specs.get(j) instanceof FeatureSpec.Numeric num
                    && num.normalization() instanceof NormalizationSpec.Online online) {
                RunningMoments m = state.moments(j);
                if (!online.frozenAt(m.count())) {
                    m.merge(batch.numbers(j), rows);
                }
            }
        }
    }

    /**
     * After an applied training step {@code step} (the counter after it): the rows of expiring
     * embeddings that this step looked up are stamped with {@code step}, then every row not looked
     * up by the last {@code expireAfterSteps} steps is reset: its weights to 0, its optimizer slots
     * to their initial values ({@code slotInitialValues}). Costs O(rows looked up + rows expired).
     */
    public void expire(FrontEndState state, float[][] weights, float[][][] slots, long step,
                       float[] slotInitialValues) {
        for (int j = 0; j < specs.size(); j++) {
            RowAges ages = state.ages(j);
            if (ages == null) {
                continue;
            }
            int v = embeddingVariable[j];
            TouchedRows touched = sparseRows[v];
            for (int i = 0; i < touched.count(); i++) {
                ages.touch(touched.row(i), step);
            }
            long limit = step - ((FeatureSpec.Categorical) specs.get(j)).embedding().expireAfterSteps();
            int d = touched.rowWidth();
            for (int r = ages.oldest(); r >= 0 && ages.lastSeen(r) <= limit; r = ages.oldest()) {
                ages.forget(r);
                Arrays.fill(weights[v], r * d, (r + 1) * d, 0f);
                for (int k = 0; k < slots[v].length; k++) {
                    Arrays.fill(slots[v][k], r * d, (r + 1) * d, slotInitialValues[k]);
                }
            }
        }
    }

    /** True when some embedding expires rows ({@link #expire} has work to do). */
    public boolean expires() {
        for (FeatureSpec f : specs) {
            if (f instanceof FeatureSpec.Categorical c && c.embedding() != null
                    && c.embedding().expireAfterSteps() != null) {
                return true;
            }
        }
        return false;
    }

    /** Remembers the adaptable part of {@code state}, so that {@link #rollback} can undo an {@link #adapt}. */
    public void remember(FrontEndState state) {
        for (int j = 0; j < specs.size(); j++) {
            if (state.vocabulary(j) != null) {
                savedVocabularySizes[j] = state.vocabulary(j).size();
            }
            if (state.counts(j) != null) {
                state.counts(j).beginStep();
            }
            RunningMoments m = state.moments(j);
            if (m != null) {
                if (savedMoments[j] == null) {
                    savedMoments[j] = new RunningMoments(m.size());
                }
                savedMoments[j].setTo(m);
            }
        }
    }

    /** Restores what {@link #remember} saw (a discarded, non-finite step leaves no trace). */
    public void rollback(FrontEndState state) {
        for (int j = 0; j < specs.size(); j++) {
            if (state.vocabulary(j) != null) {
                state.vocabulary(j).truncate(savedVocabularySizes[j]);
            }
            if (state.counts(j) != null) {
                state.counts(j).undoStep();
            }
            if (state.moments(j) != null) {
                state.moments(j).setTo(savedMoments[j]);
            }
        }
    }

    /** Writes the trunk input of {@code rows} rows into {@code out} ({@code [rows][width]}). */
    public void encode(FrontEndState state, float[][] weights, FeatureBatch batch, int rows, float[] out) {
        checkBatch(batch, rows);
        for (int j = 0; j < specs.size(); j++) {
            FeatureSpec f = specs.get(j);
            if (f instanceof FeatureSpec.Numeric num) {
                encodeNumeric(j, num, state.moments(j), batch.numbers(j), rows, out);
            } else {
                encodeCategorical(j, (FeatureSpec.Categorical) f, state.vocabulary(j), weights, batch, rows, out);
            }
        }
    }

    private void encodeNumeric(int j, FeatureSpec.Numeric num, RunningMoments moments, double[] x, int rows,
                               float[] out) {
        int s = num.size();
        int off = offsets[j];
        if (num.normalization() == null) {
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < s; i++) {
                    out[r * width + off + i] = (float) x[r * s + i];
                }
            }
            return;
        }
        if (scale.length < 2 * s) {
            scale = new float[2 * s];
        }
        for (int i = 0; i < s; i++) {
            float mean;
            float variance;
            if (num.normalization() instanceof NormalizationSpec.Fixed fixed) {
                mean = fixed.mean().get(i).floatValue();
                variance = fixed.variance().get(i).floatValue();
            } else {
                mean = (float) moments.mean(i);
                variance = (float) moments.variance(i);
            }
            scale[2 * i] = mean;
            scale[2 * i + 1] = Math.max((float) Math.sqrt(variance), EPSILON);
        }
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < s; i++) {
                out[r * width + off + i] = ((float) x[r * s + i] - scale[2 * i]) / scale[2 * i + 1];
            }
        }
    }

    private void encodeCategorical(int j, FeatureSpec.Categorical c, Vocabulary vocabulary, float[][] weights,
                                   FeatureBatch batch, int rows, float[] out) {
        if (indices[j].length < rows) {
            indices[j] = new int[Math.max(rows, indices[j].length * 2)];
        }
        int[] idx = indices[j];
        int off = offsets[j];
        int d = c.width();
        float[] table = embeddingVariable[j] >= 0 ? weights[embeddingVariable[j]] : null;
        TouchedRows touched = sparseRows == null || table == null ? null : sparseRows[embeddingVariable[j]];
        if (touched != null) {
            touched.clear();
        }
        for (int r = 0; r < rows; r++) {
            int k = indexers[j].index(vocabulary, batch, r);
            idx[r] = k;
            if (touched != null) {
                touched.add(k);
            }
            int o = r * width + off;
            if (table != null) {
                System.arraycopy(table, k * d, out, o, d);
            } else {
                Arrays.fill(out, o, o + d, 0f);
                out[o + k] = 1f;
            }
        }
    }

    /**
     * Embedding gradients of the last {@link #encode}: {@code dE[k] = sum of dX rows whose index is k}
     * (0 for rows not looked up); the regularizer term is added by the caller. A sparse embedding's
     * gradient is cleared and written on the rows of the last and of this batch only: O(batch x dim).
     */
    public void backward(float[] dX, int rows, float[][] grads) {
        for (int j = 0; j < specs.size(); j++) {
            int v = embeddingVariable[j];
            if (v < 0) {
                continue;
            }
            float[] g = grads[v];
            int d = specs.get(j).width();
            if (writtenRows[j] == null) {
                Arrays.fill(g, 0f);
            } else {
                clearRows(g, writtenRows[j], d);
                clearRows(g, sparseRows[v], d);
                writtenRows[j].setTo(sparseRows[v]);
            }
            int off = offsets[j];
            int[] idx = indices[j];
            for (int r = 0; r < rows; r++) {
                int gi = idx[r] * d;
                int xi = r * width + off;
                for (int k = 0; k < d; k++) {
                    g[gi + k] += dX[xi + k];
                }
            }
        }
    }

    private static void clearRows(float[] g, TouchedRows rows, int d) {
        for (int i = 0; i < rows.count(); i++) {
            int o = rows.row(i) * d;
            Arrays.fill(g, o, o + d, 0f);
        }
    }

    private void checkBatch(FeatureBatch batch, int rows) {
        if (batch == null || (batch.features() != specs && !batch.features().equals(specs))) {
            throw new IllegalArgumentException("the raw batch does not have this model's features");
        }
        if (rows > batch.size()) {
            throw new IllegalArgumentException("batch has " + batch.size() + " rows, not " + rows);
        }
    }
}
