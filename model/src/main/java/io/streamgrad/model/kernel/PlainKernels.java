package io.streamgrad.model.kernel;

import io.streamgrad.model.nn.Kernels;

/** The original plain loops ({@link Kernels}): the baseline every other path is measured against. */
final class PlainKernels implements FloatKernels {
    @Override
    public String name() {
        return "plain";
    }

    @Override
    public void denseForward(int m, int n, int k, float[] a, float[] b, float[] bias, boolean relu, float[] c) {
        FloatKernels.seedWithBias(m, n, bias, c);
        Kernels.gemmNN(m, n, k, a, b, c);
        if (relu) {
            PortableKernels.relu(c, m * n);
        }
    }

    @Override
    public void gemmNN(int m, int n, int k, float[] a, float[] b, float[] c) {
        Kernels.gemmNN(m, n, k, a, b, c);
    }

    @Override
    public void gemmTN(int m, int n, int k, float[] a, float[] b, float[] c) {
        Kernels.gemmTN(m, n, k, a, b, c);
    }

    @Override
    public void gemmNT(int m, int n, int k, float[] a, float[] b, float[] c, float[] scratch) {
        Kernels.gemmNT(m, n, k, a, b, c);
    }

    /** The original branchy loop (the baseline); same bits as the default. */
    @Override
    public void reluBackward(float[] out, float[] grad, int n) {
        for (int i = 0; i < n; i++) {
            if (!(out[i] > 0f)) {
                grad[i] = 0f;
            }
        }
    }

    @Override
    public double sumSquares(float[] g) {
        double s = 0;
        for (float x : g) {
            s += (double) x * x;
        }
        return s;
    }
}
