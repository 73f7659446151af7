package io.streamgrad.model.kernel;

/**
 * Plain Java, no JVM flags: loops in "axpy" form whose innermost loop runs over contiguous
 * memory so C2's superword pass vectorizes it, with k-blocking so a block of B stays in cache
 * while every row of A passes over it, and {@code A·Bᵀ} done as a transpose into scratch
 * followed by the axpy product (a scalar dot product does not vectorize). Summation over k is
 * sequential per output element, the same order as the plain loops.
 */
final class PortableKernels implements FloatKernels {
    /** Rows of B per cache block: KC·n floats should sit in L2. */
    private static final int KC = 128;

    @Override
    public String name() {
        return "portable";
    }

    @Override
    public void denseForward(int m, int n, int k, float[] a, float[] b, float[] bias, boolean relu, float[] c) {
        FloatKernels.seedWithBias(m, n, bias, c);
        gemmNN(m, n, k, a, b, c);
        if (relu) {
            relu(c, m * n);
        }
    }

    static void relu(float[] c, int len) {
        for (int i = 0; i < len; i++) {
            if (!(c[i] > 0f)) {
                c[i] = c[i] != c[i] ? c[i] : 0f; // keep NaN visible to the guard
            }
        }
    }

    @Override
    public void gemmNN(int m, int n, int k, float[] a, float[] b, float[] c) {
        for (int p0 = 0; p0 < k; p0 += KC) {
            int p1 = Math.min(k, p0 + KC);
            for (int i = 0; i < m; i++) {
                int ci = i * n;
                int ai = i * k;
                for (int p = p0; p < p1; p++) {
                    float aip = a[ai + p];
                    if (aip == 0f) {
                        continue;
                    }
                    axpy(aip, b, p * n, c, ci, n);
                }
            }
        }
    }

    private static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int j = 0; j < n; j++) {
            y[yo + j] += alpha * x[xo + j];
        }
    }

    @Override
    public void gemmTN(int m, int n, int k, float[] a, float[] b, float[] c) {
        java.util.Arrays.fill(c, 0, m * n, 0f);
        for (int p = 0; p < k; p++) {
            int ap = p * m;
            int bp = p * n;
            for (int i = 0; i < m; i++) {
                float api = a[ap + i];
                if (api == 0f) {
                    continue;
                }
                axpy(api, b, bp, c, i * n, n);
            }
        }
    }

    @Override
    public int ntScratchSize(int m, int n, int k) {
        return n * k;
    }

    @Override
    public void gemmNT(int m, int n, int k, float[] a, float[] b, float[] c, float[] scratch) {
        transpose(n, k, b, scratch);
        java.util.Arrays.fill(c, 0, m * n, 0f);
        gemmNN(m, n, k, a, scratch, c);
    }

    /** {@code dst[cols×rows] = src[rows×cols]ᵀ}, in tiles. */
    static void transpose(int rows, int cols, float[] src, float[] dst) {
        final int t = 16;
        for (int r0 = 0; r0 < rows; r0 += t) {
            int r1 = Math.min(rows, r0 + t);
            for (int c0 = 0; c0 < cols; c0 += t) {
                int c1 = Math.min(cols, c0 + t);
                for (int r = r0; r < r1; r++) {
                    int so = r * cols;
                    for (int cc = c0; cc < c1; cc++) {
                        dst[cc * rows + r] = src[so + cc];
                    }
                }
            }
        }
    }

    @Override
    public double sumSquares(float[] g) {
        return sumSquares8(g);
    }

    /** Eight interleaved double accumulators (fixed order), combined pairwise. */
    static double sumSquares8(float[] g) {
        return sumSquares8(g, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * {@link #sumSquares8(float[])} continued from element {@code i} with accumulator {@code s_j}
     * holding the elements {@code ≡ j (mod 8)} before {@code i} (a vector prefix hands over here).
     */
    static double sumSquares8(float[] g, int i, double s0, double s1, double s2, double s3, double s4, double s5,
                              double s6, double s7) {
        int n = g.length;
        for (; i + 8 <= n; i += 8) {
            double x0 = g[i], x1 = g[i + 1], x2 = g[i + 2], x3 = g[i + 3];
            double x4 = g[i + 4], x5 = g[i + 5], x6 = g[i + 6], x7 = g[i + 7];
            s0 += x0 * x0;
            s1 += x1 * x1;
            s2 += x2 * x2;
            s3 += x3 * x3;
            s4 += x4 * x4;
            s5 += x5 * x5;
            s6 += x6 * x6;
            s7 += x7 * x7;
        }
        for (; i < n; i++) {
            double x = g[i];
            s0 += x * x;
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
