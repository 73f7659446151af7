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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: full training steps (forward, loss, backward, optimizer) on synthetic data,
 * one independent model per thread; prints one JSON line per run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark full training steps (W1/W2/W3 or --config) and print JSON lines.",
                "",
                "Times full training steps (forward, loss, backward, optimizer update) on synthetic float32 data, "
                        + "T threads each training its own model, and prints one JSON line per run: workload, batch, "
                        + "threads, examplesPerSecond, microsPerStep, gflops (6 x dense weights x examples / s), "
                        + "kernel path, allocated bytes per step after warm-up.",
                "  W1  32-64-64-1 relu, MSE (batch > 1: 32-64-BN-64-BN-1)   default batch 1",
                "  W2  128-256-BN-Dropout(0.2)-256-BN-10 softmax, CCE       default batch 64",
                "  W3  784-512-BN-512-BN-10 softmax, CCE                    default batch 128",
                "All with Adam(1e-3)."})
final class BenchCommand extends CliCommand {
    private static final String ADAM = "{\"type\":\"adam\",\"learningRate\":0.001}";

    /** The built-in benchmark models. */
    enum Workload { W1, W2, W3 }

    @Option(names = "--workload", paramLabel = "W", description = "W1, W2 or W3 (default W1)")
    private Workload workloadOption = Workload.W1;

    @Option(names = "--batch", paramLabel = "N", converter = Converters.PositiveInt.class,
            description = "batch size (default: per workload; 32 with --config)")
    private Integer batchOption;

    @Option(names = "--threads", paramLabel = "T", converter = Converters.PositiveInt.class,
            description = "threads, each training its own model (default 1)")
    private int threadsOption = 1;

    @Option(names = "--seconds", paramLabel = "S", description = "timed seconds per run (default 5)")
    private double secondsOption = 5;

    @Option(names = "--warmup", paramLabel = "S", description = "warm-up seconds per run (default 3)")
    private double warmupOption = 3;

    @Option(names = "--runs", paramLabel = "R", converter = Converters.PositiveInt.class,
            description = "runs, one JSON line each (default 1)")
    private int runsOption = 1;

    @Option(names = "--config", paramLabel = "FILE",
            description = "benchmark a YAML/JSON document with `model` and `optimizer` (conformance schema) instead")
    private Path configOption;

    @Option(names = "--kernels", paramLabel = "K",
            description = {"kernel path: plain|portable|vector|auto (default auto: vector when the JVM runs with "
                    + "--add-modules jdk.incubator.vector, else portable; plain = original loops)"})
    private String kernelsOption;

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        String workload = workloadOption.name();
        Integer batch = batchOption;
        int threads = threadsOption;
        double seconds = secondsOption;
        double warmup = warmupOption;
        int runs = runsOption;
        String config = configOption == null ? null : configOption.toString();
        if (kernelsOption != null) {
            System.setProperty(KernelProvider.PROPERTY, kernelsOption);
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

    static String workloadSpec(String workload, int batch) {
        return switch (workload) {
            case "W1" -> batch == 1
                    ? model(32, "meanSquaredError", dense(64, "relu"), dense(64, "relu"), dense(1, "linear"))
                    : model(32, "meanSquaredError", dense(64, "relu"), bn(), dense(64, "relu"), bn(),
                            dense(1, "linear"));
            case "W2" -> model(128, "categoricalCrossentropy", dense(256, "relu"), bn(),
                    "{\"type\":\"dropout\",\"rate\":0.2}", dense(256, "relu"), bn(), dense(10, "softmax"));
            case "W3" -> model(784, "categoricalCrossentropy", dense(512, "relu"), bn(), dense(512, "relu"), bn(),
                    dense(10, "softmax"));
            default -> throw new IllegalArgumentException("unknown workload " + workload + " (W1, W2, W3)");
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
