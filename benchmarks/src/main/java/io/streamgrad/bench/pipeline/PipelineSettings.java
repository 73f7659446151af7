package io.streamgrad.bench.pipeline;

import io.streamgrad.bench.BenchOptions;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.model.bench.Workload;
import java.util.List;
import java.util.Set;

/** The options of one pipeline benchmark, validated, and the job configuration they describe. */
record PipelineSettings(long examples, int batch, int keys, String format, int parallelism, int partitions,
                        long checkpointMs, int metricsEvery, long snapshotEvery, int runs, int ringSize,
                        boolean stages, boolean profile, List<String> overrides) {
    static final String USAGE = """
            Usage: streamgrad-bench pipeline [--examples N] [--batch 32] [--keys 1] [--format csv|json]
                                             [--parallelism 1] [--partitions P] [--checkpoint-ms 10000]
                                             [--metrics-every 1] [--snapshot-every 100] [--runs 2]
                                             [--ring 100000] [--no-stages] [--no-profile] [--set path=value ...]

            Starts an embedded Kafka broker, pre-produces N synthetic W1 examples (32 features, one
            target; 3-decimal numbers, model key = Kafka record key) to one input topic, then runs the
            real OnlineTrainingJob (bounded: stoppingOffsets latest, exactly-once sinks when
            checkpointing) on a local Flink environment in this JVM, and prints one JSON line:
              examplesPerSecond   N / (first example parsed -> last metric emitted)
              produce             rate and bytes per example of the pre-production (not timed above)
              stages              each stage alone on the same data, single-threaded where possible:
                engine       bare Trainer.step on pre-parsed mini-batches (the baseline)
                parse        ExampleParser over the produced Kafka record values
                operator     the trainer operator fed from memory, chained (no shuffle): validation,
                             batching, keyed state access, training, metric/snapshot records
                operatorShuffled  the same behind keyBy (record serialization + network stack)
                kafkaRead    a Flink job that only consumes the input topic and counts
                output       metric (and snapshot) JSON + Kafka record per example
              operatorOverhead    operator time / engine time - 1 (per example)
              profile             JFR execution samples of the pipeline run (and of the operator stage),
                                  attributed to stages: share of sampled CPU time
            W1 = 32-64-64-1 relu MSE Adam (batch > 1: 32-64-BN-64-BN-1), as `streamgrad bench`.
              --examples N        examples produced and trained (default 2000000)
              --format F          input record format: csv (default, most compact) or json
              --checkpoint-ms C   checkpoint interval (0 = none, at-least-once sinks)
              --metrics-every M   training.metricsEverySteps (default 1 = one metric per step)
              --snapshot-every S  snapshots.everySteps (default 100, the job default)
              --runs R            pipeline runs, the best is reported (default 2)
              --ring R            distinct examples held in memory for the stage runs (default 100000)
              --set path=value    any other job configuration override (see `streamgrad run --help`)
            Fast path: java --add-modules jdk.incubator.vector -jar streamgrad-bench.jar pipeline
            """;
    private static final String ADAM = "{type: adam, learningRate: 0.001}";

    static PipelineSettings parse(List<String> argv) {
        BenchOptions a = BenchOptions.parse(argv, Set.of("examples", "batch", "keys", "format", "parallelism",
                "partitions", "checkpoint-ms", "metrics-every", "snapshot-every", "runs", "ring", "set"),
                Set.of("no-stages", "no-profile"));
        long n = a.number("examples", 2_000_000);
        int parallelism = (int) a.number("parallelism", 1);
        PipelineSettings s = new PipelineSettings(n, (int) a.number("batch", 32), (int) a.number("keys", 1),
                a.get("format", "csv"), parallelism, (int) a.number("partitions", parallelism),
                a.number("checkpoint-ms", 10_000), (int) a.number("metrics-every", 1),
                a.number("snapshot-every", 100), (int) a.number("runs", 2),
                (int) Math.min(n, a.number("ring", 100_000)), !a.flag("no-stages"), !a.flag("no-profile"),
                a.all("set"));
        s.validate();
        return s;
    }

    private void validate() {
        if (examples < 1 || batch < 1 || keys < 1 || parallelism < 1 || partitions < 1 || runs < 1
                || metricsEvery < 1 || checkpointMs < 0 || snapshotEvery < 0) {
            throw new IllegalArgumentException("--examples, --batch, --keys, --parallelism, --partitions, --runs "
                    + "and --metrics-every must be >= 1; --checkpoint-ms and --snapshot-every >= 0");
        }
        if (!format.equals("csv") && !format.equals("json")) {
            throw new IllegalArgumentException("--format is csv or json, got " + format);
        }
    }

    /**
     * The job configuration of run {@code run} (its own output topics, group and transactional ids),
     * with those output topics created on the broker.
     */
    JobConfig jobConfig(EmbeddedKafkaBroker kafka, int run, String input) {
        String in = format.equals("csv")
                ? "{format: csv, key: {from: recordKey}, csv: {features: \"0-31\", label: 32}}"
                : "{format: json, key: {from: recordKey}, json: {features: x, label: y}}";
        String yaml = "job: {name: streamgrad-bench-pipeline, parallelism: " + parallelism + "}\n"
                + "kafka: {bootstrapServers: \"" + kafka.bootstrapServers() + "\", groupId: bench-" + run
                + ", startingOffsets: earliest, stoppingOffsets: latest, transactionTimeoutMs: 600000,"
                + " transactionalIdPrefix: bench-run-" + run + "-" + System.nanoTime() + "}\n"
                + "topics: {input: " + input + ", metrics: bench-metrics-" + run + ", snapshots: bench-snapshots-"
                + run + ", deadLetters: bench-dead-letters-" + run + "}\n"
                + "input: " + in + "\n"
                + "model: " + Workload.W1.modelJson(batch) + "\n"
                + "optimizer: " + ADAM + "\n"
                + "training: {batchSize: " + batch + ", maxBatchDelayMs: 0, metricsEverySteps: " + metricsEvery + "}\n"
                + "snapshots: {everySteps: " + snapshotEvery + "}\n"
                + "checkpointing: {intervalMs: " + checkpointMs + "}\n";
        JobConfig cfg = JobConfig.parse(yaml, overrides);
        kafka.createTopic(cfg.topics().metrics(), 1, false);
        kafka.createTopic(cfg.topics().snapshots(), 1, true);
        kafka.createTopic(cfg.topics().deadLetters(), 1, false);
        return cfg;
    }
}
