package io.streamgrad.bench.kernel;

import io.streamgrad.model.kernel.FloatKernels;
import io.streamgrad.model.kernel.KernelProvider;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Kernel micro-benchmarks, one Dense layer's three products and its Adam update, per kernel
 * path. Shapes {@code m x n x k} = batch x units x inputs of the W1-W3 layers. GFLOP/s =
 * 2·m·n·k / time. Run: {@code java -jar benchmarks/target/streamgrad-bench.jar kernels}
 * (add JMH options, e.g. {@code -p kernels=vector}, to narrow).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBench {
    @Param({"plain", "portable", "vector"})
    public String kernels;

    @Param({"32x64x64", "64x256x256", "128x512x784", "128x10x512"})
    public String shape;

    private FloatKernels k;
    private int m;
    private int n;
    private int kk;
    private float[] x;
    private float[] w;
    private float[] y;
    private float[] dz;
    private float[] dw;
    private float[] dx;
    private float[] bias;
    private float[] scratch;
    private float[] mom;
    private float[] vel;

    @Setup
    public void setup() {
        k = KernelProvider.named(kernels);
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        n = Integer.parseInt(p[1]);
        kk = Integer.parseInt(p[2]);
        SplittableRandom r = new SplittableRandom(42);
        x = random(r, m * kk);
        w = random(r, kk * n);
        dz = random(r, m * n);
        bias = random(r, n);
        y = new float[m * n];
        dw = new float[kk * n];
        dx = new float[m * kk];
        scratch = new float[Math.max(1, k.ntScratchSize(m, kk, n))];
        mom = new float[kk * n];
        vel = new float[kk * n];
    }

    private static float[] random(SplittableRandom r, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** Forward x·W + bias, relu. */
    @Benchmark
    public float[] forward() {
        k.denseForward(m, n, kk, x, w, bias, true, y);
        return y;
    }

    /** Kernel gradient xᵀ·dz. */
    @Benchmark
    public float[] kernelGradient() {
        k.gemmTN(kk, n, m, x, dz, dw);
        return dw;
    }

    /** Input gradient dz·Wᵀ. */
    @Benchmark
    public float[] inputGradient() {
        k.gemmNT(m, kk, n, dz, w, dx, scratch);
        return dx;
    }

    /** Adam update of the kernel (float32 vector form where available, else a float loop). */
    @Benchmark
    public float[] adam() {
        if (k.hasAdam()) {
            k.adam(w, dz.length >= w.length ? dz : dw, mom, vel, 0.1f, 0.001f, 1e-7f, 1e-7f);
        } else {
            float[] g = dw;
            for (int i = 0; i < w.length; i++) {
                double gi = g[i];
                float mi = (float) (mom[i] + (gi - mom[i]) * 0.1);
                float vi = (float) (vel[i] + (gi * gi - vel[i]) * 0.001);
                mom[i] = mi;
                vel[i] = vi;
                w[i] = (float) (w[i] - 1e-7 * mi / (Math.sqrt(vi) + 1e-7));
            }
        }
        return w;
    }
}
