package io.streamgrad.model.state;

import java.util.Arrays;

/**
 * Everything needed to resume training of one model bit for bit: weights (Keras
 * {@code get_weights()} order, BatchNormalization moving statistics included), optimizer slots
 * and scalars, the optimizer iteration counter, the dropout RNG state, early-stopping progress,
 * and bookkeeping (model version, examples seen, skipped updates, last loss); for a model with a
 * feature front-end also its vocabularies and normalisation statistics ({@link FrontEndState}).
 * Mutable: the trainer updates it in place. {@link #copy()} is deep.
 */
public final class ModelState {
    private final float[][] weights;
    /** {@code slots[v][k]}: slot k of variable v; empty for non-trainable variables. */
    private final float[][][] slots;
    private final double[] scalars;
    private final EarlyStoppingState earlyStopping;
    private final FrontEndState frontEnd;
    private long iterations;
    private long version;
    private long examplesSeen;
    private long skippedUpdates;
    private long rngState;
    private double lastLoss = Double.NaN;

    public ModelState(float[][] weights, float[][][] slots, double[] scalars, EarlyStoppingState earlyStopping) {
        this(weights, slots, scalars, earlyStopping, null);
    }

    public ModelState(float[][] weights, float[][][] slots, double[] scalars, EarlyStoppingState earlyStopping,
                      FrontEndState frontEnd) {
        this.weights = weights;
        this.slots = slots;
        this.scalars = scalars;
        this.earlyStopping = earlyStopping == null ? new EarlyStoppingState() : earlyStopping;
        this.frontEnd = frontEnd == null ? FrontEndState.none() : frontEnd;
    }

    /** Vocabularies and normalisation statistics of the feature front-end (empty without one). */
    public FrontEndState frontEnd() {
        return frontEnd;
    }

    public float[][] weights() {
        return weights;
    }

    public float[][][] slots() {
        return slots;
    }

    public double[] scalars() {
        return scalars;
    }

    public EarlyStoppingState earlyStopping() {
        return earlyStopping;
    }

    /** Optimizer iteration counter: number of updates applied by the current optimizer. */
    public long iterations() {
        return iterations;
    }

    public void setIterations(long iterations) {
        this.iterations = iterations;
    }

    /** Model version: incremented by every applied update, never reset (also across warm starts). */
    public long version() {
        return version;
    }

    public void setVersion(long version) {
        this.version = version;
    }

    public long examplesSeen() {
        return examplesSeen;
    }

    public void setExamplesSeen(long examplesSeen) {
        this.examplesSeen = examplesSeen;
    }

    public long skippedUpdates() {
        return skippedUpdates;
    }

    public void setSkippedUpdates(long skippedUpdates) {
        this.skippedUpdates = skippedUpdates;
    }

    public long rngState() {
        return rngState;
    }

    public void setRngState(long rngState) {
        this.rngState = rngState;
    }

    public double lastLoss() {
        return lastLoss;
    }

    public void setLastLoss(double lastLoss) {
        this.lastLoss = lastLoss;
    }

    /** Total floats held (weights, slots, best weights): the state's raw size is about 4x this. */
    public long floatCount() {
        long n = 0;
        for (float[] w : weights) {
            n += w.length;
        }
        for (float[][] s : slots) {
            for (float[] a : s) {
                n += a.length;
            }
        }
        if (earlyStopping.bestWeights != null) {
            for (float[] w : earlyStopping.bestWeights) {
                n += w.length;
            }
        }
        return n;
    }

    public ModelState copy() {
        float[][][] s = new float[slots.length][][];
        for (int v = 0; v < slots.length; v++) {
            s[v] = deepCopy(slots[v]);
        }
        ModelState c = new ModelState(deepCopy(weights), s, scalars.clone(), earlyStopping.copy(), frontEnd.copy());
        c.iterations = iterations;
        c.version = version;
        c.examplesSeen = examplesSeen;
        c.skippedUpdates = skippedUpdates;
        c.rngState = rngState;
        c.lastLoss = lastLoss;
        return c;
    }

    /** Bit-for-bit equality of every field (NaN equals NaN of the same bits). */
    public boolean bitEquals(ModelState o) {
        if (o == null || iterations != o.iterations || version != o.version || examplesSeen != o.examplesSeen
                || skippedUpdates != o.skippedUpdates || rngState != o.rngState
                || Double.doubleToRawLongBits(lastLoss) != Double.doubleToRawLongBits(o.lastLoss)
                || !bitEquals(weights, o.weights) || slots.length != o.slots.length
                || !Arrays.equals(scalars, o.scalars) || !earlyStopping.bitEquals(o.earlyStopping)
                || !frontEnd.bitEquals(o.frontEnd)) {
            return false;
        }
        for (int v = 0; v < slots.length; v++) {
            if (!bitEquals(slots[v], o.slots[v])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "ModelState{version=" + version + ", iterations=" + iterations + ", examplesSeen=" + examplesSeen
                + ", skippedUpdates=" + skippedUpdates + ", lastLoss=" + lastLoss
                + ", stopped=" + earlyStopping.stopped + "}";
    }

    static float[][] deepCopy(float[][] a) {
        if (a == null) {
            return null;
        }
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] == null ? null : a[i].clone();
        }
        return c;
    }

    static boolean bitEquals(float[][] a, float[][] b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (!Arrays.equals(a[i], b[i])) { // Arrays.equals compares floatToIntBits
                return false;
            }
        }
        return true;
    }
}
