package io.streamgrad.model.kernel;

import static jdk.incubator.vector.VectorOperators.D2F;
import static jdk.incubator.vector.VectorOperators.F2D;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double-precision passes of {@link FloatKernels} (BatchNormalization, sum of squares) in
 * Vector API form, bit for bit equal to the scalar defaults: one float vector is widened into two
 * double vectors of the same shape ({@code convertShape} parts 0 and 1; a half-width float species
 * would defeat the GEMM intrinsics on JDK 17), every element then goes through the same double
 * operations in the same order as the scalar loop (no FMA contraction where the scalar code
 * rounds a product), and results are narrowed back the same way. Columns past the last full
 * vector run the scalar loop. The conversions are written out in every loop on purpose: a helper
 * method taking a vector, once compiled on its own, is no longer inlined and boxes its argument.
 */
final class VectorStatistics {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int H = D.length();
    /** Lanes of the upper half, where the second narrowed part lands. */
    private static final VectorMask<Float> UPPER = VectorMask.fromLong(S, ((1L << L) - 1) & ~((1L << H) - 1));

    private VectorStatistics() {}

    /** True when the double species holds exactly half a float vector (the widening above needs it). */
    static boolean supported() {
        return 2 * H == L;
    }

    static void columnSums(float[] x, int rows, int cols, double[] acc) {
        int jv = S.loopBound(cols);
        for (int j = 0; j < jv; j += L) {
            DoubleVector a0 = DoubleVector.fromArray(D, acc, j);
            DoubleVector a1 = DoubleVector.fromArray(D, acc, j + H);
            for (int r = 0; r < rows; r++) {
                FloatVector v = FloatVector.fromArray(S, x, r * cols + j);
                a0 = a0.add((DoubleVector) v.convertShape(F2D, D, 0));
                a1 = a1.add((DoubleVector) v.convertShape(F2D, D, 1));
            }
            a0.intoArray(acc, j);
            a1.intoArray(acc, j + H);
        }
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = jv; j < cols; j++) {
                acc[j] += x[o + j];
            }
        }
    }

    static void columnSquaredDeviations(float[] x, int rows, int cols, double[] mean, double[] acc) {
        int jv = S.loopBound(cols);
        for (int j = 0; j < jv; j += L) {
            DoubleVector m0 = DoubleVector.fromArray(D, mean, j);
            DoubleVector m1 = DoubleVector.fromArray(D, mean, j + H);
            DoubleVector a0 = DoubleVector.fromArray(D, acc, j);
            DoubleVector a1 = DoubleVector.fromArray(D, acc, j + H);
            for (int r = 0; r < rows; r++) {
                FloatVector v = FloatVector.fromArray(S, x, r * cols + j);
                DoubleVector d0 = ((DoubleVector) v.convertShape(F2D, D, 0)).sub(m0);
                DoubleVector d1 = ((DoubleVector) v.convertShape(F2D, D, 1)).sub(m1);
                a0 = a0.add(d0.mul(d0));
                a1 = a1.add(d1.mul(d1));
            }
            a0.intoArray(acc, j);
            a1.intoArray(acc, j + H);
        }
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = jv; j < cols; j++) {
                double d = x[o + j] - mean[j];
                acc[j] += d * d;
            }
        }
    }

    static void normalize(float[] x, int rows, int cols, double[] mean, double[] invStd, double[] scale,
                          double[] shift, float[] xhat, float[] out) {
        int jv = S.loopBound(cols);
        for (int j = 0; j < jv; j += L) {
            DoubleVector m0 = DoubleVector.fromArray(D, mean, j);
            DoubleVector m1 = DoubleVector.fromArray(D, mean, j + H);
            DoubleVector i0 = DoubleVector.fromArray(D, invStd, j);
            DoubleVector i1 = DoubleVector.fromArray(D, invStd, j + H);
            DoubleVector s0 = DoubleVector.fromArray(D, scale, j);
            DoubleVector s1 = DoubleVector.fromArray(D, scale, j + H);
            DoubleVector t0 = DoubleVector.fromArray(D, shift, j);
            DoubleVector t1 = DoubleVector.fromArray(D, shift, j + H);
            for (int r = 0; r < rows; r++) {
                int o = r * cols + j;
                FloatVector v = FloatVector.fromArray(S, x, o);
                DoubleVector h0 = ((DoubleVector) v.convertShape(F2D, D, 0)).sub(m0).mul(i0);
                DoubleVector h1 = ((DoubleVector) v.convertShape(F2D, D, 1)).sub(m1).mul(i1);
                if (xhat != null) {
                    FloatVector lo = (FloatVector) h0.convertShape(D2F, S, 0);
                    lo.blend((FloatVector) h1.convertShape(D2F, S, -1), UPPER).intoArray(xhat, o);
                }
                FloatVector lo = (FloatVector) h0.mul(s0).add(t0).convertShape(D2F, S, 0);
                lo.blend((FloatVector) h1.mul(s1).add(t1).convertShape(D2F, S, -1), UPPER).intoArray(out, o);
            }
        }
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = jv; j < cols; j++) {
                double xh = (x[o + j] - mean[j]) * invStd[j];
                if (xhat != null) {
                    xhat[o + j] = (float) xh;
                }
                out[o + j] = (float) (xh * scale[j] + shift[j]);
            }
        }
    }

    static void columnSumsAndDots(float[] dy, float[] xhat, int rows, int cols, double[] sumDy,
                                  double[] sumDyXhat) {
        int jv = S.loopBound(cols);
        for (int j = 0; j < jv; j += L) {
            DoubleVector a0 = DoubleVector.fromArray(D, sumDy, j);
            DoubleVector a1 = DoubleVector.fromArray(D, sumDy, j + H);
            DoubleVector b0 = DoubleVector.fromArray(D, sumDyXhat, j);
            DoubleVector b1 = DoubleVector.fromArray(D, sumDyXhat, j + H);
            for (int r = 0; r < rows; r++) {
                int o = r * cols + j;
                FloatVector g = FloatVector.fromArray(S, dy, o);
                FloatVector h = FloatVector.fromArray(S, xhat, o);
                DoubleVector g0 = (DoubleVector) g.convertShape(F2D, D, 0);
                DoubleVector g1 = (DoubleVector) g.convertShape(F2D, D, 1);
                DoubleVector h0 = (DoubleVector) h.convertShape(F2D, D, 0);
                DoubleVector h1 = (DoubleVector) h.convertShape(F2D, D, 1);
                a0 = a0.add(g0);
                a1 = a1.add(g1);
                b0 = b0.add(g0.mul(h0)); // float × float is exact in double: no rounding to keep
                b1 = b1.add(g1.mul(h1));
            }
            a0.intoArray(sumDy, j);
            a1.intoArray(sumDy, j + H);
            b0.intoArray(sumDyXhat, j);
            b1.intoArray(sumDyXhat, j + H);
        }
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = jv; j < cols; j++) {
                sumDy[j] += dy[o + j];
                sumDyXhat[j] += (double) dy[o + j] * xhat[o + j];
            }
        }
    }

    static void normalizeBackward(float[] dy, float[] xhat, int rows, int cols, double[] coef, double[] sumDy,
                                  double[] sumDyXhat, float[] dx) {
        double b = rows;
        int jv = S.loopBound(cols);
        for (int j = 0; j < jv; j += L) {
            DoubleVector c0 = DoubleVector.fromArray(D, coef, j);
            DoubleVector c1 = DoubleVector.fromArray(D, coef, j + H);
            DoubleVector s0 = DoubleVector.fromArray(D, sumDy, j);
            DoubleVector s1 = DoubleVector.fromArray(D, sumDy, j + H);
            DoubleVector q0 = DoubleVector.fromArray(D, sumDyXhat, j);
            DoubleVector q1 = DoubleVector.fromArray(D, sumDyXhat, j + H);
            for (int r = 0; r < rows; r++) {
                int o = r * cols + j;
                FloatVector g = FloatVector.fromArray(S, dy, o);
                FloatVector h = FloatVector.fromArray(S, xhat, o);
                DoubleVector g0 = (DoubleVector) g.convertShape(F2D, D, 0);
                DoubleVector g1 = (DoubleVector) g.convertShape(F2D, D, 1);
                DoubleVector h0 = (DoubleVector) h.convertShape(F2D, D, 0);
                DoubleVector h1 = (DoubleVector) h.convertShape(F2D, D, 1);
                DoubleVector d0 = c0.mul(g0.mul(b).sub(s0).sub(h0.mul(q0)));
                DoubleVector d1 = c1.mul(g1.mul(b).sub(s1).sub(h1.mul(q1)));
                FloatVector lo = (FloatVector) d0.convertShape(D2F, S, 0);
                lo.blend((FloatVector) d1.convertShape(D2F, S, -1), UPPER).intoArray(dx, o);
            }
        }
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = jv; j < cols; j++) {
                dx[o + j] = (float) (coef[j] * (b * dy[o + j] - sumDy[j] - xhat[o + j] * sumDyXhat[j]));
            }
        }
    }

    /**
     * The order of {@link PortableKernels#sumSquares8}: with 8 double lanes, lane l is the
     * accumulator of indices ≡ l (mod 8); {@code acc + x·x} and {@code fma(x, x, acc)} agree
     * because a float square is exact in double.
     */
    static double sumSquares(float[] g) {
        if (H != 8) {
            return PortableKernels.sumSquares8(g);
        }
        int n = g.length;
        int nv = S.loopBound(n);
        DoubleVector acc = DoubleVector.zero(D);
        int i = 0;
        for (; i < nv; i += L) {
            FloatVector v = FloatVector.fromArray(S, g, i);
            DoubleVector lo = (DoubleVector) v.convertShape(F2D, D, 0);
            DoubleVector hi = (DoubleVector) v.convertShape(F2D, D, 1);
            acc = lo.fma(lo, acc);
            acc = hi.fma(hi, acc);
        }
        return PortableKernels.sumSquares8(g, i, acc.lane(0), acc.lane(1), acc.lane(2), acc.lane(3), acc.lane(4),
                acc.lane(5), acc.lane(6), acc.lane(7));
    }
}
