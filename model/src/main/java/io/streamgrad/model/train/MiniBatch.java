package io.streamgrad.model.train;

import io.streamgrad.model.nn.DropoutMaskSource;
import java.util.Arrays;

/**
 * A reusable mini-batch buffer: rows of features {@code x} and targets {@code y}, row-major.
 * {@link #add} appends a row, {@link #clear} empties it; capacity grows only when needed.
 * Optionally carries explicit dropout masks (conformance replay); otherwise the trainer draws
 * masks from the model state's RNG.
 */
public final class MiniBatch {
    private final int inputDim;
    private final int outputDim;
    private float[] x;
    private float[] y;
    private int size;
    private DropoutMaskSource masks;

    public MiniBatch(int inputDim, int outputDim, int initialCapacity) {
        if (inputDim <= 0 || outputDim <= 0) {
            throw new IllegalArgumentException("inputDim and outputDim must be > 0");
        }
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        int cap = Math.max(1, initialCapacity);
        this.x = new float[cap * inputDim];
        this.y = new float[cap * outputDim];
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

    /** Feature buffer; rows {@code [0, size)} are valid. */
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
