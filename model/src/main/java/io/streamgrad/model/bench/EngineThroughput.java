package io.streamgrad.model.bench;

import io.streamgrad.model.kernel.FloatKernels;
import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Times full training steps (forward, loss, backward, optimizer update) of one model specification,
 * {@code threads} threads each training its own copy, and reports each run as one JSON line.
 */
public final class EngineThroughput {
    private final String label;
    private final ModelSpec model;
    private final OptimizerSpec optimizer;
    private final int batch;
    private final long denseWeights;

    /** {@code label} names the workload in the output (e.g. {@code W1} or {@code config:my.yaml}). */
    public EngineThroughput(String label, ModelSpec model, OptimizerSpec optimizer, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1");
        }
        this.label = label;
        this.model = model;
        this.optimizer = optimizer;
        this.batch = batch;
        this.denseWeights = Workload.denseWeights(model);
    }

    /** One run: {@code warmupSeconds} untimed, then {@code seconds} timed; returns its JSON line. */
    public String run(int threads, double seconds, double warmupSeconds) throws InterruptedException {
        FloatKernels kernels = KernelProvider.get();
        TrainingLoop[] loops = new TrainingLoop[threads];
        Thread[] running = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            loops[t] = new TrainingLoop(model, optimizer, batch, 1234 + t, warmupSeconds, seconds);
            running[t] = new Thread(loops[t], "bench-" + t);
            running[t].start();
        }
        for (Thread t : running) {
            t.join();
        }
        long steps = 0;
        double maxElapsed = 0;
        long allocated = 0;
        double stepsPerSecond = 0;
        for (TrainingLoop loop : loops) {
            if (loop.failure() != null) {
                throw new IllegalStateException("benchmark thread failed", loop.failure());
            }
            steps += loop.steps();
            allocated += loop.allocatedBytes();
            maxElapsed = Math.max(maxElapsed, loop.elapsedNanos() / 1e9);
            stepsPerSecond += loop.steps() / (loop.elapsedNanos() / 1e9);
        }
        double examplesPerSecond = stepsPerSecond * batch;
        double microsPerStep = threads * 1e6 / stepsPerSecond;
        // forward x.W, then dW = x^T.dz and dx = dz.W^T: three products of 2 FLOPs per weight and example
        double gflops = examplesPerSecond * 6.0 * denseWeights / 1e9;
        return String.format(Locale.ROOT,
                "{\"workload\":\"%s\",\"batch\":%d,\"threads\":%d,\"examplesPerSecond\":%.1f,\"microsPerStep\":%.3f,"
                        + "\"gflops\":%.3f,\"kernels\":\"%s\",\"vectorModule\":%b,\"steps\":%d,\"seconds\":%.3f,"
                        + "\"denseWeights\":%d,\"allocatedBytesPerStep\":%.2f,\"jvm\":\"%s\",\"jvmArgs\":\"%s\"}",
                label, batch, threads, examplesPerSecond, microsPerStep, gflops, kernels.name(),
                KernelProvider.vectorModulePresent(), steps, maxElapsed, denseWeights,
                steps == 0 ? 0.0 : (double) allocated / steps, System.getProperty("java.vm.version"),
                String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()).replace("\"", "'"));
    }
}
