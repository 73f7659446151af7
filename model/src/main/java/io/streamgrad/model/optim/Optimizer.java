package io.streamgrad.model.optim;

import io.streamgrad.model.schedule.LearningRateSchedule;
import io.streamgrad.model.spec.GradientOptions;
import io.streamgrad.model.spec.OptimizerSpec;

/**
 * A Keras optimizer's {@code apply} ({@code keras/src/optimizers/base_optimizer.py}): learning
 * rate from the schedule at the current counter, gradient clipping (clipnorm per variable,
 * globalClipnorm, or clipvalue), decoupled weight decay {@code w −= w·wd·lr} before the update,
 * then the {@link UpdateRule} per trainable variable. The caller owns the counter and the slots.
 */
public final class Optimizer {
    private final OptimizerSpec spec;
    private final LearningRateSchedule schedule;
    private final UpdateRule rule;
    private final GradientOptions options;

    public Optimizer(OptimizerSpec spec) {
        this.spec = spec;
        this.schedule = LearningRateSchedule.of(spec.learningRate());
        this.rule = UpdateRules.of(spec);
        this.options = spec.options();
    }

    public OptimizerSpec spec() {
        return spec;
    }

    public int slotCount() {
        return rule.slotCount();
    }

    public float slotInitialValue(int slot) {
        return rule.slotInitialValue(slot);
    }

    public int scalarCount() {
        return rule.scalarCount();
    }

    public void initScalars(double[] scalars) {
        rule.initScalars(scalars);
    }

    /** Learning rate of the step taken at counter value {@code iterations}. */
    public double learningRate(long iterations) {
        return schedule.rate(iterations);
    }

    /**
     * Applies one update to every trainable variable ({@code grads[v] != null}).
     *
     * @param grads gradients, clipped in place
     * @param globalNorm L2 norm over all trainable gradients (for globalClipnorm)
     * @param iterations the counter before this step; the caller increments it afterwards
     * @return the learning rate used
     */
    public double apply(float[][] weights, float[][] grads, float[][][] slots, double[] scalars, long iterations,
                        double globalNorm) {
        return apply(weights, grads, slots, scalars, iterations, globalNorm, null);
    }

    /**
     * As above; a variable with {@code sparse[v] != null} (a sparse embedding, our extension) is
     * clipped, decayed and updated on those rows only, and its other rows and their slots keep
     * their bits. Its gradient is read on those rows only; {@code globalNorm} must count them.
     */
    public double apply(float[][] weights, float[][] grads, float[][][] slots, double[] scalars, long iterations,
                        double globalNorm, TouchedRows[] sparse) {
        double lr = begin(weights, grads, scalars, iterations, globalNorm, sparse);
        update(weights, grads, slots, sparse);
        return lr;
    }

    /**
     * First half of {@link #apply}: learning rate, clipping, weight decay and the rule's per-step
     * constants; returns the learning rate. {@link #update} then writes the weights and slots.
     */
    public double begin(float[][] weights, float[][] grads, double[] scalars, long iterations, double globalNorm,
                        TouchedRows[] sparse) {
        double lr = schedule.rate(iterations);
        clip(grads, globalNorm, sparse);
        if (options.weightDecay() != null) {
            double decay = options.weightDecay() * lr;
            for (int v = 0; v < weights.length; v++) {
                if (grads[v] != null) {
                    float[] w = weights[v];
                    TouchedRows rows = rowsOf(sparse, v);
                    for (int r = 0, n = rangeCount(rows); r < n; r++) {
                        for (int i = from(rows, r), end = to(rows, r, w); i < end; i++) {
                            w[i] = (float) (w[i] - w[i] * decay);
                        }
                    }
                }
            }
        }
        rule.prepare(iterations, lr, scalars);
        return lr;
    }

    /** Second half of {@link #apply}: the rule's update of every trainable variable. */
    public void update(float[][] weights, float[][] grads, float[][][] slots, TouchedRows[] sparse) {
        for (int v = 0; v < weights.length; v++) {
            if (grads[v] != null) {
                TouchedRows rows = rowsOf(sparse, v);
                for (int r = 0, n = rangeCount(rows); r < n; r++) {
                    rule.update(weights[v], grads[v], slots[v], from(rows, r), to(rows, r, weights[v]));
                }
            }
        }
    }

    /**
     * True when, after {@link #begin}, {@link #updateStaysFinite} can tell whether a dense
     * {@link #update} would leave the weights and slots finite: the rule predicts it and weight
     * decay, which writes the weights in {@code begin}, is off.
     */
    public boolean predictsFinite() {
        return rule.predictsFinite() && options.weightDecay() == null;
    }

