package io.streamgrad.model.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API GEMM for four or more rows: {@code C[m×n] (+)= A·B} with both operands read
 * through strides, {@code A(i,p) = a[i·ars + p·acs]}, {@code B(p,j) = b[p·brs + j·bcs]}, so one
 * routine serves {@code x·W}, {@code xᵀ·dz} and {@code dz·Wᵀ} (no transposed copy of W).
 * Per column panel of up to 4 vectors and block of {@link #KC} rows of B, the B block is packed
 * into a contiguous per-thread buffer (rows of B far apart in memory would otherwise alias in the
 * L1 sets and defeat the prefetcher), then tiles of 6 (or 4) rows × the panel width keep C in
 * registers while p runs, one broadcast A element and one FMA per accumulator (6×4 vectors
 * measured 14 % faster than 4×4: fewer loads and broadcasts per FMA).
 * Every C element is still {@code init + Σ_p a·b} with FMA in p order (blocks only store and
 * reload C between runs of p), whatever the panel, block or tile: results equal the unpacked
 * kernel's bit for bit.
 */
final class PackedGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Widest panel, in vectors. */
    private static final int NV = 4;
    /** Rows of B per packed block: KC × 4 vectors of 16 lanes is 16 KB, half of L1 (128 rows measured slower). */
    private static final int KC = 64;

    /** Per-thread packed B block {@code [KC][≤ NV·L]} and the 4-row C scratch of a partial vector. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {
            new float[KC * NV * L], new float[4 * NV * L]});

    private PackedGemm() {}

    /** {@code C += A·B} (C already seeded), {@code m >= 4}. */
    static void multiply(int m, int n, int k, float[] a, int ars, int acs, float[] b, int brs, int bcs, float[] c) {
        float[][] scratch = SCRATCH.get();
        float[] panel = scratch[0];
        float[] t = scratch[1];
        for (int j0 = 0; j0 < n; ) {
            int rest = n - j0;
            int nv = rest >= NV * L ? NV : rest >= 2 * L ? 2 : 1;
            int w = Math.min(rest, nv * L);
            int ld = nv * L;
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                pack(b, brs, bcs, p0, kc, j0, w, ld, panel);
                if (w == ld) {
                    rowTiles(m, n, kc, nv, a, ars, acs, p0 * acs, panel, c, j0);
                } else {
                    partialTiles(m, n, kc, w, a, ars, acs, p0 * acs, panel, c, j0, t);
                }
            }
            j0 += w;
        }
    }

    /** {@code panel[q·ld + jj] = B(p0+q, j0+jj)} for {@code q < kc, jj < w}; lanes past w are left as they are. */
    private static void pack(float[] b, int brs, int bcs, int p0, int kc, int j0, int w, int ld, float[] panel) {
        if (bcs == 1) {
            for (int q = 0; q < kc; q++) {
                System.arraycopy(b, (p0 + q) * brs + j0, panel, q * ld, w);
            }
        } else {
            for (int jj = 0; jj < w; jj++) {
                int src = (j0 + jj) * bcs + p0 * brs;
                for (int q = 0; q < kc; q++) {
                    panel[q * ld + jj] = b[src + q * brs];
                }
            }
        }
    }

    private static void rowTiles(int m, int n, int kc, int nv, float[] a, int ars, int acs, int pa0, float[] panel,
                                 float[] c, int j0) {
        int i = 0;
        if (nv == 4) {
            int sixes = m / 6;
            int rest = m - 6 * sixes;
            if ((rest == 2 || rest == 3) && sixes > 0) {
                sixes--; // 8 or 9 rows left: two 4-row tiles instead of single rows
            }
            for (; i < 6 * sixes; i += 6) {
                tile6x4(kc, a, i * ars + pa0, ars, acs, panel, c, i * n + j0, n);
            }
        }
        for (; i + 4 <= m; i += 4) {
            int pa = i * ars + pa0;
            int c0 = i * n + j0;
            if (nv == 4) {
                tile4x4(kc, a, pa, ars, acs, panel, c, c0, n);
            } else if (nv == 2) {
                tile4x2(kc, a, pa, ars, acs, panel, c, c0, n);
            } else {
                tile4x1(kc, a, pa, ars, acs, panel, c, c0, n);
            }
        }
        for (; i < m; i++) {
            int pa = i * ars + pa0;
            int c0 = i * n + j0;
            for (int v = 0; v < nv; v++) {
                tile1x1(kc, a, pa, acs, panel, v * L, nv * L, c, c0 + v * L);
            }
        }
    }

    /**
     * A panel narrower than one vector: C rows are copied into padded scratch so the same unmasked
     * tiles run (masked loads are not intrinsified on JDK 17 and would allocate); only the valid
     * lanes are copied back.
     */
    private static void partialTiles(int m, int n, int kc, int w, float[] a, int ars, int acs, int pa0,
                                     float[] panel, float[] c, int j0, float[] t) {
        for (int i = 0; i < m; i += 4) {
            int rows = Math.min(4, m - i);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(c, (i + r) * n + j0, t, r * L, w);
            }
            int pa = i * ars + pa0;
            if (rows == 4) {
                tile4x1(kc, a, pa, ars, acs, panel, t, 0, L);
            } else {
                for (int r = 0; r < rows; r++) {
                    tile1x1(kc, a, pa + r * ars, acs, panel, 0, L, t, r * L);
                }
            }
            for (int r = 0; r < rows; r++) {
                System.arraycopy(t, r * L, c, (i + r) * n + j0, w);
            }
        }
    }

    /** 6 rows × 4 vectors: 24 accumulators, 4 B vectors and a broadcast fill 29 of the 32 AVX-512 registers. */
    private static void tile6x4(int kc, float[] a, int pa, int ars, int acs, float[] b, float[] c, int c0, int ldc) {
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        FloatVector r00 = FloatVector.fromArray(S, c, c0);
        FloatVector r01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector r02 = FloatVector.fromArray(S, c, c0 + 2 * L);
        FloatVector r03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector r10 = FloatVector.fromArray(S, c, c1);
        FloatVector r11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector r12 = FloatVector.fromArray(S, c, c1 + 2 * L);
        FloatVector r13 = FloatVector.fromArray(S, c, c1 + 3 * L);
        FloatVector r20 = FloatVector.fromArray(S, c, c2);
        FloatVector r21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector r22 = FloatVector.fromArray(S, c, c2 + 2 * L);
        FloatVector r23 = FloatVector.fromArray(S, c, c2 + 3 * L);
        FloatVector r30 = FloatVector.fromArray(S, c, c3);
        FloatVector r31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector r32 = FloatVector.fromArray(S, c, c3 + 2 * L);
        FloatVector r33 = FloatVector.fromArray(S, c, c3 + 3 * L);
        FloatVector r40 = FloatVector.fromArray(S, c, c4);
        FloatVector r41 = FloatVector.fromArray(S, c, c4 + L);
        FloatVector r42 = FloatVector.fromArray(S, c, c4 + 2 * L);
        FloatVector r43 = FloatVector.fromArray(S, c, c4 + 3 * L);
        FloatVector r50 = FloatVector.fromArray(S, c, c5);
        FloatVector r51 = FloatVector.fromArray(S, c, c5 + L);
        FloatVector r52 = FloatVector.fromArray(S, c, c5 + 2 * L);
        FloatVector r53 = FloatVector.fromArray(S, c, c5 + 3 * L);
        int pb = 0;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, pb);
            FloatVector b1 = FloatVector.fromArray(S, b, pb + L);
            FloatVector b2 = FloatVector.fromArray(S, b, pb + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, pb + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[pa]);
            r00 = x.fma(b0, r00);
            r01 = x.fma(b1, r01);
            r02 = x.fma(b2, r02);
            r03 = x.fma(b3, r03);
            x = FloatVector.broadcast(S, a[pa + ars]);
            r10 = x.fma(b0, r10);
            r11 = x.fma(b1, r11);
            r12 = x.fma(b2, r12);
            r13 = x.fma(b3, r13);
            x = FloatVector.broadcast(S, a[pa + 2 * ars]);
            r20 = x.fma(b0, r20);
            r21 = x.fma(b1, r21);
            r22 = x.fma(b2, r22);
            r23 = x.fma(b3, r23);
            x = FloatVector.broadcast(S, a[pa + 3 * ars]);
            r30 = x.fma(b0, r30);
            r31 = x.fma(b1, r31);
            r32 = x.fma(b2, r32);
            r33 = x.fma(b3, r33);
            x = FloatVector.broadcast(S, a[pa + 4 * ars]);
            r40 = x.fma(b0, r40);
            r41 = x.fma(b1, r41);
            r42 = x.fma(b2, r42);
            r43 = x.fma(b3, r43);
            x = FloatVector.broadcast(S, a[pa + 5 * ars]);
            r50 = x.fma(b0, r50);
            r51 = x.fma(b1, r51);
            r52 = x.fma(b2, r52);
            r53 = x.fma(b3, r53);
            pa += acs;
            pb += 4 * L;
        }
        r00.intoArray(c, c0);
        r01.intoArray(c, c0 + L);
        r02.intoArray(c, c0 + 2 * L);
        r03.intoArray(c, c0 + 3 * L);
        r10.intoArray(c, c1);
        r11.intoArray(c, c1 + L);
        r12.intoArray(c, c1 + 2 * L);
        r13.intoArray(c, c1 + 3 * L);
        r20.intoArray(c, c2);
        r21.intoArray(c, c2 + L);
        r22.intoArray(c, c2 + 2 * L);
        r23.intoArray(c, c2 + 3 * L);
        r30.intoArray(c, c3);
        r31.intoArray(c, c3 + L);
        r32.intoArray(c, c3 + 2 * L);
        r33.intoArray(c, c3 + 3 * L);
        r40.intoArray(c, c4);
        r41.intoArray(c, c4 + L);
        r42.intoArray(c, c4 + 2 * L);
        r43.intoArray(c, c4 + 3 * L);
        r50.intoArray(c, c5);
        r51.intoArray(c, c5 + L);
        r52.intoArray(c, c5 + 2 * L);
        r53.intoArray(c, c5 + 3 * L);
    }

    private static void tile4x4(int kc, float[] a, int pa, int ars, int acs, float[] b, float[] c, int c0, int ldc) {
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector r00 = FloatVector.fromArray(S, c, c0);
        FloatVector r01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector r02 = FloatVector.fromArray(S, c, c0 + 2 * L);
        FloatVector r03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector r10 = FloatVector.fromArray(S, c, c1);
        FloatVector r11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector r12 = FloatVector.fromArray(S, c, c1 + 2 * L);
        FloatVector r13 = FloatVector.fromArray(S, c, c1 + 3 * L);
        FloatVector r20 = FloatVector.fromArray(S, c, c2);
        FloatVector r21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector r22 = FloatVector.fromArray(S, c, c2 + 2 * L);
        FloatVector r23 = FloatVector.fromArray(S, c, c2 + 3 * L);
        FloatVector r30 = FloatVector.fromArray(S, c, c3);
        FloatVector r31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector r32 = FloatVector.fromArray(S, c, c3 + 2 * L);
        FloatVector r33 = FloatVector.fromArray(S, c, c3 + 3 * L);
        int pb = 0;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, pb);
            FloatVector b1 = FloatVector.fromArray(S, b, pb + L);
            FloatVector b2 = FloatVector.fromArray(S, b, pb + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, pb + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[pa]);
            r00 = x.fma(b0, r00);
            r01 = x.fma(b1, r01);
            r02 = x.fma(b2, r02);
            r03 = x.fma(b3, r03);
            x = FloatVector.broadcast(S, a[pa + ars]);
            r10 = x.fma(b0, r10);
            r11 = x.fma(b1, r11);
            r12 = x.fma(b2, r12);
            r13 = x.fma(b3, r13);
            x = FloatVector.broadcast(S, a[pa + 2 * ars]);
            r20 = x.fma(b0, r20);
            r21 = x.fma(b1, r21);
            r22 = x.fma(b2, r22);
            r23 = x.fma(b3, r23);
            x = FloatVector.broadcast(S, a[pa + 3 * ars]);
            r30 = x.fma(b0, r30);
            r31 = x.fma(b1, r31);
            r32 = x.fma(b2, r32);
            r33 = x.fma(b3, r33);
            pa += acs;
            pb += 4 * L;
        }
        r00.intoArray(c, c0);
        r01.intoArray(c, c0 + L);
        r02.intoArray(c, c0 + 2 * L);
        r03.intoArray(c, c0 + 3 * L);
        r10.intoArray(c, c1);
        r11.intoArray(c, c1 + L);
        r12.intoArray(c, c1 + 2 * L);
        r13.intoArray(c, c1 + 3 * L);
        r20.intoArray(c, c2);
        r21.intoArray(c, c2 + L);
        r22.intoArray(c, c2 + 2 * L);
        r23.intoArray(c, c2 + 3 * L);
        r30.intoArray(c, c3);
        r31.intoArray(c, c3 + L);
        r32.intoArray(c, c3 + 2 * L);
        r33.intoArray(c, c3 + 3 * L);
    }

    private static void tile4x2(int kc, float[] a, int pa, int ars, int acs, float[] b, float[] c, int c0, int ldc) {
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector r00 = FloatVector.fromArray(S, c, c0);
        FloatVector r01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector r10 = FloatVector.fromArray(S, c, c1);
        FloatVector r11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector r20 = FloatVector.fromArray(S, c, c2);
        FloatVector r21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector r30 = FloatVector.fromArray(S, c, c3);
        FloatVector r31 = FloatVector.fromArray(S, c, c3 + L);
        int pb = 0;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, pb);
            FloatVector b1 = FloatVector.fromArray(S, b, pb + L);
            FloatVector x = FloatVector.broadcast(S, a[pa]);
            r00 = x.fma(b0, r00);
            r01 = x.fma(b1, r01);
            x = FloatVector.broadcast(S, a[pa + ars]);
            r10 = x.fma(b0, r10);
            r11 = x.fma(b1, r11);
            x = FloatVector.broadcast(S, a[pa + 2 * ars]);
            r20 = x.fma(b0, r20);
            r21 = x.fma(b1, r21);
            x = FloatVector.broadcast(S, a[pa + 3 * ars]);
            r30 = x.fma(b0, r30);
            r31 = x.fma(b1, r31);
            pa += acs;
            pb += 2 * L;
        }
        r00.intoArray(c, c0);
        r01.intoArray(c, c0 + L);
        r10.intoArray(c, c1);
        r11.intoArray(c, c1 + L);
        r20.intoArray(c, c2);
        r21.intoArray(c, c2 + L);
        r30.intoArray(c, c3);
        r31.intoArray(c, c3 + L);
    }

    private static void tile4x1(int kc, float[] a, int pa, int ars, int acs, float[] b, float[] c, int c0, int ldc) {
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector r0 = FloatVector.fromArray(S, c, c0);
        FloatVector r1 = FloatVector.fromArray(S, c, c1);
        FloatVector r2 = FloatVector.fromArray(S, c, c2);
        FloatVector r3 = FloatVector.fromArray(S, c, c3);
        int pb = 0;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, pb);
            r0 = FloatVector.broadcast(S, a[pa]).fma(b0, r0);
            r1 = FloatVector.broadcast(S, a[pa + ars]).fma(b0, r1);
            r2 = FloatVector.broadcast(S, a[pa + 2 * ars]).fma(b0, r2);
            r3 = FloatVector.broadcast(S, a[pa + 3 * ars]).fma(b0, r3);
            pa += acs;
            pb += L;
        }
        r0.intoArray(c, c0);
        r1.intoArray(c, c1);
        r2.intoArray(c, c2);
        r3.intoArray(c, c3);
    }

    /** One row, one vector of a panel whose rows are {@code ld} floats apart, starting at lane offset {@code pb}. */
    private static void tile1x1(int kc, float[] a, int pa, int acs, float[] b, int pb, int ld, float[] c, int c0) {
        FloatVector r0 = FloatVector.fromArray(S, c, c0);
        for (int p = 0; p < kc; p++) {
            r0 = FloatVector.broadcast(S, a[pa]).fma(FloatVector.fromArray(S, b, pb), r0);
            pa += acs;
            pb += ld;
        }
        r0.intoArray(c, c0);
    }
}
