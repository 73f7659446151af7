package io.streamgrad.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.model.bench.EngineThroughput;
import io.streamgrad.model.bench.Workload;
import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecParser;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench}: full training steps (forward, loss, backward, optimizer) on synthetic data,
 * one independent model per thread; prints one JSON line per run. The harness itself is
 * {@link EngineThroughput}; the pipeline and operator benchmarks live in the benchmarks module.
 */
final class BenchCommand implements Command {

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
            Workload w;
            try {
                w = Workload.named(workload);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            if (batch == null) {
                batch = w.defaultBatch();
            }
            model = w.model(batch);
            optimizer = Workload.adam();
            label = w.name();
        }
        EngineThroughput bench = new EngineThroughput(label, model, optimizer, batch);
        for (int r = 0; r < runs; r++) {
            out.println(bench.run(threads, seconds, warmup));
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
}
