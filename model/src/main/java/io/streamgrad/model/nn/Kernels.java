package io.streamgrad.model.nn;

/**
 * Float32 matrix kernels for the three products of a Dense layer (row-major storage):
 * forward {@code x·W}, kernel gradient {@code xᵀ·dz}, input gradient {@code dz·Wᵀ}.
 * Loops are ordered so the innermost one runs over contiguous memory (the JIT vectorizes it);
 * the summation order is fixed, so results are deterministic.
 */
public final class Kernels {
    private Kernels() {}

    /** {@code C[m×n] += A[m×k] · B[k×n]}. */
    public static void gemmNN(int m, int n, int k, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            int ci = i * n;
            int ai = i * k;
            for (int p = 0; p < k; p++) {
                float aip = a[ai + p];
                if (aip == 0f) {
                    continue; // relu/dropout zeros: skipping them changes no bit of the sum
                }
                int bp = p * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += aip * b[bp + j];
                }
            }
        }
    }

    /** {@code C[m×n] = Aᵀ · B} with {@code A[k×m]}, {@code B[k×n]}. */
    public static void gemmTN(int m, int n, int k, float[] a, float[] b, float[] c) {
        java.util.Arrays.fill(c, 0, m * n, 0f);
        for (int p = 0; p < k; p++) {
            int ap = p * m;
            int bp = p * n;
            for (int i = 0; i < m; i++) {
                float api = a[ap + i];
                if (api == 0f) {
                    continue;
                }
                int ci = i * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += api * b[bp + j];
                }
            }
        }
    }

    /** {@code C[m×n] = A · Bᵀ} with {@code A[m×k]}, {@code B[n×k]}. */
    public static void gemmNT(int m, int n, int k, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            int ai = i * k;
            int ci = i * n;
            for (int j = 0; j < n; j++) {
                int bj = j * k;
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[ai + p] * b[bj + p];
                }
                c[ci + j] = s;
            }
        }
    }
}
