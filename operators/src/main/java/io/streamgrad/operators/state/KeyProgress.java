package io.streamgrad.operators.state;

import io.streamgrad.operators.Example;
import io.streamgrad.operators.FeatureValues;
import java.util.Arrays;
import org.apache.flink.annotation.Internal;

/**
 * Per-key bookkeeping of the online trainer besides the model itself, kept in keyed state so a
 * restore resumes exactly: the pending partial mini-batch (row-major features and targets, or the
 * raw feature values of a model with named features), the
 * registered timers, the last snapshot version and the metric aggregate in progress.
 * A Flink POJO (serialized by Flink's POJO serializer, which supports field evolution), so the
 * field names are part of the savepoint format.
 */
@Internal
public class KeyProgress {
    /** No timer registered. */
    public static final long NO_TIMER = Long.MIN_VALUE;

    /** Buffered rows of the pending mini-batch, {@code pendingRows * inputDim} valid values. */
    public float[] pendingX;
    public float[] pendingY;
    public int pendingRows;
    /**
     * Raw rows of a model with named features (then {@link #pendingX} stays null): per row its
     * numeric components, strings and integers, row-major like {@link #pendingX}.
     */
    public double[] pendingNumbers;
    public String[] pendingStrings;
    public long[] pendingIntegers;
    /** Largest event time of the pending rows, or {@link Example#NO_TIMESTAMP}. */
    public long pendingMaxEventTime = Example.NO_TIMESTAMP;

    /** Processing-time timer that flushes the pending batch, or {@link #NO_TIMER}. */
    public long batchTimer = NO_TIMER;
    /** Processing-time timer of the next interval snapshot, or {@link #NO_TIMER}. */
    public long intervalTimer = NO_TIMER;
    /** Version of the last snapshot emitted for the key (or of its warm start), -1 = none. */
    public long lastSnapshotVersion = -1;
    /**
     * Type of the optimizer the model's slots belong to ({@code adam}, ...); null when unknown.
     * A restore under another optimizer type starts that optimizer afresh ({@link ModelLoader}).
     */
    public String optimizerType;

    /** Metric aggregate in progress (metricsEveryNSteps > 1). */
    public int aggSteps;
    public int aggExamples;
    public int aggSkipped;
    public double aggLoss;
    public double aggDataLoss;
    public double aggRegularizationLoss;
    public double aggGradientNorm;
    public double aggAccuracy;
    public double aggLearningRate = Double.NaN;
    public long aggMaxEventTime = Example.NO_TIMESTAMP;

    public KeyProgress() {}

    /** Appends one row, growing the buffers to {@code capacityRows} at most once per key. */
    public void addRow(float[] x, float[] y, int capacityRows) {
        int in = x.length;
        int out = y.length;
        if (pendingX == null || pendingX.length < (pendingRows + 1) * in) {
            int cap = Math.max(capacityRows, pendingRows + 1);
            pendingX = pendingX == null ? new float[cap * in] : Arrays.copyOf(pendingX, cap * in);
            pendingY = pendingY == null ? new float[cap * out] : Arrays.copyOf(pendingY, cap * out);
        }
        System.arraycopy(x, 0, pendingX, pendingRows * in, in);
        System.arraycopy(y, 0, pendingY, pendingRows * out, out);
        pendingRows++;
    }

    /**
     * Appends one raw row ({@code values} sized as the model's features say), growing the buffers
     * to {@code capacityRows} at most once per key.
     */
    public void addRawRow(FeatureValues values, float[] y, int capacityRows) {
        int n = values.numbers == null ? 0 : values.numbers.length; // an empty group may be null
        int s = values.strings == null ? 0 : values.strings.length;
        int i = values.integers == null ? 0 : values.integers.length;
        int out = y.length;
        if (pendingY == null || pendingNumbers == null || pendingY.length < (pendingRows + 1) * out) {
            int cap = Math.max(capacityRows, pendingRows + 1);
            pendingNumbers = pendingNumbers == null ? new double[cap * n] : Arrays.copyOf(pendingNumbers, cap * n);
            pendingStrings = pendingStrings == null ? new String[cap * s] : Arrays.copyOf(pendingStrings, cap * s);
            pendingIntegers = pendingIntegers == null ? new long[cap * i] : Arrays.copyOf(pendingIntegers, cap * i);
            pendingY = pendingY == null ? new float[cap * out] : Arrays.copyOf(pendingY, cap * out);
        }
        if (n > 0) {
            System.arraycopy(values.numbers, 0, pendingNumbers, pendingRows * n, n);
        }
        if (s > 0) {
            System.arraycopy(values.strings, 0, pendingStrings, pendingRows * s, s);
        }
        if (i > 0) {
            System.arraycopy(values.integers, 0, pendingIntegers, pendingRows * i, i);
        }
        System.arraycopy(y, 0, pendingY, pendingRows * out, out);
        pendingRows++;
    }

    public void clearPending() {
        if (pendingStrings != null) {
            Arrays.fill(pendingStrings, null); // no stale strings kept in state
        }
        pendingRows = 0;
        pendingMaxEventTime = Example.NO_TIMESTAMP;
    }

    public void clearAggregate() {
        aggSteps = 0;
        aggExamples = 0;
        aggSkipped = 0;
        aggLoss = 0;
        aggDataLoss = 0;
        aggRegularizationLoss = 0;
        aggGradientNorm = 0;
        aggAccuracy = 0;
        aggLearningRate = Double.NaN;
        aggMaxEventTime = Example.NO_TIMESTAMP;
    }
}
