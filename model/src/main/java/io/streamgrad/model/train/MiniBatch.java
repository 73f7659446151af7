package io.streamgrad.model.train;

import io.streamgrad.model.features.FeatureBatch;
import io.streamgrad.model.nn.DropoutMaskSource;
import io.streamgrad.model.spec.FeatureSpec;
import io.streamgrad.model.spec.ModelSpec;
import java.util.Arrays;
import java.util.List;

/**
 * A reusable mini-batch buffer: rows of features {@code x} and targets {@code y}, row-major.
 * {@link #add} appends a row, {@link #clear} empties it; capacity grows only when needed.
 * Optionally carries explicit dropout masks (conformance replay); otherwise the trainer draws
 * masks from the model state's RNG.
 *
 * <p>For a model with a feature front-end ({@link #forModel}) rows carry raw values instead: append
 * with {@link #addRow(float[])} and fill the row of {@link #raw()} with its typed setters; the
 * trainer encodes them into {@link #features()}.
 */
public final class MiniBatch {
    private final int inputDim;
    private final int outputDim;
    private float[] x;
    private float[] y;
    private int size;
    private DropoutMaskSource masks;
    /** Raw feature values, or null when rows carry ready vectors. */
    private final FeatureBatch raw;

    public MiniBatch(int inputDim, int outputDim, int initialCapacity) {
        this(inputDim, outputDim, initialCapacity, null);
    }

    private MiniBatch(int inputDim, int outputDim, int initialCapacity, List<FeatureSpec> features) {
        if (inputDim <= 0 || outputDim <= 0) {
            throw new IllegalArgumentException("inputDim and outputDim must be > 0");
        }
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        int cap = Math.max(1, initialCapacity);
        this.x = new float[cap * inputDim];
        this.y = new float[cap * outputDim];
        this.raw = features == null ? null : new FeatureBatch(features, cap);
    }

    /** A batch for {@code model}: raw feature rows when it has a front-end, ready vectors otherwise. */
    public static MiniBatch forModel(ModelSpec model, int initialCapacity) {
        return new MiniBatch(model.inputDim(), model.outputDim(), initialCapacity,
                model.hasFeatures() ? model.features() : null);
    }

    /** Raw feature values of the rows (null for a batch of ready vectors). */
    public FeatureBatch raw() {
        return raw;
    }

    /**
     * Appends a raw row with its target and returns its index in {@link #raw()}, whose setters
     * then fill the feature values.
     */
    public int addRow(float[] target) {
        if (raw == null) {
            throw new IllegalStateException("this batch takes ready feature vectors: use add(features, target)");
        }
        ensureCapacity(size + 1);
        System.arraycopy(target, 0, y, size * outputDim, outputDim);
        int r = raw.addRow();
        size++;
        return r;
    }

    /** A batch holding copies of the given rows. */
    public static MiniBatch of(float[][] features, float[][] targets) {
        if (features.length != targets.length || features.length == 0) {
            throw new IllegalArgumentException("features and targets must have the same, non-zero number of rows");
        }
        MiniBatch b = new MiniBatch(features[0].length, targets[0].length, features.length);
        for (int i = 0; i < features.length; i++) {
            b.add(features[i], targets[i]);
        }
        return b;
    }

    public void add(float[] features, float[] target) {
        add(features, 0, target, 0);
    }

    /** Appends one row read from {@code features[fOff ..]} and {@code target[tOff ..]}. */
    public void add(float[] features, int fOff, float[] target, int tOff) {
        if (raw != null) {
            throw new IllegalStateException("this batch takes raw feature rows: use addRow(target)");
        }
        ensureCapacity(size + 1);
        System.arraycopy(features, fOff, x, size * inputDim, inputDim);
        System.arraycopy(target, tOff, y, size * outputDim, outputDim);
        size++;
    }

    private void ensureCapacity(int rows) {
        if (rows * inputDim > x.length) {
            int cap = Math.max(rows, x.length / inputDim * 2);
            x = Arrays.copyOf(x, cap * inputDim);
            y = Arrays.copyOf(y, cap * outputDim);
        }
    }

    public void clear() {
        size = 0;
        if (raw != null) {
            raw.clear();
        }
        masks = null;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int inputDim() {
        return inputDim;
    }

    public int outputDim() {
        return outputDim;
    }

    /**
     * Feature buffer; rows {@code [0, size)} are valid (unused for raw rows: the trainer encodes
     * them into the network's own buffer).
     */
    public float[] features() {
        return x;
    }

    /** Target buffer; rows {@code [0, size)} are valid. */
    public float[] targets() {
        return y;
    }

    public DropoutMaskSource masks() {
        return masks;
    }

    /** Uses these masks for the next step instead of drawing them from the model's RNG. */
    public void setMasks(DropoutMaskSource masks) {
        this.masks = masks;
    }
}
