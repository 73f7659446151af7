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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: full training steps (forward, loss, backward, optimizer) on synthetic data,
 * one independent model per thread; prints one JSON line per run. The harness itself is
 * {@link EngineThroughput}; the pipeline and operator benchmarks live in the benchmarks module.
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
        if (kernelsOption != null) {
            System.setProperty(KernelProvider.PROPERTY, kernelsOption);
        }
        ModelSpec model;
        OptimizerSpec optimizer;
        String label;
        int batch;
        if (configOption != null) {
            JsonNode doc = SpecParser.readTree(Files.readString(configOption));
            model = SpecParser.model(doc.path("model"));
            optimizer = SpecParser.optimizer(doc.path("optimizer"));
            label = "config:" + configOption.getFileName();
            batch = batchOption != null ? batchOption : 32;
        } else {
            batch = batchOption != null ? batchOption : workloadOption.defaultBatch();
            model = workloadOption.model(batch);
            optimizer = Workload.adam();
            label = workloadOption.name();
        }
        EngineThroughput bench = new EngineThroughput(label, model, optimizer, batch);
        for (int r = 0; r < runsOption; r++) {
            out.println(bench.run(threadsOption, secondsOption, warmupOption));
            out.flush();
        }
        return 0;
    }
}
