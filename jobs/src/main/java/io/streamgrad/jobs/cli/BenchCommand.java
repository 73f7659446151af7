package io.streamgrad.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.model.kernel.FloatKernels;
import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code bench}: full training steps (forward, loss, backward, optimizer) on synthetic data,
 * one independent model per thread; prints one JSON line per run.
 */
final class BenchCommand implements Command {
    private static final String ADAM = "{\"type\":\"adam\",\"learningRate\":0.001}";

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "benchmark full training steps (W1/W2/W3 or --config) and print JSON lines";
    }

    @Override
    public String usage() {
        return """
                Usage: streamgrad bench [--workload W1|W2|W3] [--batch N] [--threads T] [--seconds S]
                                        [--warmup S] [--runs R] [--config FILE] [--kernels K]

                Times full training steps (forward, loss, backward, optimizer update) on synthetic
                float32 data, T threads each training its own model, and prints one JSON line per
                run: workload, batch, threads, examplesPerSecond, microsPerStep, gflops (6 x dense
                weights x examples / s), kernel path, allocated bytes per step after warm-up.
                  W1  32-64-64-1 relu, MSE (batch > 1: 32-64-BN-64-BN-1)        default batch 1
                  W2  128-256-BN-Dropout(0.2)-256-BN-10 softmax, CCE            default batch 64
                  W3  784-512-BN-512-BN-10 softmax, CCE                         default batch 128
                All with Adam(1e-3). --config FILE benchmarks a YAML/JSON document with `model` and
                `optimizer` (conformance schema) instead. --kernels plain|portable|vector|auto picks
                the kernel path (default auto: vector when the JVM runs with
                --add-modules jdk.incubator.vector, else portable; plain = original loops).
                Defaults: --threads 1 --seconds 5 --warmup 3 --runs 1.
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        String workload = "W1";
        Integer batch = null;
        int threads = 1;
        double seconds = 5;
        double warmup = 3;
        int runs = 1;
        String config = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (i + 1 >= args.size()) {
                throw new UsageException("option " + a + " needs a value");
            }
            String v = args.get(++i);
            switch (a) {
                case "--workload" -> workload = v.toUpperCase(Locale.ROOT);
                case "--batch" -> batch = positive(a, v);
                case "--threads" -> threads = positive(a, v);
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--runs" -> runs = positive(a, v);
                case "--config" -> config = v;
                case "--kernels" -> System.setProperty(KernelProvider.PROPERTY, v);
                default -> throw new UsageException("unknown option " + a);
            }
        }
        ModelSpec model;
        OptimizerSpec optimizer;
        String label;
        if (config != null) {
            JsonNode doc = SpecParser.readTree(Files.readString(Path.of(config)));
            model = SpecParser.model(doc.path("model"));
            optimizer = SpecParser.optimizer(doc.path("optimizer"));
            label = "config:" + Path.of(config).getFileName();
            if (batch == null) {
                batch = 32;
            }
        } else {
            if (batch == null) {
                batch = switch (workload) {
                    case "W2" -> 64;
                    case "W3" -> 128;
                    default -> 1;
                };
            }
            JsonNode doc = SpecParser.readTree(workloadSpec(workload, batch));
            model = SpecParser.model(doc);
            optimizer = SpecParser.optimizer(SpecParser.readTree(ADAM));
            label = workload;
        }
        FloatKernels kernels = KernelProvider.get();
        long weights = denseWeights(model);
        for (int r = 0; r < runs; r++) {
            out.println(runOnce(label, model, optimizer, batch, threads, seconds, warmup, weights, kernels));
            out.flush();
        }
        return 0;
    }

    private static int positive(String option, String v) throws UsageException {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs an integer, got " + v);
        }
        if (n < 1) {
            throw new UsageException(option + " must be >= 1");
        }
        return n;
    }

    static String workloadSpec(String workload, int batch) throws UsageException {
        return switch (workload) {
            case "W1" -> batch == 1
                    ? model(32, "meanSquaredError", dense(64, "relu"), dense(64, "relu"), dense(1, "linear"))
                    : model(32, "meanSquaredError", dense(64, "relu"), bn(), dense(64, "relu"), bn(),
                            dense(1, "linear"));
            case "W2" -> model(128, "categoricalCrossentropy", dense(256, "relu"), bn(),
                    "{\"type\":\"dropout\",\"rate\":0.2}", dense(256, "relu"), bn(), dense(10, "softmax"));
            case "W3" -> model(784, "categoricalCrossentropy", dense(512, "relu"), bn(), dense(512, "relu"), bn(),
                    dense(10, "softmax"));
            default -> throw new UsageException("unknown workload " + workload + " (W1, W2, W3)");
        };
    }

    private static String model(int inputDim, String loss, String... layers) {
        return "{\"inputDim\":" + inputDim + ",\"loss\":\"" + loss + "\",\"layers\":[" + String.join(",", layers)
                + "]}";
    }

    private static String dense(int units, String activation) {
        return "{\"type\":\"dense\",\"units\":" + units + ",\"activation\":\"" + activation + "\"}";
    }

    private static String bn() {
        return "{\"type\":\"batchNormalization\"}";
    }

    private static long denseWeights(ModelSpec model) {
        long total = 0;
        int width = model.inputDim();
        for (LayerSpec l : model.layers()) {
            if (l instanceof LayerSpec.Dense d) {
                total += (long) width * d.units();
                width = d.units();
            }
        }
        return total;
    }

    private static String runOnce(String label, ModelSpec model, OptimizerSpec optimizer, int batch, int threads,
                                  double seconds, double warmup, long weights, FloatKernels kernels)
            throws InterruptedException {
        Worker[] workers = new Worker[threads];
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Worker(model, optimizer, batch, 1234 + t, warmup, seconds);
            ts[t] = new Thread(workers[t], "bench-" + t);
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        long steps = 0;
        double maxElapsed = 0;
        long allocated = 0;
        double stepsPerSecond = 0;
        for (Worker w : workers) {
            if (w.failure != null) {
                throw new IllegalStateException("benchmark thread failed", w.failure);
            }
            steps += w.steps;
            allocated += w.allocatedBytes;
            maxElapsed = Math.max(maxElapsed, w.elapsedNanos / 1e9);
            stepsPerSecond += w.steps / (w.elapsedNanos / 1e9);
        }
        double exPerSec = stepsPerSecond * batch;
        double microsPerStep = threads * 1e6 / stepsPerSecond;
        double gflops = exPerSec * 6.0 * weights / 1e9;
        return String.format(Locale.ROOT,
                "{\"workload\":\"%s\",\"batch\":%d,\"threads\":%d,\"examplesPerSecond\":%.1f,\"microsPerStep\":%.3f,"
                        + "\"gflops\":%.3f,\"kernels\":\"%s\",\"vectorModule\":%b,\"steps\":%d,\"seconds\":%.3f,"
                        + "\"denseWeights\":%d,\"allocatedBytesPerStep\":%.2f,\"jvm\":\"%s\",\"jvmArgs\":\"%s\"}",
                label, batch, threads, exPerSec, microsPerStep, gflops, kernels.name(),
                KernelProvider.vectorModulePresent(), steps, maxElapsed, weights,
                steps == 0 ? 0.0 : (double) allocated / steps, System.getProperty("java.vm.version"),
                String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()).replace("\"", "'"));
    }

    /** One thread training its own model on a fixed ring of synthetic batches. */
    private static final class Worker implements Runnable {
        private final Trainer trainer;
        private final ModelState state;
        private final MiniBatch[] batches;
        private final double warmup;
        private final double seconds;
        long steps;
        long elapsedNanos;
        long allocatedBytes;
        Throwable failure;

        Worker(ModelSpec model, OptimizerSpec optimizer, int batch, long seed, double warmup, double seconds) {
            this.trainer = new Trainer(model, optimizer);
            this.state = trainer.newState(seed);
            this.warmup = warmup;
            this.seconds = seconds;
            SplittableRandom rnd = new SplittableRandom(seed);
            int in = model.inputDim();
            int out = trainer.network().outputDim();
            boolean classes = model.loss() != LossKind.MEAN_SQUARED_ERROR;
            List<MiniBatch> list = new ArrayList<>();
            for (int b = 0; b < 8; b++) {
                float[][] x = new float[batch][in];
                float[][] y = new float[batch][out];
                for (int r = 0; r < batch; r++) {
                    for (int j = 0; j < in; j++) {
                        x[r][j] = (float) (rnd.nextDouble() * 2 - 1);
                    }
                    if (classes) {
                        y[r][rnd.nextInt(out)] = 1f;
                    } else {
                        for (int j = 0; j < out; j++) {
                            y[r][j] = (float) (rnd.nextDouble() * 2 - 1);
                        }
                    }
                }
                list.add(MiniBatch.of(x, y));
            }
            batches = list.toArray(new MiniBatch[0]);
        }

        @Override
        public void run() {
            try {
                StepResult result = new StepResult();
                long end = System.nanoTime() + (long) (warmup * 1e9);
                long i = 0;
                while (System.nanoTime() < end) {
                    trainer.step(state, batches[(int) (i++ & 7)], result);
                }
                com.sun.management.ThreadMXBean mx =
                        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long tid = Thread.currentThread().getId();
                long alloc0 = mx.getThreadAllocatedBytes(tid);
                long start = System.nanoTime();
                long stop = start + (long) (seconds * 1e9);
                long n = 0;
                long now;
                do {
                    for (int k = 0; k < 8; k++) {
                        trainer.step(state, batches[k], result);
                    }
                    n += 8;
                    now = System.nanoTime();
                } while (now < stop);
                elapsedNanos = now - start;
                allocatedBytes = mx.getThreadAllocatedBytes(tid) - alloc0;
                steps = n;
            } catch (Throwable t) {
                failure = t;
            }
        }
    }
}
