package io.streamgrad.bench;

import io.streamgrad.bench.embedding.EmbeddingBench;
import io.streamgrad.bench.operator.ManyKeysBench;
import io.streamgrad.bench.operator.OperatorOverheadBench;
import io.streamgrad.bench.operator.ScoringBench;
import io.streamgrad.bench.pipeline.FreshnessBench;
import io.streamgrad.bench.pipeline.PipelineBench;
import io.streamgrad.bench.pipeline.ScoringPipelineBench;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code java -jar streamgrad-bench.jar COMMAND [OPTIONS]}: the benchmark harnesses. Engine throughput
 * of a user's own model stays in the product ({@code streamgrad bench}).
 */
public final class BenchMain {
    private static final String OVERVIEW = """
            Usage: java [--add-modules jdk.incubator.vector] -jar streamgrad-bench.jar COMMAND [OPTIONS]

            Commands (COMMAND --help for details):
              pipeline    Kafka -> Flink -> train -> Kafka (embedded broker, local Flink) with a stage
                          breakdown; one JSON line
              operator    per-batch operator overhead over a bare training step, heap and RocksDB; a table
              scoring     scoring vs training at batch 1 on W1/W2/W3, operator latency p50/p99; a table
              freshness   snapshot published -> first prediction with it, through the real ScoringJob
              scoring-pipeline  events -> predictions through the broker (real ScoringJob); one JSON line
              many-keys   10,000 W1 models in one operator (heap, throughput) and a W3 checkpoint; a table
              embeddings  per-step cost of an embedding vs its vocabulary size, dense (Keras) and sparse
                          updates; one JSON line per configuration
              kernels     JMH micro-benchmarks of the dense-layer kernels (any JMH options follow)
            Engine throughput (W1/W2/W3 or your own model): java -jar jobs/target/streamgrad.jar bench
            """;
    private static final String OPERATOR_USAGE = """
            Usage: streamgrad-bench operator [--reps 5]
              Best of --reps timed repetitions (after one warm-up) of three model sizes.
            """;
    private static final String MANY_KEYS_USAGE = """
            Usage: streamgrad-bench many-keys [--keys 10000] [--checkpoints-only]
              Give the JVM room for the models: java -Xmx4g -jar streamgrad-bench.jar many-keys
            """;

    private static final String SCORING_USAGE = """
            Usage: streamgrad-bench scoring [--seconds 3]
              Per workload: a training step, Predictor inference and the scoring operator at batch 1, one thread.
            """;

    private static final String FRESHNESS_USAGE = """
            Usage: streamgrad-bench freshness [--updates 5] [--at-least-once] [--checkpoint-ms 10000] [--compare]
              Embedded broker + local Flink; exactly-once by default (predictions visible at checkpoints), the
              scoring job's default checkpoint interval unless --checkpoint-ms; --compare: the defaults, an
              explicit 10 s interval and at-least-once in one run.
            """;

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        int code = run(List.of(args), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs one command; returns the exit code. JMH's {@code kernels} runs in its own main. */
    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || isHelp(args.get(0))) {
            out.print(OVERVIEW);
            return args.isEmpty() ? 2 : 0;
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        if (command.equals("kernels")) {
            org.openjdk.jmh.Main.main(rest.toArray(new String[0]));
            return 0;
        }
        String usage = switch (command) {
            case "pipeline" -> PipelineBench.usage();
            case "operator" -> OPERATOR_USAGE;
            case "many-keys" -> MANY_KEYS_USAGE;
            case "embeddings" -> EmbeddingBench.usage();
            case "scoring" -> SCORING_USAGE;
            case "freshness" -> FRESHNESS_USAGE;
            case "scoring-pipeline" -> ScoringPipelineBench.USAGE;
            default -> null;
        };
        if (usage == null) {
            err.println("unknown command '" + command + "'");
            err.print(OVERVIEW);
            return 2;
        }
        if (rest.stream().anyMatch(BenchMain::isHelp)) {
            out.print(usage);
            return 0;
        }
        try {
            switch (command) {
                case "pipeline" -> PipelineBench.run(rest, out, err);
                case "scoring" -> {
                    BenchOptions o = BenchOptions.parse(rest, Set.of("seconds"), Set.of());
                    new ScoringBench(out, o.number("seconds", 3)).run();
                }
                case "freshness" -> {
                    BenchOptions o = BenchOptions.parse(rest, Set.of("updates", "checkpoint-ms"),
                            Set.of("at-least-once", "compare"));
                    if (o.flag("compare")) {
                        new FreshnessBench(out).compare((int) o.number("updates", 5));
                    } else {
                        new FreshnessBench(out).run((int) o.number("updates", 5),
                                o.flag("at-least-once") ? "at-least-once" : "exactly-once", o.number("checkpoint-ms", 0));
                    }
                }
                case "scoring-pipeline" -> {
                    BenchOptions o = BenchOptions.parse(rest, Set.of("events", "keys", "format", "parallelism",
                            "checkpoint-ms", "runs"), Set.of("at-least-once", "no-profile"));
                    new ScoringPipelineBench(o.number("events", 2_000_000), (int) o.number("keys", 1),
                            o.get("format", "csv"), (int) o.number("parallelism", 1), o.number("checkpoint-ms", 0),
                            o.flag("at-least-once"), (int) o.number("runs", 2), !o.flag("no-profile"), err).run(out);
                }
                case "operator" -> {
                    BenchOptions o = BenchOptions.parse(rest, Set.of("reps"), Set.of());
                    new OperatorOverheadBench(out, (int) o.number("reps", 5)).run(OperatorOverheadBench.SHAPES);
                }
                case "embeddings" -> embeddings(rest, out);
                default -> {
                    BenchOptions o = BenchOptions.parse(rest, Set.of("keys"), Set.of("checkpoints-only"));
                    new ManyKeysBench(out, (int) o.number("keys", 10_000)).run(o.flag("checkpoints-only"));
                }
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.print(usage);
            return 2;
        }
    }

    private static void embeddings(List<String> args, PrintStream out) {
        BenchOptions o = BenchOptions.parse(args, Set.of("vocab", "dim", "batch", "optimizer", "millis",
                "warmup-millis", "modes"), Set.of("no-fork"));
        List<Integer> vocabularies = new ArrayList<>();
        for (String v : o.all("vocab")) {
            for (String part : v.split(",")) {
                try {
                    vocabularies.add(Integer.parseInt(part.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--vocab must be whole numbers, got '" + part + "'", e);
                }
            }
        }
        if (vocabularies.isEmpty()) {
            vocabularies = List.of(1_000, 10_000, 100_000, 1_000_000);
        }
        new EmbeddingBench(out, (int) o.number("dim", 16), (int) o.number("batch", 256), o.get("optimizer", "adam"),
                o.number("millis", 3000), o.number("warmup-millis", 1000)).forked(!o.flag("no-fork"))
                .run(vocabularies, List.of(o.get("modes", "dense,sparse").split(",")));
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
    }
}
