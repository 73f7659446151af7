package io.streamgrad.model.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every {@link FloatKernels} implementation against {@link PlainKernels} (the naive loops) and
 * against a float64 oracle, on odd shapes that exercise every tail and tile of the fast paths:
 * results within a float32 bound scaled by the sum length, bit-identical when repeated, and no
 * write outside the output region (nor into the inputs).
 *
 * <p>The vector kernels load only when the JVM has {@code --add-modules jdk.incubator.vector}: the
 * default surefire execution skips them by assumption, the {@code vector-kernels} execution runs
 * them.
 */
class KernelEquivalenceTest {

    /** Written after the output region and the inputs; must survive every kernel call. */
    private static final float SENTINEL = -1234.5f;
    private static final int PAD = 37;

    /** (m, n, k): 1s, primes, one past / one short of vector widths, k across the KC=128 block, m around the 4-row tiles. */
    static final int[][] SHAPES = {
        {1, 1, 1}, {1, 7, 3}, {5, 17, 33}, {31, 64, 1}, {64, 10, 257}, {3, 513, 9},
        {4, 16, 16}, {4, 32, 8}, {7, 33, 130}, {2, 31, 40}, {3, 9, 17}, {1, 1, 64},
        {9, 15, 7}, {8, 24, 129}, {64, 256, 128}, {65, 47, 31}, {13, 1, 300}, {1, 300, 13},
        // every column remainder 1..15 modulo 8 and 16 lanes (the vector column-tail path)
        {2, 3, 5}, {5, 19, 11}, {6, 35, 4}, {3, 2, 6}, {4, 4, 4}, {5, 5, 5}, {7, 6, 9}, {9, 11, 3},
        {10, 12, 2}, {11, 13, 10}, {12, 14, 7}, {1, 29, 3},
        // packed GEMM: panels of 4, 2 and 1 vectors plus a partial one, several 64-row blocks of B
        {6, 113, 200}, {9, 80, 65}, {4, 64, 64},
        // 6-row tiles followed by 4-row tiles and single rows
        {14, 64, 70}, {7, 64, 3}, {11, 70, 66}, {20, 128, 5},
    };

    static Stream<String> fastKernels() {
        return Stream.of("portable", "vector");
    }

    static Stream<String> allKernels() {
        return Stream.of("plain", "portable", "vector");
    }

    static Stream<Arguments> kernelsAndShapes() {
        List<Arguments> out = new ArrayList<>();
        for (String name : List.of("plain", "portable", "vector")) {
            for (int[] s : SHAPES) {
                out.add(Arguments.of(name, s[0], s[1], s[2]));
            }
        }
        return out.stream();
    }

    static FloatKernels kernels(String name) {
        if ("vector".equals(name)) {
            assumeTrue(KernelProvider.vectorModulePresent(),
                    "vector kernels need --add-modules jdk.incubator.vector (vector-kernels surefire execution)");
        }
        FloatKernels k = KernelProvider.named(name);
        assertThat(k.name()).startsWith(name);
        return k;
    }

    // ---------------------------------------------------------------------------------------
    // data helpers

