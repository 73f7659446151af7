package io.streamgrad.model.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Dense layer's forward and backward products on every kernel path, checked against EJML: an
 * independent, well-tested float32 matrix library kept only as the reference for the hand-written
 * kernels (the plain loops are ours too, so agreeing with them alone could hide a shared mistake).
 *
 * <p>Tolerance: EJML and each kernel path sum the {@code k} products of an element in different
 * orders (blocked, vectorized, with or without FMA), so bit equality is not expected. Any float32
 * summation order lands within about {@code (k+1)·u·Σ|terms|} of the exact value (u = 2⁻²⁴), so two
 * such results differ by at most twice {@link KernelEquivalenceTest#bound}, which adds a factor 2
 * for the bias add and relu. Σ|terms| is itself computed with EJML from the absolute values.
 */
class KernelEjmlReferenceTest {

    /** The odd shapes of the equivalence test plus the real W1-W3 layer shapes (batch x units x inputs). */
    static Stream<Arguments> kernelsAndShapes() {
        List<int[]> shapes = new ArrayList<>(List.of(KernelEquivalenceTest.SHAPES));
        shapes.addAll(List.of(new int[] {32, 64, 32}, new int[] {64, 256, 128}, new int[] {128, 512, 784},
                new int[] {128, 10, 512}));
        List<Arguments> out = new ArrayList<>();
        for (String name : List.of("plain", "portable", "vector")) {
            for (int[] s : shapes) {
                out.add(Arguments.of(name, s[0], s[1], s[2]));
            }
        }
        return out.stream();
    }

    /** Forward {@code y = relu(x·W + bias)}, x [m×k], W [k×n]. */
    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("kernelsAndShapes")
    void denseForward(String name, int m, int n, int k) {
        FloatKernels kern = KernelEquivalenceTest.kernels(name);
        long seed = KernelEquivalenceTest.seed("ejml-fwd", m, n, k);
        FMatrixRMaj x = matrix(m, k, seed);
        FMatrixRMaj w = matrix(k, n, seed + 1);
        float[] bias = KernelEquivalenceTest.data(seed + 2, n);
        for (boolean relu : new boolean[] {false, true}) {
            float[] y = new float[m * n];
            kern.denseForward(m, n, k, x.data, w.data, bias, relu, y);

            FMatrixRMaj want = new FMatrixRMaj(m, n);
            for (int i = 0; i < m; i++) {
                System.arraycopy(bias, 0, want.data, i * n, n);
            }
            CommonOps_FDRM.multAdd(x, w, want);
            FMatrixRMaj mag = new FMatrixRMaj(m, n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    mag.data[i * n + j] = Math.abs(bias[j]);
                }
            }
            CommonOps_FDRM.multAdd(abs(x), abs(w), mag);
            if (relu) {
                for (int i = 0; i < want.data.length; i++) {
                    want.data[i] = Math.max(0f, want.data[i]);
                }
            }
            assertCloseToEjml(name + " denseForward relu=" + relu, k, y, want, mag);
        }
    }

    /** Kernel gradient {@code dW = xᵀ·dz}, x [m×k], dz [m×n]: gemmTN with (M, N, K) = (k, n, m). */
    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("kernelsAndShapes")
    void kernelGradient(String name, int m, int n, int k) {
        FloatKernels kern = KernelEquivalenceTest.kernels(name);
        long seed = KernelEquivalenceTest.seed("ejml-dw", m, n, k);
        FMatrixRMaj x = matrix(m, k, seed);
        FMatrixRMaj dz = matrix(m, n, seed + 1);
        float[] dw = KernelEquivalenceTest.data(seed + 2, k * n); // overwritten, not accumulated
        kern.gemmTN(k, n, m, x.data, dz.data, dw);

        FMatrixRMaj want = new FMatrixRMaj(k, n);
        CommonOps_FDRM.multTransA(x, dz, want);
        FMatrixRMaj mag = new FMatrixRMaj(k, n);
        CommonOps_FDRM.multTransA(abs(x), abs(dz), mag);
        assertCloseToEjml(name + " gemmTN (x^T dz)", m, dw, want, mag);
    }

    /** Input gradient {@code dx = dz·Wᵀ}, dz [m×n], W [k×n]: gemmNT with (M, N, K) = (m, k, n). */
    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("kernelsAndShapes")
    void inputGradient(String name, int m, int n, int k) {
        FloatKernels kern = KernelEquivalenceTest.kernels(name);
        long seed = KernelEquivalenceTest.seed("ejml-dx", m, n, k);
        FMatrixRMaj dz = matrix(m, n, seed);
        FMatrixRMaj w = matrix(k, n, seed + 1);
        float[] dx = KernelEquivalenceTest.data(seed + 2, m * k);
        int scratch = kern.ntScratchSize(m, k, n);
        kern.gemmNT(m, k, n, dz.data, w.data, dx, scratch == 0 ? null : new float[scratch]);

        FMatrixRMaj want = new FMatrixRMaj(m, k);
        CommonOps_FDRM.multTransB(dz, w, want);
        FMatrixRMaj mag = new FMatrixRMaj(m, k);
        CommonOps_FDRM.multTransB(abs(dz), abs(w), mag);
        assertCloseToEjml(name + " gemmNT (dz W^T)", n, dx, want, mag);
    }

    /** Accumulating product {@code C += A·B}, A [m×k], B [k×n]. */
    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("kernelsAndShapes")
    void accumulatingProduct(String name, int m, int n, int k) {
        FloatKernels kern = KernelEquivalenceTest.kernels(name);
        long seed = KernelEquivalenceTest.seed("ejml-nn", m, n, k);
        FMatrixRMaj a = matrix(m, k, seed);
        FMatrixRMaj b = matrix(k, n, seed + 1);
        FMatrixRMaj c0 = matrix(m, n, seed + 2);
        float[] c = c0.data.clone();
        kern.gemmNN(m, n, k, a.data, b.data, c);

        FMatrixRMaj want = c0.copy();
        CommonOps_FDRM.multAdd(a, b, want);
        FMatrixRMaj mag = abs(c0);
        CommonOps_FDRM.multAdd(abs(a), abs(b), mag);
        assertCloseToEjml(name + " gemmNN (C + A B)", k, c, want, mag);
    }

    private static FMatrixRMaj matrix(int rows, int cols, long seed) {
        return new FMatrixRMaj(rows, cols, true, KernelEquivalenceTest.data(seed, rows * cols));
    }

    private static FMatrixRMaj abs(FMatrixRMaj a) {
        FMatrixRMaj out = a.copy();
        for (int i = 0; i < out.data.length; i++) {
            out.data[i] = Math.abs(out.data[i]);
        }
        return out;
    }

    /** {@code got} (row-major, want's shape) within twice the float32 summation bound of EJML's result. */
    private static void assertCloseToEjml(String what, int sumLength, float[] got, FMatrixRMaj want,
                                          FMatrixRMaj magnitude) {
        int cols = want.numCols;
        for (int idx = 0; idx < want.getNumElements(); idx++) {
            double err = Math.abs((double) got[idx] - want.data[idx]);
            double tol = 2 * KernelEquivalenceTest.bound(sumLength, magnitude.data[idx]);
            if (!(err <= tol)) {
                fail(String.format("%s [%dx%d, sums of %d] C[%d][%d] = %s, EJML gives %s (difference %.3g > %.3g)",
                        what, want.numRows, cols, sumLength, idx / cols, idx % cols, got[idx], want.data[idx], err,
                        tol));
            }
        }
    }
}
