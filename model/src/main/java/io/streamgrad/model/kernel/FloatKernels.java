package io.streamgrad.model.kernel;

/**
 * Float32 kernels of the training hot paths, row-major storage. Every implementation keeps a
 * fixed summation order for given shapes, so results are deterministic per implementation;
 * implementations may differ from each other in the last bits (FMA vs separate rounding, lane
 * order), always well inside the conformance tolerances ({@code docs/semantics.md} §9).
 * Implementations are stateless and thread-safe; scratch space is passed in by the caller.
 * None allocates.
 */
public interface FloatKernels {

    /** Short name reported by benchmarks: {@code plain}, {@code portable} or {@code vector}. */
    String name();

    /**
     * Dense forward {@code C[m×n] = act(bias + A[m×k]·B[k×n])}, bias a row of {@code n} (or
     * null for none), act = relu (NaN kept) when {@code relu}, else identity.
     */
    void denseForward(int m, int n, int k, float[] a, float[] b, float[] bias, boolean relu, float[] c);

    /** {@code C[m×n] += A[m×k] · B[k×n]}. */
    void gemmNN(int m, int n, int k, float[] a, float[] b, float[] c);

    /** {@code C[m×n] = Aᵀ · B} with {@code A[k×m]}, {@code B[k×n]}. */
    void gemmTN(int m, int n, int k, float[] a, float[] b, float[] c);

    /**
     * {@code C[m×n] = A · Bᵀ} with {@code A[m×k]}, {@code B[n×k]}; {@code scratch} holds at least
     * {@code n·k} floats (see {@link #ntScratchSize}) or may be null when that is 0.
     */
    void gemmNT(int m, int n, int k, float[] a, float[] b, float[] c, float[] scratch);

    /** Scratch floats {@link #gemmNT} needs for these shapes (0 = none). */
    default int ntScratchSize(int m, int n, int k) {
        return 0;
    }

    /**
     * True when {@link #adam} is implemented in float32 vector form; otherwise callers keep their
     * own (double-precision) loop.
     */
    default boolean hasAdam() {
        return false;
    }

    /**
     * Keras Adam element update without amsgrad: {@code m += (g−m)(1−β1); v += (g²−v)(1−β2);
     * w −= alpha·m/(√v+ε)}, in float32.
     */
    default void adam(float[] w, float[] g, float[] m, float[] v, float oneMinusBeta1, float oneMinusBeta2,
                      float alpha, float epsilon) {
        adam(w, g, m, v, 0, w.length, oneMinusBeta1, oneMinusBeta2, alpha, epsilon);
    }

    /**
     * {@link #adam} on the elements {@code [from, to)} only (a sparse embedding update); each
     * element gets the same bits as in a whole-array call.
     */
    default void adam(float[] w, float[] g, float[] m, float[] v, int from, int to, float oneMinusBeta1,
                      float oneMinusBeta2, float alpha, float epsilon) {
        throw new UnsupportedOperationException(name() + " has no adam kernel");
    }

    /**
     * True when {@link #adam} on {@code [from, to)} would leave every element of w, m and v finite;
     * reads only (a check before the update costs less than a copy for rolling it back).
     */
    default boolean adamStaysFinite(float[] w, float[] g, float[] m, float[] v, int from, int to,
                                    float oneMinusBeta1, float oneMinusBeta2, float alpha, float epsilon) {
        throw new UnsupportedOperationException(name() + " has no adam kernel");
    }

    /**
     * Relu backward from the relu output: {@code grad[i] = out[i] > 0 ? grad[i] : 0} for
     * {@code i < n} (NaN outputs zero the gradient, like the comparison). Exact: every
     * implementation gives the same bits.
     */
    default void reluBackward(float[] out, float[] grad, int n) {
        for (int i = 0; i < n; i++) {
            grad[i] = out[i] > 0f ? grad[i] : 0f;
        }
    }

    // ---- BatchNormalization over the last axis, rows [rows][cols]; reductions in double.
    // Each element is computed with the same double operations in the same order per feature
    // (rows in order), so every implementation gives the same bits.

    /** {@code acc[j] += Σ_r x[r·cols + j]} (rows in order), in double. */
    default void columnSums(float[] x, int rows, int cols, double[] acc) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) {
                acc[j] += x[o + j];
            }
        }
    }

    /** {@code acc[j] += Σ_r (x[r][j] − mean[j])²} (rows in order), in double. */
    default void columnSquaredDeviations(float[] x, int rows, int cols, double[] mean, double[] acc) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) {
                double d = x[o + j] - mean[j];
                acc[j] += d * d;
            }
        }
    }

    /**
     * {@code xh = (x − mean[j])·invStd[j]} in double; {@code xhat = (float) xh} (skipped when
     * {@code xhat} is null) and {@code out = (float) (xh·scale[j] + shift[j])}.
     */
    default void normalize(float[] x, int rows, int cols, double[] mean, double[] invStd, double[] scale,
                           double[] shift, float[] xhat, float[] out) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) {
                double xh = (x[o + j] - mean[j]) * invStd[j];
                if (xhat != null) {
                    xhat[o + j] = (float) xh;
                }
                out[o + j] = (float) (xh * scale[j] + shift[j]);
            }
        }
    }

    /** {@code sumDy[j] += Σ_r dy[r][j]} and {@code sumDyXhat[j] += Σ_r dy[r][j]·xhat[r][j]}, in double. */
    default void columnSumsAndDots(float[] dy, float[] xhat, int rows, int cols, double[] sumDy,
                                   double[] sumDyXhat) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) {
                sumDy[j] += dy[o + j];
                sumDyXhat[j] += (double) dy[o + j] * xhat[o + j];
            }
        }
    }

    /**
     * BatchNormalization input gradient {@code dx = (float) (coef[j]·((rows·dy − sumDy[j]) −
     * xhat·sumDyXhat[j]))}, in double, with {@code coef[j] = γ_j·invStd_j/rows}.
     */
    default void normalizeBackward(float[] dy, float[] xhat, int rows, int cols, double[] coef, double[] sumDy,
                                   double[] sumDyXhat, float[] dx) {
        double b = rows;
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) {
                dx[o + j] = (float) (coef[j] * (b * dy[o + j] - sumDy[j] - xhat[o + j] * sumDyXhat[j]));
            }
        }
    }

    /**
     * True when every element of {@code a} is finite. Branch-free: a float is non-finite iff its
     * exponent bits are all ones, and adding one exponent unit to exactly that pattern carries
     * into the sign bit.
     */
    default boolean allFinite(float[] a) {
        int carry = 0;
        for (float x : a) {
            carry |= (Float.floatToRawIntBits(x) & 0x7f800000) + 0x00800000;
        }
        return carry >= 0;
    }

    /** {@code Σ g[i]²} accumulated in double. */
    double sumSquares(float[] g);

    /**
     * Seeds the {@code [m][n]} output of a Dense forward pass: every row a copy of {@code bias},
     * or zeros without bias, so the product can be accumulated onto it.
     */
    static void seedWithBias(int m, int n, float[] bias, float[] c) {
        if (bias != null) {
            for (int r = 0; r < m; r++) {
                System.arraycopy(bias, 0, c, r * n, n);
            }
        } else {
            java.util.Arrays.fill(c, 0, m * n, 0f);
        }
    }
}
