package io.streamgrad.model.train;

import io.streamgrad.model.kernel.FloatKernels;
import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.model.optim.Optimizer;
import io.streamgrad.model.optim.TouchedRows;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.Variable;
import io.streamgrad.model.state.VariableLayout;

/**
 * Makes an optimizer update all-or-nothing with respect to finiteness. A finite loss and finite
 * gradients can still produce a non-finite update (a huge learning rate, a diverging model whose
 * weights approach the float32 range): before the update this guard keeps a copy of what the
 * optimizer mutates (trainable weights, slots, scalars); after it, one read-only pass checks the
 * result, and a non-finite result is rolled back so the last finite model survives.
 * Buffers are allocated once per trainer: the guard allocates nothing per step. For a sparse
 * embedding only the rows the update touches are saved, checked and restored (the others do not
 * change), so the guard costs O(batch x dim) there too. A dense update whose rule can tell
 * beforehand whether it stays finite (Adam on the vector kernels) skips the copy: one read-only
 * pass predicts the result, and the update runs only if it is finite (on a small model that
 * sits in cache this costs a little more than the copy, on a large one much less).
 */
final class UpdateGuard {
    private static final FloatKernels KERNELS = KernelProvider.get();

    private final float[][] weights;
    private final float[][][] slots;
    private final double[] scalars;
    /** Whether a predictable update is checked before it writes (always, but for tests of the other way). */
    private final boolean predict;

    UpdateGuard(VariableLayout layout, int slotCount, int scalarCount) {
        this(layout, slotCount, scalarCount, true);
    }

    UpdateGuard(VariableLayout layout, int slotCount, int scalarCount, boolean predict) {
        weights = new float[layout.size()][];
        slots = new float[layout.size()][][];
        for (int v = 0; v < layout.size(); v++) {
            Variable var = layout.get(v);
            weights[v] = var.trainable() ? new float[var.size()] : null;
            slots[v] = new float[var.trainable() ? slotCount : 0][var.size()];
        }
        scalars = new double[scalarCount];
        this.predict = predict;
    }

    /**
     * The optimizer's update, all or nothing: returns the learning rate, or NaN when the update
     * would make a weight, slot or scalar non-finite (the state then keeps its bits; gradients may
     * have been clipped in place). A dense update whose rule can predict finiteness is checked
     * before it writes (no copy); any other is saved, applied, checked and rolled back if needed.
     * Both ways give the same bits.
     */
    double apply(Optimizer optimizer, ModelState state, float[][] grads, double gradientNorm, TouchedRows[] sparse) {
        float[][] w = state.weights();
        if (predict && sparse == null && optimizer.predictsFinite()) {
            double lr = optimizer.begin(w, grads, state.scalars(), state.iterations(), gradientNorm, null);
            if (!optimizer.updateStaysFinite(w, grads, state.slots())) {
                return Double.NaN;
            }
            optimizer.update(w, grads, state.slots(), null);
            return lr;
        }
        save(state, sparse);
        double lr = optimizer.apply(w, grads, state.slots(), state.scalars(), state.iterations(), gradientNorm,
                sparse);
        if (!finite(state, sparse)) {
            restore(state, sparse); // the update itself overflowed: keep the last finite model
            return Double.NaN;
        }
        return lr;
    }

    /** @param sparse per variable the rows a sparse update touches, or null (everything) */
    void save(ModelState state, TouchedRows[] sparse) {
        copy(state.weights(), state.slots(), state.scalars(), weights, slots, scalars, sparse);
    }

    void restore(ModelState state, TouchedRows[] sparse) {
        copy(weights, slots, scalars, state.weights(), state.slots(), state.scalars(), sparse);
    }

    /** True when every trainable weight, slot and scalar (of a sparse variable: in its touched rows) is finite. */
    boolean finite(ModelState state, TouchedRows[] sparse) {
        float[][] w = state.weights();
        for (int v = 0; v < w.length; v++) {
            TouchedRows rows = sparse == null ? null : sparse[v];
            if (rows != null) {
                if (!finiteRows(w[v], rows)) {
                    return false;
                }
                for (float[] s : state.slots()[v]) {
                    if (!finiteRows(s, rows)) {
                        return false;
                    }
                }
                continue;
            }
            if (weights[v] != null && !KERNELS.allFinite(w[v])) {
                return false;
            }
            for (float[] s : state.slots()[v]) {
                if (!KERNELS.allFinite(s)) {
                    return false;
                }
            }
        }
        for (double d : state.scalars()) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }

    private static boolean finiteRows(float[] a, TouchedRows rows) {
        for (int k = 0; k < rows.count(); k++) {
            for (int i = rows.row(k) * rows.rowWidth(), end = i + rows.rowWidth(); i < end; i++) {
                if (!Float.isFinite(a[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void copyRows(float[] from, float[] to, TouchedRows rows) {
        for (int k = 0; k < rows.count(); k++) {
            int o = rows.row(k) * rows.rowWidth();
            System.arraycopy(from, o, to, o, rows.rowWidth());
        }
    }

    private static void copy(float[][] fromW, float[][][] fromS, double[] fromScalars, float[][] toW,
                             float[][][] toS, double[] toScalars, TouchedRows[] sparse) {
        for (int v = 0; v < toW.length; v++) {
            TouchedRows rows = sparse == null ? null : sparse[v];
            if (rows != null) {
                copyRows(fromW[v], toW[v], rows);
                for (int k = 0; k < toS[v].length; k++) {
                    copyRows(fromS[v][k], toS[v][k], rows);
                }
                continue;
            }
            float[] src = fromW[v];
            float[] dst = toW[v];
            if (src != null && dst != null) {
                System.arraycopy(src, 0, dst, 0, dst.length);
            }
            for (int k = 0; k < toS[v].length; k++) {
                System.arraycopy(fromS[v][k], 0, toS[v][k], 0, toS[v][k].length);
            }
        }
        System.arraycopy(fromScalars, 0, toScalars, 0, toScalars.length);
    }
}