    /** Whether a dense {@link #update} would leave every weight and slot it writes finite; reads only. */
    public boolean updateStaysFinite(float[][] weights, float[][] grads, float[][][] slots) {
        for (int v = 0; v < weights.length; v++) {
            if (grads[v] != null && !rule.staysFinite(weights[v], grads[v], slots[v], 0, weights[v].length)) {
                return false;
            }
        }
        return true;
    }

    // A dense variable is one range, the whole array; a sparse one a range per touched row.
    private static TouchedRows rowsOf(TouchedRows[] sparse, int v) {
        return sparse == null ? null : sparse[v];
    }

    private static int rangeCount(TouchedRows rows) {
        return rows == null ? 1 : rows.count();
    }

    private static int from(TouchedRows rows, int r) {
        return rows == null ? 0 : rows.row(r) * rows.rowWidth();
    }

    private static int to(TouchedRows rows, int r, float[] w) {
        return rows == null ? w.length : (rows.row(r) + 1) * rows.rowWidth();
    }

    private void clip(float[][] grads, double globalNorm, TouchedRows[] sparse) {
        if (options.clipnorm() != null) {
            double c = options.clipnorm();
            for (int v = 0; v < grads.length; v++) {
                if (grads[v] != null) {
                    TouchedRows rows = rowsOf(sparse, v);
                    scale(grads[v], c / Math.max(norm(grads[v], rows), c), rows);
                }
            }
        } else if (options.globalClipnorm() != null) {
            double c = options.globalClipnorm();
            double factor = c / Math.max(globalNorm, c);
            for (int v = 0; v < grads.length; v++) {
                if (grads[v] != null) {
                    scale(grads[v], factor, rowsOf(sparse, v));
                }
            }
        } else if (options.clipvalue() != null) {
            float c = options.clipvalue().floatValue();
            for (int v = 0; v < grads.length; v++) {
                float[] g = grads[v];
                if (g != null) {
                    TouchedRows rows = rowsOf(sparse, v);
                    for (int r = 0, n = rangeCount(rows); r < n; r++) {
                        for (int i = from(rows, r), end = to(rows, r, g); i < end; i++) {
                            g[i] = Math.max(-c, Math.min(c, g[i]));
                        }
                    }
                }
            }
        }
    }

    private static void scale(float[] g, double factor, TouchedRows rows) {
        if (factor == 1.0) {
            return;
        }
        for (int r = 0, n = rangeCount(rows); r < n; r++) {
            for (int i = from(rows, r), end = to(rows, r, g); i < end; i++) {
                g[i] = (float) (g[i] * factor);
            }
        }
    }

    /**
     * Sum of squares of the touched rows of {@code g}, in the accumulation order of the portable and
     * vector kernels' {@code sumSquares} (eight interleaved accumulators by index, the tail past the
     * last multiple of eight in the first, combined pairwise): the zeros of the other rows add
     * nothing, so this is bit for bit the dense value of a gradient that is zero outside the rows.
     */
    public static double sumSquares(float[] g, TouchedRows rows) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int bulk = g.length & ~7;
        for (int r = 0; r < rows.count(); r++) {
            for (int i = rows.row(r) * rows.rowWidth(), end = i + rows.rowWidth(); i < end; i++) {
                double x = g[i];
                double sq = x * x;
                switch (i < bulk ? i & 7 : 0) {
                    case 0 -> s0 += sq;
                    case 1 -> s1 += sq;
                    case 2 -> s2 += sq;
                    case 3 -> s3 += sq;
                    case 4 -> s4 += sq;
                    case 5 -> s5 += sq;
                    case 6 -> s6 += sq;
                    default -> s7 += sq;
                }
            }
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** {@link #norm(float[])} of a gradient that is zero outside {@code rows} (all rows when null). */
    private static double norm(float[] g, TouchedRows rows) {
        if (rows == null) {
            return norm(g);
        }
        double s = 0;
        for (int r = 0; r < rows.count(); r++) {
            for (int i = rows.row(r) * rows.rowWidth(), end = i + rows.rowWidth(); i < end; i++) {
                s += (double) g[i] * g[i];
            }
        }
        return Math.sqrt(s);
    }

    /** L2 norm of one array, accumulated in double. */
    public static double norm(float[] g) {
        double s = 0;
        for (float x : g) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
