package io.streamgrad.operators.training;

import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.state.KeyProgress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.annotation.Internal;

/**
 * Collects a key's rows (in its {@link KeyProgress}, so they survive a restore) into mini-batches:
 * ready vectors, or for a model with named features raw rows ({@link MiniBatch#forModel}), which
 * the trainer's front-end encodes.
 *
 * <p>BatchNormalization models never train a 1-row batch: one row has zero batch variance, so it
 * would be normalised to beta and record a zero moving variance. Such a row is held until more
 * arrive, and one still held at end of input becomes a dead letter rather than vanish. So do the rows of a
 * partial batch at end of input when {@code endOfInput: drop} asks for full batches only.
 */
@Internal
public final class BatchBuffer {
    /** Dead-letter reason of a single BN row still held at end of input. */
    public static final String HELD_ROW_LEFT_OVER = "batchNormalization: a 1-row batch cannot be trained "
            + "(zero batch variance); the held row is left over at end of input";

    /** Dead-letter reason of a row of a partial batch dropped at end of input ({@code endOfInput: drop}). */
    public static final String PARTIAL_BATCH_DROPPED = "training.endOfInput is drop: the row belongs to a partial "
            + "batch (fewer rows than training.batchSize) left at end of input, which is not trained";

    private final int inputDim;
    private final int outputDim;
    private final int batchSize;
    private final boolean holdSingleRows;
    private final MiniBatch batch;
    /** The named features' layout, or null for a model fed ready vectors. */
    private final FeatureRows rows;
    private final float[] target;

    public BatchBuffer(int inputDim, int outputDim, int batchSize, boolean batchNormalization) {
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        this.batchSize = batchSize;
        this.holdSingleRows = batchNormalization;
        this.batch = new MiniBatch(inputDim, outputDim, batchSize);
        this.rows = null;
        this.target = null;
    }

    /** A buffer for {@code model}'s rows: raw rows when it has named features. */
    public BatchBuffer(ModelSpec model, int batchSize, boolean batchNormalization) {
        this.inputDim = model.inputDim();
        this.outputDim = model.outputDim();
        this.batchSize = batchSize;
        this.holdSingleRows = batchNormalization;
        this.batch = MiniBatch.forModel(model, batchSize);
        this.rows = model.hasFeatures() ? new FeatureRows(model.features()) : null;
        this.target = new float[outputDim];
    }

    /** Buffers a valid example; true when the batch is full. */
    public boolean add(KeyProgress p, Example ex, long eventTime) {
        if (rows != null) {
            p.addRawRow(ex.featureValues, ex.target, batchSize);
        } else {
            p.addRow(ex.features, ex.target, batchSize);
        }
        p.pendingMaxEventTime = Math.max(p.pendingMaxEventTime, eventTime);
        return p.pendingRows >= batchSize;
    }

    /** Whether the pending rows may be trained before the batch is full (timer, end of input). */
    public boolean partialTrainable(KeyProgress p) {
        return p.pendingRows > 0 && !(holdSingleRows && p.pendingRows < 2);
    }

    /** Whether a single row is held back (see the class comment). */
    public boolean holdsSingleRow(KeyProgress p) {
        return p.pendingRows > 0 && !partialTrainable(p);
    }

    /**
     * Moves the pending rows into the (reused) mini-batch and clears them. Read
     * {@code p.pendingMaxEventTime} before.
     */
    public MiniBatch take(KeyProgress p) {
        batch.clear();
        for (int r = 0; r < p.pendingRows; r++) {
            if (rows == null) {
                batch.add(p.pendingX, r * inputDim, p.pendingY, r * outputDim);
            } else {
                System.arraycopy(p.pendingY, r * outputDim, target, 0, outputDim);
                int row = batch.addRow(target);
                rows.fill(batch.raw(), row, p.pendingNumbers, r * rows.numbers(), p.pendingStrings,
                        r * rows.strings(), p.pendingIntegers, r * rows.integers());
            }
        }
        p.clearPending();
        return batch;
    }

    /** The held row as JSON-like text for its dead letter; clears it. */
    public String dropHeldRow(String key, KeyProgress p) {
        return dropPending(key, p).get(0);
    }

    /** Every pending row as JSON-like text for its dead letter, in arrival order; clears them. */
    public List<String> dropPending(String key, KeyProgress p) {
        List<String> texts = new ArrayList<>(p.pendingRows);
        for (int r = 0; r < p.pendingRows; r++) {
            texts.add("{\"modelKey\":\"" + key + "\",\"features\":" + pendingFeatures(p, r) + ",\"target\":"
                    + Arrays.toString(Arrays.copyOfRange(p.pendingY, r * outputDim, (r + 1) * outputDim)) + "}");
        }
        p.clearPending();
        return texts;
    }

    private String pendingFeatures(KeyProgress p, int r) {
        if (rows == null) {
            return Arrays.toString(Arrays.copyOfRange(p.pendingX, r * inputDim, (r + 1) * inputDim));
        }
        int n = rows.numbers();
        int s = rows.strings();
        int i = rows.integers();
        return "{\"numbers\":" + Arrays.toString(Arrays.copyOfRange(p.pendingNumbers, r * n, (r + 1) * n))
                + ",\"strings\":" + Arrays.toString(Arrays.copyOfRange(p.pendingStrings, r * s, (r + 1) * s))
                + ",\"integers\":" + Arrays.toString(Arrays.copyOfRange(p.pendingIntegers, r * i, (r + 1) * i)) + "}";
    }
}
