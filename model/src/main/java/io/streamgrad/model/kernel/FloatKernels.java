package io.streamgrad.model.kernel;

/**
 * Float32 kernels of the training hot paths, row-major storage. Every implementation keeps a
 * fixed summation order for given shapes, so results are deterministic per implementation;
 * implementations may differ from each other in the last bits (FMA vs separate rounding, lane
 * order), always well inside the conformance tolerances ({@code spec/semantics.md} §9).
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
        throw new UnsupportedOperationException(name() + " has no adam kernel");
    }

    /** {@code Σ g[i]²} accumulated in double. */
    double sumSquares(float[] g);
}
