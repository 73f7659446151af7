package io.streamgrad.model.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels (needs {@code --add-modules jdk.incubator.vector}; loaded only through
 * {@link KernelProvider}). GEMM keeps tiles of C in registers while k runs sequentially, each
 * step one FMA per accumulator from a broadcast A element and a B row slice: from 4 rows and 8
 * terms GEMMs go through {@link PackedGemm} (packed B blocks, 6×4- and 4×4-vector tiles), below
 * that each row streams B in place. Every C element is thus {@code init + Σ_p a·b} accumulated
 * with FMA in p order, whatever path or tile it falls in, so results do not depend on the tiling.
 * {@code xᵀ·dz} reads A by column; {@code dz·Wᵀ} reads W by column while packing (1-3 rows:
 * vector dot products; a transposed copy of W in scratch for the remaining small shapes).
 * The BatchNormalization passes and the sum of squares widen to double in {@link VectorStatistics}
 * with the same bits as the scalar defaults. Never use a second float species (e.g. a half-width
 * one for the widening): on JDK 17 mixing Float256/Float512 vectors in one JVM defeated the
 * intrinsics of the GEMM tiles (they fell back to allocating Java code, 100 MB per W2 step).
 */
final class VectorKernels implements FloatKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * GEMMs with at least this many rows of C and this many terms per sum go through
     * {@link PackedGemm}; below, packing costs more than it saves (and the outer product of a
     * batch of 1, k = 1, keeps to the small row tiles, compiled early).
     */
    private static final int PACKED_ROWS = 4;
    private static final int PACKED_DEPTH = 8;
    /** The double passes go through {@link VectorStatistics} when the vector shape allows. */
    private static final boolean STATISTICS = VectorStatistics.supported();

    @Override
    public String name() {
        return "vector" + (L * 32);
    }

    @Override
    public void denseForward(int m, int n, int k, float[] a, float[] b, float[] bias, boolean relu, float[] c) {
        gemm(m, n, k, a, k, 1, b, c, bias, false, relu);
    }

    @Override
    public void gemmNN(int m, int n, int k, float[] a, float[] b, float[] c) {
        gemm(m, n, k, a, k, 1, b, c, null, true, false);
    }

    @Override
    public void gemmTN(int m, int n, int k, float[] a, float[] b, float[] c) {
        gemm(m, n, k, a, 1, m, b, c, null, false, false);
    }

    @Override
    public int ntScratchSize(int m, int n, int k) {
        return packed(m, k) || useDots(m, k) ? 0 : n * k;
    }

    private static boolean packed(int m, int k) {
        return m >= PACKED_ROWS && k >= PACKED_DEPTH;
    }

    private static boolean useDots(int m, int k) {
        return m < 4 && k >= L;
    }

    @Override
    public void gemmNT(int m, int n, int k, float[] a, float[] b, float[] c, float[] scratch) {
        if (packed(m, k)) {
            java.util.Arrays.fill(c, 0, m * n, 0f);
            PackedGemm.multiply(m, n, k, a, k, 1, b, 1, k, c);
            return;
        }
        if (useDots(m, k)) {
            dotsNT(m, n, k, a, b, c);
            return;
        }
        PortableKernels.transpose(n, k, b, scratch);
        gemm(m, n, k, a, k, 1, scratch, c, null, false, false);
    }

    /** {@code C = A·Bᵀ} as row-by-row dot products: lane partial sums, then a lane reduction. */
    private static void dotsNT(int m, int n, int k, float[] a, float[] b, float[] c) {
        int kv = S.loopBound(k);
        for (int i = 0; i < m; i++) {
            int ai = i * k;
            for (int j = 0; j < n; j++) {
                int bj = j * k;
                FloatVector acc = FloatVector.zero(S);
                for (int p = 0; p < kv; p += L) {
                    acc = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), acc);
                }
                float s = acc.reduceLanes(VectorOperators.ADD);
                for (int p = kv; p < k; p++) {
                    s = Math.fma(a[ai + p], b[bj + p], s);
                }
                c[i * n + j] = s;
            }
        }
    }

    /**
     * {@code C[m×n] = init + A·B} where {@code A(i,p) = a[i·ars + p·acs]}; init is C itself
     * ({@code accumulate}), else the bias row or zero written into C first; relu as a last pass.
     */
    private static void gemm(int m, int n, int k, float[] a, int ars, int acs, float[] b, float[] c,
                             float[] bias, boolean accumulate, boolean relu) {
        if (!accumulate) {
            FloatKernels.seedWithBias(m, n, bias, c);
        }
        if (packed(m, k)) {
            PackedGemm.multiply(m, n, k, a, ars, acs, b, n, 1, c);
        } else {
            fewRows(m, n, k, a, ars, acs, b, c);
        }
        if (relu) {
            relu(c, m * n);
        }
    }

    /**
     * Few rows or terms (online learning at batch 1): B is streamed in place, each row one tile of
     * 2 or 1 vectors wide; the tiles are branch-free (vector values merged at control-flow joins
     * may be boxed).
     */
    private static void fewRows(int m, int n, int k, float[] a, int ars, int acs, float[] b, float[] c) {
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            for (int i = 0; i < m; i++) {
                tile1x2(k, a, i * ars, acs, b, j, n, c, i * n + j);
            }
        }
        for (; j + L <= n; j += L) {
            for (int i = 0; i < m; i++) {
                tile1x1(k, a, i * ars, acs, b, j, n, c, i * n + j);
            }
        }
        if (j < n) {
            columnTail(m, n, k, j, a, ars, acs, b, c);
        }
    }

    /** In-place relu; NaN stays NaN (MAX follows Math.max). */
    private static void relu(float[] c, int len) {
        int nv = S.loopBound(len);
        int i = 0;
        for (; i < nv; i += L) {
            FloatVector.fromArray(S, c, i).max(0f).intoArray(c, i);
        }
        for (; i < len; i++) {
            c[i] = Math.max(c[i], 0f);
        }
    }

    /** Per-thread scratch of the column tail: a zero-padded B panel {@code [k×L]} and one C row. */
    private static final ThreadLocal<float[][]> TAIL = ThreadLocal.withInitial(() -> new float[][] {
            new float[0], new float[L]});

    /**
     * Columns {@code j0..n-1} (fewer than one vector): the B columns are copied into a padded
     * panel and each C row into padded scratch, so the same unmasked tile runs (masked loads are
     * not intrinsified on JDK 17 and would allocate); only the valid lanes are copied back.
     */
    private static void columnTail(int m, int n, int k, int j0, float[] a, int ars, int acs, float[] b, float[] c) {
        if (m < 4) {
            scalarTail(m, n, k, j0, a, ars, acs, b, c);
            return;
        }
        int w = n - j0;
        float[][] scratch = TAIL.get();
        float[] panel = scratch[0];
        if (panel.length < k * L) {
            panel = new float[k * L];
            scratch[0] = panel;
        }
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, p * n + j0, panel, p * L, w);
            // lanes w..L-1 may hold stale values: they only reach C lanes that are discarded
        }
        float[] t = scratch[1];
        for (int i = 0; i < m; i++) {
            System.arraycopy(c, i * n + j0, t, 0, w);
            tile1x1(k, a, i * ars, acs, panel, 0, L, t, 0);
            System.arraycopy(t, 0, c, i * n + j0, w);
        }
    }

    /**
     * The column tail of one to three rows (scoring one event, a batch-1 step): scalar FMA chains in
     * {@code p} order, the same operations per element as a vector lane, so the same bits, without
     * copying a {@code k×L} panel per call (for a 1-unit output layer that copy cost more than the layer).
     */
    private static void scalarTail(int m, int n, int k, int j0, float[] a, int ars, int acs, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            int row = i * n;
            for (int j = j0; j < n; j++) {
                float s = c[row + j];
                int pa = i * ars;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[pa], b[p * n + j], s);
                    pa += acs;
                }
                c[row + j] = s;
            }
        }
    }

    private static void tile1x2(int k, float[] a, int pa, int acs, float[] b, int pb, int n, float[] c, int c0) {
        FloatVector r00 = FloatVector.fromArray(S, c, c0);
        FloatVector r01 = FloatVector.fromArray(S, c, c0 + L);
        for (int p = 0; p < k; p++) {
            FloatVector x = FloatVector.broadcast(S, a[pa]);
            r00 = x.fma(FloatVector.fromArray(S, b, pb), r00);
            r01 = x.fma(FloatVector.fromArray(S, b, pb + L), r01);
            pa += acs;
            pb += n;
        }
        r00.intoArray(c, c0);
        r01.intoArray(c, c0 + L);
    }

    private static void tile1x1(int k, float[] a, int pa, int acs, float[] b, int pb, int n, float[] c, int c0) {
        FloatVector r0 = FloatVector.fromArray(S, c, c0);
        for (int p = 0; p < k; p++) {
            r0 = FloatVector.broadcast(S, a[pa]).fma(FloatVector.fromArray(S, b, pb), r0);
            pa += acs;
            pb += n;
        }
        r0.intoArray(c, c0);
    }

    @Override
    public boolean hasAdam() {
        return true;
    }

    @Override
    public void adam(float[] w, float[] g, float[] m, float[] v, int from, int to, float oneMinusBeta1,
                     float oneMinusBeta2, float alpha, float epsilon) {
        int n = to;
        int nv = from + S.loopBound(to - from);
        FloatVector b1 = FloatVector.broadcast(S, oneMinusBeta1);
        FloatVector b2 = FloatVector.broadcast(S, oneMinusBeta2);
        int i = from;
        for (; i < nv; i += L) {
            FloatVector gi = FloatVector.fromArray(S, g, i);
            FloatVector mi = FloatVector.fromArray(S, m, i);
            FloatVector vi = FloatVector.fromArray(S, v, i);
            mi = gi.sub(mi).fma(b1, mi);
            vi = gi.mul(gi).sub(vi).fma(b2, vi);
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector wi = FloatVector.fromArray(S, w, i);
            wi = wi.sub(mi.mul(alpha).div(vi.sqrt().add(epsilon)));
            wi.intoArray(w, i);
        }
        for (; i < n; i++) {
            float gi = g[i];
            float mi = Math.fma(gi - m[i], oneMinusBeta1, m[i]);
            float vi = Math.fma(gi * gi - v[i], oneMinusBeta2, v[i]);
            m[i] = mi;
            v[i] = vi;
            w[i] = w[i] - mi * alpha / ((float) Math.sqrt(vi) + epsilon);
        }
    }

    /** The arithmetic of {@link #adam}, element for element; {@code x − x} is NaN exactly for a non-finite x. */
    @Override
    public boolean adamStaysFinite(float[] w, float[] g, float[] m, float[] v, int from, int to,
                                   float oneMinusBeta1, float oneMinusBeta2, float alpha, float epsilon) {
        int nv = from + S.loopBound(to - from);
        FloatVector b1 = FloatVector.broadcast(S, oneMinusBeta1);
        FloatVector b2 = FloatVector.broadcast(S, oneMinusBeta2);
        FloatVector nonFinite = FloatVector.zero(S);
        int i = from;
        for (; i < nv; i += L) {
            FloatVector gi = FloatVector.fromArray(S, g, i);
            FloatVector mi = FloatVector.fromArray(S, m, i);
            FloatVector vi = FloatVector.fromArray(S, v, i);
            mi = gi.sub(mi).fma(b1, mi);
            vi = gi.mul(gi).sub(vi).fma(b2, vi);
            FloatVector wi = FloatVector.fromArray(S, w, i);
            wi = wi.sub(mi.mul(alpha).div(vi.sqrt().add(epsilon)));
            nonFinite = nonFinite.add(mi.sub(mi)).add(vi.sub(vi)).add(wi.sub(wi));
        }
        float sum = nonFinite.reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            float gi = g[i];
            float mi = Math.fma(gi - m[i], oneMinusBeta1, m[i]);
            float vi = Math.fma(gi * gi - v[i], oneMinusBeta2, v[i]);
            float wi = w[i] - mi * alpha / ((float) Math.sqrt(vi) + epsilon);
            sum += (mi - mi) + (vi - vi) + (wi - wi);
        }
        return sum == 0f;
    }

    @Override
    public void reluBackward(float[] out, float[] grad, int n) {
        int nv = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (; i < nv; i += L) {
            VectorMask<Float> positive = FloatVector.fromArray(S, out, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, grad, i), positive).intoArray(grad, i);
        }
        for (; i < n; i++) {
            grad[i] = out[i] > 0f ? grad[i] : 0f;
        }
    }

    /** {@code x − x} is 0 for a finite x and NaN for ±Inf/NaN; NaN sticks in the lane sums. */
    @Override
    public boolean allFinite(float[] a) {
        int n = a.length;
        int nv = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < nv; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            acc = acc.add(x.sub(x));
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[i] - a[i];
        }
        return s == 0f;
    }

    @Override
    public double sumSquares(float[] g) {
        return VectorStatistics.sumSquares(g);
    }

    // BatchNormalization passes: bit-identical to the scalar defaults (see VectorStatistics)

    @Override
    public void columnSums(float[] x, int rows, int cols, double[] acc) {
        if (STATISTICS) {
            VectorStatistics.columnSums(x, rows, cols, acc);
        } else {
            FloatKernels.super.columnSums(x, rows, cols, acc);
        }
    }

    @Override
    public void columnSquaredDeviations(float[] x, int rows, int cols, double[] mean, double[] acc) {
        if (STATISTICS) {
            VectorStatistics.columnSquaredDeviations(x, rows, cols, mean, acc);
        } else {
            FloatKernels.super.columnSquaredDeviations(x, rows, cols, mean, acc);
        }
    }

    @Override
    public void normalize(float[] x, int rows, int cols, double[] mean, double[] invStd, double[] scale,
                          double[] shift, float[] xhat, float[] out) {
        if (STATISTICS) {
            VectorStatistics.normalize(x, rows, cols, mean, invStd, scale, shift, xhat, out);
        } else {
            FloatKernels.super.normalize(x, rows, cols, mean, invStd, scale, shift, xhat, out);
        }
    }

    @Override
    public void columnSumsAndDots(float[] dy, float[] xhat, int rows, int cols, double[] sumDy,
                                  double[] sumDyXhat) {
        if (STATISTICS) {
            VectorStatistics.columnSumsAndDots(dy, xhat, rows, cols, sumDy, sumDyXhat);
        } else {
            FloatKernels.super.columnSumsAndDots(dy, xhat, rows, cols, sumDy, sumDyXhat);
        }
    }

    @Override
    public void normalizeBackward(float[] dy, float[] xhat, int rows, int cols, double[] coef, double[] sumDy,
                                  double[] sumDyXhat, float[] dx) {
        if (STATISTICS) {
            VectorStatistics.normalizeBackward(dy, xhat, rows, cols, coef, sumDy, sumDyXhat, dx);
        } else {
            FloatKernels.super.normalizeBackward(dy, xhat, rows, cols, coef, sumDy, sumDyXhat, dx);
        }
    }
}