    /** Seeded values in [-2, 2) with ~15 % exact zeros (relu/dropout sparsity takes the skip paths). */
    static float[] data(long seed, int len) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = r.nextInt(100) < 15 ? 0f : (float) (r.nextDouble() * 4 - 2);
        }
        return x;
    }

    /** {@code len} data floats followed by {@link #PAD} sentinels. */
    static float[] padded(float[] values, int len) {
        float[] x = new float[len + PAD];
        System.arraycopy(values, 0, x, 0, Math.min(values.length, len));
        Arrays.fill(x, len, x.length, SENTINEL);
        return x;
    }

    static void assertPadIntact(String what, float[] x, int len) {
        for (int i = len; i < x.length; i++) {
            if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(SENTINEL)) {
                fail(what + ": element " + i + " outside the written region [0," + len + ") was overwritten with "
                        + x[i]);
            }
        }
    }

    static void assertUnchanged(String what, float[] before, float[] after) {
        assertThat(bits(after)).as("%s must not be modified", what).isEqualTo(bits(before));
    }

    static int[] bits(float[] x) {
        int[] b = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            b[i] = Float.floatToRawIntBits(x[i]);
        }
        return b;
    }

    /**
     * Float64 oracle {@code init + Σ_p A(i,p)·B(p,j)} and the absolute sum of the terms (for the
     * error bound). {@code A(i,p) = a[i·ars + p·acs]}, {@code B(p,j) = b[p·brs + j·bcs]}.
     */
    static double[][] oracle(int m, int n, int k, float[] a, int ars, int acs, float[] b, int brs, int bcs,
                             float[] init) {
        double[] val = new double[m * n];
        double[] mag = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = init == null ? 0 : init[i * n + j];
                double abs = Math.abs(s);
                for (int p = 0; p < k; p++) {
                    double t = (double) a[i * ars + p * acs] * b[p * brs + j * bcs];
                    s += t;
                    abs += Math.abs(t);
                }
                val[i * n + j] = s;
                mag[i * n + j] = abs;
            }
        }
        return new double[][] {val, mag};
    }

    /**
     * A float32 sum of k products (any order, FMA or not) is within about {@code (k+1)·u·Σ|terms|}
     * of the exact value (u = 2⁻²⁴); the factor 2 covers the final rounding and the relu/bias pass.
     */
    static double bound(int k, double magnitude) {
        return 2.0 * (k + 2) * 0x1p-24 * magnitude + Float.MIN_NORMAL;
    }

    static void assertClose(String what, int m, int n, int k, float[] got, double[] want, double[] mag) {
        for (int idx = 0; idx < m * n; idx++) {
            double err = Math.abs(got[idx] - want[idx]);
            double tol = bound(k, mag[idx]);
            if (!(err <= tol)) {
                fail(String.format("%s [%dx%dx%d] C[%d][%d] = %s, expected %s (error %.3g > tolerance %.3g)",
                        what, m, n, k, idx / n, idx % n, got[idx], want[idx], err, tol));
            }
        }
    }

    /** Two float32 results of the same sum, each within {@link #bound} of the exact value. */
    static void assertCloseToEachOther(String what, int m, int n, int k, float[] got, float[] ref, double[] mag) {
        for (int idx = 0; idx < m * n; idx++) {
            double err = Math.abs((double) got[idx] - ref[idx]);
            double tol = 2 * bound(k, mag[idx]);
            if (!(err <= tol)) {
                fail(String.format("%s [%dx%dx%d] C[%d][%d] = %s, plain gives %s (difference %.3g > %.3g)",
                        what, m, n, k, idx / n, idx % n, got[idx], ref[idx], err, tol));
            }
        }
    }

    static long seed(String op, int m, int n, int k) {
        return op.hashCode() * 1_000_003L + m * 10_007L + n * 101L + k;
    }

    // ---------------------------------------------------------------------------------------
    // gemmNN: C += A·B

    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("kernelsAndShapes")
    void gemmNN(String name, int m, int n, int k) {
        FloatKernels kern = kernels(name);
        long seed = seed("nn", m, n, k);
        float[] a = padded(data(seed, m * k), m * k);
        float[] b = padded(data(seed + 1, k * n), k * n);
        float[] c0 = data(seed + 2, m * n);
        float[] aCopy = a.clone();
        float[] bCopy = b.clone();

        float[] c = padded(c0, m * n);
        kern.gemmNN(m, n, k, a, b, c);
        assertPadIntact(name + " gemmNN C", c, m * n);
        assertUnchanged("A", aCopy, a);
        assertUnchanged("B", bCopy, b);

        double[][] o = oracle(m, n, k, a, k, 1, b, n, 1, c0);
        assertClose(name + " gemmNN vs float64", m, n, k, c, o[0], o[1]);

        float[] ref = padded(c0, m * n);
        new PlainKernels().gemmNN(m, n, k, a, b, ref);
        assertCloseToEachOther(name + " gemmNN vs plain", m, n, k, c, ref, o[1]);

        float[] again = padded(c0, m * n);
        kern.gemmNN(m, n, k, a, b, again);
        assertThat(bits(again)).as("%s gemmNN deterministic", name).isEqualTo(bits(c));
    }

    /** Exact-size arrays (no slack after the data): a fast path must not read or write past them. */
    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("kernelsAndShapes")
    void exactSizeArraysAllOperations(String name, int m, int n, int k) {
        FloatKernels kern = kernels(name);
        long seed = seed("exact", m, n, k);
        float[] a = data(seed, m * k);
        float[] b = data(seed + 1, k * n);
        float[] bias = data(seed + 2, n);
        float[] c = new float[m * n];
        kern.gemmNN(m, n, k, a, b, c);
        kern.denseForward(m, n, k, a, b, bias, true, c);
        float[] at = data(seed + 3, k * m);
        kern.gemmTN(m, n, k, at, b, c);
        float[] bt = data(seed + 4, n * k);
        int scratch = kern.ntScratchSize(m, n, k);
        kern.gemmNT(m, n, k, a, bt, c, scratch == 0 ? null : new float[scratch]);
        double[][] o = oracle(m, n, k, a, k, 1, bt, 1, k, null);
        assertClose(name + " gemmNT exact-size", m, n, k, c, o[0], o[1]);
    }

    // ---------------------------------------------------------------------------------------
    // denseForward: C = act(bias + A·B)

    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("kernelsAndShapes")
    void denseForward(String name, int m, int n, int k) {
        FloatKernels kern = kernels(name);
        long seed = seed("fwd", m, n, k);
        float[] a = padded(data(seed, m * k), m * k);
        float[] b = padded(data(seed + 1, k * n), k * n);
        float[] bias = padded(data(seed + 2, n), n);
        float[] garbage = data(seed + 3, m * n); // output is overwritten, not accumulated
        float[] aCopy = a.clone();
        float[] bCopy = b.clone();
        float[] biasCopy = bias.clone();

        for (boolean withBias : new boolean[] {true, false}) {
            for (boolean relu : new boolean[] {false, true}) {
                String what = name + " denseForward bias=" + withBias + " relu=" + relu;
                float[] bi = withBias ? bias : null;
                float[] c = padded(garbage, m * n);
                kern.denseForward(m, n, k, a, b, bi, relu, c);
                assertPadIntact(what, c, m * n);

                float[] init = new float[m * n];
                if (withBias) {
                    for (int i = 0; i < m; i++) {
                        System.arraycopy(bias, 0, init, i * n, n);
                    }
                }
                double[][] o = oracle(m, n, k, a, k, 1, b, n, 1, init);
                if (relu) {
                    for (int i = 0; i < o[0].length; i++) {
                        o[0][i] = Math.max(0, o[0][i]);
                    }
                }
                assertClose(what + " vs float64", m, n, k, c, o[0], o[1]);
                if (relu) {
                    for (int i = 0; i < m * n; i++) {
                        assertThat(c[i]).as("%s relu output >= 0", what).isGreaterThanOrEqualTo(0f);
                    }
                }

                float[] ref = padded(garbage, m * n);
                new PlainKernels().denseForward(m, n, k, a, b, bi, relu, ref);
                assertCloseToEachOther(what + " vs plain", m, n, k, c, ref, o[1]);

                float[] again = padded(garbage, m * n);
                kern.denseForward(m, n, k, a, b, bi, relu, again);
                assertThat(bits(again)).as("%s deterministic", what).isEqualTo(bits(c));
            }
        }
        assertUnchanged("A", aCopy, a);
        assertUnchanged("B", bCopy, b);
        assertUnchanged("bias", biasCopy, bias);
    }

    /** The non-finite guard downstream must see a NaN: relu keeps it instead of mapping it to 0. */
    @ParameterizedTest
    @MethodSource("allKernels")
    void reluKeepsNaN(String name) {
        FloatKernels kern = kernels(name);
        int m = 5;
        int n = 19;
        int k = 3;
        float[] a = data(11, m * k);
        float[] b = data(12, k * n);
        float[] bias = data(13, n);
        bias[0] = Float.NaN;
        bias[n - 1] = Float.NaN; // last column: the tail path of the vector tiles
        float[] c = new float[m * n];
        kern.denseForward(m, n, k, a, b, bias, true, c);
        for (int i = 0; i < m; i++) {
            assertThat(c[i * n]).as("%s row %d col 0", name, i).isNaN();
            assertThat(c[i * n + n - 1]).as("%s row %d col %d", name, i, n - 1).isNaN();
            for (int j = 1; j < n - 1; j++) {
                assertThat(c[i * n + j]).isNotNaN().isGreaterThanOrEqualTo(0f);
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // gemmTN: C = Aᵀ·B, A[k×m]

    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("kernelsAndShapes")
    void gemmTN(String name, int m, int n, int k) {
        FloatKernels kern = kernels(name);
        long seed = seed("tn", m, n, k);
        float[] a = padded(data(seed, k * m), k * m);
        float[] b = padded(data(seed + 1, k * n), k * n);
        float[] garbage = data(seed + 2, m * n);
        float[] aCopy = a.clone();
        float[] bCopy = b.clone();

        float[] c = padded(garbage, m * n);
        kern.gemmTN(m, n, k, a, b, c);
        assertPadIntact(name + " gemmTN C", c, m * n);
        assertUnchanged("A", aCopy, a);
        assertUnchanged("B", bCopy, b);

        double[][] o = oracle(m, n, k, a, 1, m, b, n, 1, null);
        assertClose(name + " gemmTN vs float64", m, n, k, c, o[0], o[1]);

        float[] ref = padded(garbage, m * n);
        new PlainKernels().gemmTN(m, n, k, a, b, ref);
        assertCloseToEachOther(name + " gemmTN vs plain", m, n, k, c, ref, o[1]);

        float[] again = padded(data(seed + 9, m * n), m * n);
        kern.gemmTN(m, n, k, a, b, again);
        assertThat(bits(again)).as("%s gemmTN deterministic (whatever C held before)", name).isEqualTo(bits(c));
    }

    // ---------------------------------------------------------------------------------------
    // gemmNT: C = A·Bᵀ, B[n×k], with scratch

    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("kernelsAndShapes")
    void gemmNT(String name, int m, int n, int k) {
        FloatKernels kern = kernels(name);
        long seed = seed("nt", m, n, k);
        float[] a = padded(data(seed, m * k), m * k);
        float[] b = padded(data(seed + 1, n * k), n * k);
        float[] garbage = data(seed + 2, m * n);
        float[] aCopy = a.clone();
        float[] bCopy = b.clone();
        int scratchSize = kern.ntScratchSize(m, n, k);
        assertThat(scratchSize).isGreaterThanOrEqualTo(0);
        float[] scratch = scratchSize == 0 ? null : padded(new float[0], scratchSize);

        float[] c = padded(garbage, m * n);
        kern.gemmNT(m, n, k, a, b, c, scratch);
        assertPadIntact(name + " gemmNT C", c, m * n);
        if (scratch != null) {
            assertPadIntact(name + " gemmNT scratch beyond ntScratchSize", scratch, scratchSize);
        }
        assertUnchanged("A", aCopy, a);
        assertUnchanged("B", bCopy, b);

        double[][] o = oracle(m, n, k, a, k, 1, b, 1, k, null);
        assertClose(name + " gemmNT vs float64", m, n, k, c, o[0], o[1]);

        float[] ref = padded(garbage, m * n);
        new PlainKernels().gemmNT(m, n, k, a, b, ref, null);
        assertCloseToEachOther(name + " gemmNT vs plain", m, n, k, c, ref, o[1]);

        // a dirty scratch (left by another layer) must not matter
        float[] dirty = scratchSize == 0 ? null : padded(data(seed + 5, scratchSize), scratchSize);
        float[] again = padded(data(seed + 9, m * n), m * n);
        kern.gemmNT(m, n, k, a, b, again, dirty);
        assertThat(bits(again)).as("%s gemmNT deterministic", name).isEqualTo(bits(c));
    }

    // ---------------------------------------------------------------------------------------
    // Adam and sum of squares

    static final int[] VECTOR_LENGTHS = {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 257, 1000, 4099};

    /** The float64 loop of {@code AdamRule} (the path taken when a kernel has no Adam). */
    static void adamReference(float[] w, float[] g, float[] m, float[] v, double oneMinusB1, double oneMinusB2,
                              double alpha, double epsilon) {
        for (int i = 0; i < w.length; i++) {
            double gi = g[i];
            float mi = (float) (m[i] + (gi - m[i]) * oneMinusB1);
            float vi = (float) (v[i] + (gi * gi - v[i]) * oneMinusB2);
            m[i] = mi;
            v[i] = vi;
            w[i] = (float) (w[i] - alpha * mi / (Math.sqrt(vi) + epsilon));
        }
    }

    @ParameterizedTest
    @MethodSource("allKernels")
    void adamStaysFiniteTellsWhatAdamWouldWrite(String name) {
        FloatKernels kern = kernels(name);
        if (!kern.hasAdam()) {
            return;
        }
        for (int len : VECTOR_LENGTHS) {
            for (int bad = -1; bad < Math.min(len, 3); bad++) {
                float[] w = data(len * 13L + bad, len);
                float[] g = data(len * 13L + bad + 1, len);
                float[] m = new float[len];
                float[] v = new float[len];
                // one element (first, second or third; the vector body or the tail) overflows
                int at = bad < 0 ? -1 : (int) ((long) (len - 1) * bad / 2);
                if (at >= 0) {
                    w[at] = -3e38f;
                    g[at] = 1f;
                }
                float[] w0 = w.clone();
                float[] m0 = m.clone();
                float[] v0 = v.clone();
                boolean predicted = kern.adamStaysFinite(w, g, m, v, 0, len, 0.1f, 0.001f, 1e38f, 1e-7f);
                assertUnchanged("w", w0, w);
                assertUnchanged("m", m0, m);
                assertUnchanged("v", v0, v);
                kern.adam(w, g, m, v, 0.1f, 0.001f, 1e38f, 1e-7f);
                boolean finite = kern.allFinite(w) && kern.allFinite(m) && kern.allFinite(v);
                assertThat(predicted).as("%s len %d overflow at %d", name, len, at).isEqualTo(finite);
                assertThat(finite).isEqualTo(at < 0);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("allKernels")
    void adamMatchesTheFloat64Loop(String name) {
        FloatKernels kern = kernels(name);
        if (!kern.hasAdam()) {
            assertThatThrownBy(() -> kern.adam(new float[1], new float[1], new float[1], new float[1],
                    0.1f, 0.001f, 0.001f, 1e-7f)).isInstanceOf(UnsupportedOperationException.class);
            return;
        }
        double b1 = 1 - 0.9;
        double b2 = 1 - 0.999;
        double eps = 1e-7;
        for (int len : VECTOR_LENGTHS) {
            for (int step = 1; step <= 3; step++) {
                double alpha = 0.001 * Math.sqrt(1 - Math.pow(0.999, step)) / (1 - Math.pow(0.9, step));
                long seed = len * 31L + step;
                float[] w0 = data(seed, len);
                float[] g = data(seed + 1, len);
                float[] m0 = data(seed + 2, len);
                float[] v0 = data(seed + 3, len);
                for (int i = 0; i < len; i++) {
                    m0[i] *= 0.1f;
                    v0[i] = v0[i] * v0[i] * 0.01f; // second moments are non-negative, some exactly 0
                }
                float[] w = w0.clone();
                float[] m = m0.clone();
                float[] v = v0.clone();
                kern.adam(w, g, m, v, (float) b1, (float) b2, (float) alpha, (float) eps);

                float[] wr = w0.clone();
                float[] mr = m0.clone();
                float[] vr = v0.clone();
                adamReference(wr, g, mr, vr, b1, b2, alpha, eps);

                double u = 0x1p-24;
                for (int i = 0; i < len; i++) {
                    String at = name + " adam len=" + len + " step=" + step + " i=" + i;
                    // float32 rounding of each operation, bounded by the magnitudes involved
                    double errM = 4 * u * (Math.abs(m0[i]) + b1 * Math.abs((double) g[i] - m0[i]) + Math.abs(mr[i]));
                    double g2 = (double) g[i] * g[i];
                    double errV = 4 * u * (Math.abs(v0[i]) + b2 * (g2 + Math.abs(v0[i])) + Math.abs(vr[i]));
                    double denom = Math.sqrt(vr[i]) + eps;
                    double update = Math.abs(alpha * mr[i] / denom);
                    double errW = 2 * Math.ulp(Math.abs(wr[i])) + alpha * errM / denom
                            + update * (8 * u + (vr[i] > 0 ? errV / (2 * vr[i]) : 0));
                    assertThat((double) m[i]).as(at + " m").isCloseTo(mr[i], org.assertj.core.data.Offset.offset(errM));
                    assertThat((double) v[i]).as(at + " v").isCloseTo(vr[i],
                            org.assertj.core.data.Offset.offset(errV + Double.MIN_VALUE));
                    assertThat((double) w[i]).as(at + " w").isCloseTo(wr[i], org.assertj.core.data.Offset.offset(errW));
                }

                float[] w2 = w0.clone();
                float[] m2 = m0.clone();
                float[] v2 = v0.clone();
                kern.adam(w2, g, m2, v2, (float) b1, (float) b2, (float) alpha, (float) eps);
                assertThat(bits(w2)).as(name + " adam deterministic").isEqualTo(bits(w));
                assertThat(bits(m2)).isEqualTo(bits(m));
                assertThat(bits(v2)).isEqualTo(bits(v));
            }
        }
    }

    /** Adam writes exactly w, m and v of the given length: it is driven by w.length, not by slack. */
    @ParameterizedTest
    @MethodSource("allKernels")
    void adamLeavesTheGradientAlone(String name) {
        FloatKernels kern = kernels(name);
        assumeTrue(kern.hasAdam(), name + " has no adam kernel");
        for (int len : VECTOR_LENGTHS) {
            float[] w = data(len, len);
            float[] g = data(len + 1, len);
            float[] gCopy = g.clone();
            float[] m = new float[len];
            float[] v = new float[len];
            kern.adam(w, g, m, v, 0.1f, 0.001f, 0.001f, 1e-7f);
            assertUnchanged("gradient", gCopy, g);
            for (int i = 0; i < len; i++) {
                // first step from zero moments: m = 0.1 g, v = 0.001 g², every element touched
                assertThat(m[i]).as("%s m[%d] len %d", name, i, len).isCloseTo(0.1f * g[i],
                        org.assertj.core.data.Offset.offset(Math.ulp(0.1f * g[i]) * 2));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("allKernels")
    void sumSquares(String name) {
        FloatKernels kern = kernels(name);
        for (int len : VECTOR_LENGTHS) {
            float[] g = data(len * 7L, len);
            double exact = 0;
            for (float x : g) {
                exact += (double) x * x;
            }
            double got = kern.sumSquares(g);
            assertThat(got).as("%s sumSquares len %d", name, len)
                    .isCloseTo(exact, org.assertj.core.data.Offset.offset(exact * len * 0x1p-52 + 1e-300));
            assertThat(Double.doubleToRawLongBits(kern.sumSquares(g))).isEqualTo(Double.doubleToRawLongBits(got));
            if (!"plain".equals(name)) { // the order Optimizer.sumSquares mirrors for sparse rows
                assertThat(Double.doubleToRawLongBits(got)).as("%s sumSquares bits, len %d", name, len)
                        .isEqualTo(Double.doubleToRawLongBits(PortableKernels.sumSquares8(g)));
            }
            // every element counts, including the last one (tail loop)
            float[] bumped = g.clone();
            bumped[len - 1] += 1f;
            assertThat(kern.sumSquares(bumped)).as("%s sumSquares sees the last element, len %d", name, len)
                    .isNotEqualTo(got);
        }
        assertThat(kern.sumSquares(new float[0])).isZero();
    }

    // ---------------------------------------------------------------------------------------
    // relu backward and BatchNormalization: exact operations, so every path gives plain's bits

    static Stream<Arguments> kernelsAndRowShapes() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {{1, 1}, {1, 7}, {3, 17}, {64, 256}, {5, 33}, {31, 64}, {2, 513}, {7, 9}, {64, 10}, {16, 31}};
        for (String name : List.of("plain", "portable", "vector")) {
            for (int[] s : shapes) {
                out.add(Arguments.of(name, s[0], s[1]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("kernelsAndRowShapes")
    void reluBackwardIsExact(String name, int rows, int cols) {
        FloatKernels kern = kernels(name);
        int n = rows * cols;
        float[] out = padded(data(rows * 7L + cols, n), n);
        out[0] = Float.NaN;
        out[n - 1] = -0f;
        float[] grad0 = data(rows * 7L + cols + 1, n);
        float[] grad = padded(grad0, n);
        float[] outCopy = out.clone();
        kern.reluBackward(out, grad, n);
        assertPadIntact(name + " reluBackward grad", grad, n);
        assertUnchanged("relu output", outCopy, out);
        for (int i = 0; i < n; i++) {
            float want = out[i] > 0f ? grad0[i] : 0f;
            assertThat(Float.floatToRawIntBits(grad[i])).as("%s reluBackward [%d]", name, i)
                    .isEqualTo(Float.floatToRawIntBits(want));
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("kernelsAndRowShapes")
    void batchNormKernelsGivePlainBits(String name, int rows, int cols) {
        FloatKernels kern = kernels(name);
        FloatKernels plain = new PlainKernels();
        long seed = rows * 1000L + cols;
        float[] x = padded(data(seed, rows * cols), rows * cols);
        float[] dy = padded(data(seed + 1, rows * cols), rows * cols);
        double[] mean = new double[cols];
        double[] invStd = new double[cols];
        double[] scale = new double[cols];
        double[] shift = new double[cols];
        double[] coef = new double[cols];
        SplittableRandom r = new SplittableRandom(seed + 2);
        for (int j = 0; j < cols; j++) {
            mean[j] = r.nextDouble() - 0.5;
            invStd[j] = 0.5 + r.nextDouble();
            scale[j] = r.nextDouble() * 2 - 1;
            shift[j] = r.nextDouble() - 0.5;
            coef[j] = (r.nextDouble() - 0.5) / rows;
        }

        double[][] got = new double[4][];
        double[][] want = new double[4][];
        for (int v = 0; v < 2; v++) {
            FloatKernels k = v == 0 ? kern : plain;
            double[] sums = new double[cols + 1];
            double[] sq = new double[cols + 1];
            double[] sdy = new double[cols + 1];
            double[] sdx = new double[cols + 1];
            sums[cols] = sq[cols] = sdy[cols] = sdx[cols] = 42.0; // one past the features: untouched
            java.util.Arrays.fill(sums, 0, cols, 0.25); // accumulates onto what is there
            k.columnSums(x, rows, cols, sums);
            k.columnSquaredDeviations(x, rows, cols, mean, sq);
            k.columnSumsAndDots(dy, x, rows, cols, sdy, sdx);
            for (double[] acc : new double[][] {sums, sq, sdy, sdx}) {
                assertThat(acc[cols]).as("%s: accumulator beyond cols", k.name()).isEqualTo(42.0);
            }
            (v == 0 ? got : want)[0] = sums;
            (v == 0 ? got : want)[1] = sq;
            (v == 0 ? got : want)[2] = sdy;
            (v == 0 ? got : want)[3] = sdx;
        }
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < cols; j++) {
                assertThat(Double.doubleToRawLongBits(got[i][j])).as("%s reduction %d feature %d", name, i, j)
                        .isEqualTo(Double.doubleToRawLongBits(want[i][j]));
            }
        }
        // and they are the sums they claim to be
        for (int j = 0; j < cols; j++) {
            double s = 0.25;
            for (int row = 0; row < rows; row++) {
                s += x[row * cols + j];
            }
            assertThat(got[0][j]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-12 * rows));
        }

        for (boolean withXhat : new boolean[] {true, false}) {
            float[] xhat = withXhat ? padded(new float[0], rows * cols) : null;
            float[] out = padded(new float[0], rows * cols);
            float[] xhatRef = withXhat ? padded(new float[0], rows * cols) : null;
            float[] outRef = padded(new float[0], rows * cols);
            kern.normalize(x, rows, cols, mean, invStd, scale, shift, xhat, out);
            plain.normalize(x, rows, cols, mean, invStd, scale, shift, xhatRef, outRef);
            assertPadIntact(name + " normalize out", out, rows * cols);
            assertThat(bits(out)).as("%s normalize out", name).isEqualTo(bits(outRef));
            if (withXhat) {
                assertPadIntact(name + " normalize xhat", xhat, rows * cols);
                assertThat(bits(xhat)).as("%s normalize xhat", name).isEqualTo(bits(xhatRef));
                int last = rows * cols - 1;
                double xh = (x[last] - mean[cols - 1]) * invStd[cols - 1];
                assertThat(xhat[last]).isEqualTo((float) xh);
                assertThat(out[last]).isEqualTo((float) (xh * scale[cols - 1] + shift[cols - 1]));
            }
        }

        float[] dx = padded(new float[0], rows * cols);
        float[] dxRef = padded(new float[0], rows * cols);
        kern.normalizeBackward(dy, x, rows, cols, coef, want[2], want[3], dx);
        plain.normalizeBackward(dy, x, rows, cols, coef, want[2], want[3], dxRef);
        assertPadIntact(name + " normalizeBackward dx", dx, rows * cols);
        assertThat(bits(dx)).as("%s normalizeBackward", name).isEqualTo(bits(dxRef));
        int last = rows * cols - 1;
        assertThat(dx[last]).isEqualTo((float) (coef[cols - 1]
                * ((double) rows * dy[last] - want[2][cols - 1] - x[last] * want[3][cols - 1])));
    }

    @ParameterizedTest
    @MethodSource("allKernels")
    void allFiniteFindsEveryNonFiniteValueWherever(String name) {
        FloatKernels kern = kernels(name);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffc00000)};
        assertThat(kern.allFinite(new float[0])).isTrue();
        for (int len : VECTOR_LENGTHS) {
            float[] a = data(len * 3L, len);
            a[0] = Float.MAX_VALUE;
            a[len - 1] = -Float.MAX_VALUE;
            if (len > 2) {
                a[1] = Float.MIN_VALUE;
                a[2] = -0f;
            }
            assertThat(kern.allFinite(a)).as("%s finite len %d", name, len).isTrue();
            for (int pos : new int[] {0, len / 2, len - 1}) {
                for (float bad : specials) {
                    float keep = a[pos];
                    a[pos] = bad;
                    assertThat(kern.allFinite(a)).as("%s: %s at %d of %d", name, bad, pos, len).isFalse();
                    a[pos] = keep;
                }
            }
        }
    }

    @Test
    void providerNamesAndChoice() {
        assertThat(KernelProvider.named("plain").name()).isEqualTo("plain");
        assertThat(KernelProvider.named("portable").name()).isEqualTo("portable");
        assertThatThrownBy(() -> KernelProvider.named("gpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gpu");
        if (KernelProvider.vectorModulePresent()) {
            assertThat(KernelProvider.named("vector").name()).startsWith("vector");
        } else {
            assertThatThrownBy(() -> KernelProvider.named("vector")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("--add-modules jdk.incubator.vector");
        }
        String property = System.getProperty(KernelProvider.PROPERTY, "auto");
        if (!"auto".equals(property)) {
            assertThat(KernelProvider.get().name()).startsWith(property);
        }
    }

    /** Fast kernels exist so that the fast path is tested: the vector run must really load them. */
    @ParameterizedTest
    @ValueSource(strings = "vector")
    void vectorRunLoadsVectorKernels(String name) {
        assumeTrue("vector".equals(System.getProperty(KernelProvider.PROPERTY)), "not the vector-kernels run");
        assertThat(KernelProvider.vectorModulePresent()).isTrue();
        assertThat(KernelProvider.get().name()).startsWith(name);
    }
}
