package io.streamgrad.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.jobs.input.ParseResult;
import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.jobs.sink.Serializers;
import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.model.spec.SpecWriter;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.LossMetric;
import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.OnlineTraining;
import io.streamgrad.operators.SnapshotRecord;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-pipeline}: the whole pipeline, Kafka -> Flink -> train -> Kafka, on an embedded
 * broker and a local Flink environment in this JVM (issue #6), plus each stage in isolation on the
 * same data, and a JFR sample profile of where the pipeline's CPU time goes. Prints one JSON line.
 */
@Command(name = "bench-pipeline", mixinStandardHelpOptions = true,
        description = {"Benchmark Kafka -> Flink -> train -> Kafka (embedded broker, local Flink) with a stage "
                + "breakdown.",
                "",
                "Starts an embedded Kafka broker, pre-produces N synthetic W1 examples (32 features, one target; "
                        + "3-decimal numbers, model key = Kafka record key) to one input topic, then runs the real "
                        + "OnlineTrainingJob (bounded: stoppingOffsets latest, exactly-once sinks when checkpointing) "
                        + "on a local Flink environment in this JVM, and prints one JSON line:",
                "  examplesPerSecond   N / (first example parsed -> job finished, all output committed)",
                "  produce             rate and bytes per example of the pre-production (not timed above)",
                "  stages              each stage alone on the same data, single-threaded where possible:",
                "    engine       bare Trainer.step on pre-parsed mini-batches (the baseline)",
                "    parse        ExampleParser over the produced Kafka record values",
                "    operator     the trainer operator fed from memory, chained (no shuffle): validation,",
                "                 batching, keyed state access, training, metric/snapshot records",
                "    operatorShuffled  the same behind keyBy (record serialization + network stack)",
                "    kafkaRead    a Flink job that only consumes the input topic and counts",
                "    output       metric (and snapshot) JSON + Kafka record per example",
                "  operatorOverhead    operator time / engine time - 1 (per example)",
                "  profile             JFR execution samples of the pipeline run (and of the operator stage),",
                "                      attributed to stages: share of sampled CPU time",
                "W1 = 32-64-64-1 relu MSE Adam (batch > 1: 32-64-BN-64-BN-1), as `streamgrad bench`."},
        footer = "%nFast path: java --add-modules jdk.incubator.vector -jar streamgrad.jar bench-pipeline")
final class PipelineBenchCommand extends CliCommand {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ADAM = "{type: adam, learningRate: 0.001}";

    /** Input record format of the produced examples. */
    enum Format { CSV, JSON }

    @Option(names = "--examples", paramLabel = "N", converter = Converters.PositiveLong.class,
            description = "examples produced and trained (default 2000000)")
    private long examplesOption = 2_000_000;

    @Option(names = "--batch", paramLabel = "N", converter = Converters.PositiveInt.class,
            description = "training batch size (default 32)")
    private int batchOption = 32;

    @Option(names = "--keys", paramLabel = "N", converter = Converters.PositiveInt.class,
            description = "model keys (default 1)")
    private int keysOption = 1;

    @Option(names = "--format", paramLabel = "F", description = "input record format: csv (default, most compact) or json")
    private Format formatOption = Format.CSV;

    @Option(names = "--parallelism", paramLabel = "P", converter = Converters.PositiveInt.class,
            description = "job parallelism (default 1)")
    private int parallelismOption = 1;

    @Option(names = "--partitions", paramLabel = "P", converter = Converters.PositiveInt.class,
            description = "input topic partitions (default: the parallelism)")
    private Integer partitionsOption;

    @Option(names = "--checkpoint-ms", paramLabel = "C", converter = Converters.NonNegativeLong.class,
            description = "checkpoint interval (default 10000; 0 = none, at-least-once sinks)")
    private long checkpointMsOption = 10_000;

    @Option(names = "--metrics-every", paramLabel = "M", converter = Converters.PositiveInt.class,
            description = "training.metricsEverySteps (default 1 = one metric per step)")
    private int metricsEveryOption = 1;

    @Option(names = "--snapshot-every", paramLabel = "S", converter = Converters.NonNegativeLong.class,
            description = "snapshots.everySteps (default 100, the job default)")
    private long snapshotEveryOption = 100;

    @Option(names = "--runs", paramLabel = "R", converter = Converters.PositiveInt.class,
            description = "pipeline runs, the best is reported (default 2)")
    private int runsOption = 2;

    @Option(names = "--ring", paramLabel = "R", converter = Converters.PositiveLong.class,
            description = "distinct examples held in memory for the stage runs (default 100000)")
    private long ringOption = 100_000;

    @Option(names = "--no-stages", description = "skip the stage-by-stage runs")
    private boolean noStages;

    @Option(names = "--no-profile", description = "skip the JFR profile")
    private boolean noProfile;

    @Option(names = "--set", paramLabel = "PATH=VALUE",
            description = "any other job configuration override (see `run --help`), repeatable")
    private List<String> sets = new ArrayList<>();

    // ------------------------------------------------------------------ run

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        long n = examplesOption;
        int batch = batchOption;
        int keys = keysOption;
        String format = formatOption.name().toLowerCase(Locale.ROOT);
        int parallelism = parallelismOption;
        int partitions = partitionsOption == null ? parallelism : partitionsOption;
        long checkpointMs = checkpointMsOption;
        int metricsEvery = metricsEveryOption;
        long snapshotEvery = snapshotEveryOption;
        int runs = runsOption;
        int ringSize = (int) Math.min(n, ringOption);
        boolean stages = !noStages;
        boolean profile = !noProfile;
        String model = BenchCommand.workloadSpec("W1", batch);
        double[] load0 = loadAverage();

        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(0, Map.of())) {
            String input = "bench-input";
            kafka.createTopic(input, partitions, false);
            err.printf("bench-pipeline: producing %,d %s examples to %s ...%n", n, format, input);
            double[] produce = produce(kafka, input, n, keys, format);
            err.printf("bench-pipeline: produced at %,.0f examples/s, %.1f bytes per example%n", produce[0], produce[1]);

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("bench", "pipeline");
            result.put("workload", "W1");
            result.put("batch", batch);
            result.put("keys", keys);
            result.put("format", format);
            result.put("examples", n);
            result.put("parallelism", parallelism);
            result.put("partitions", partitions);
            result.put("checkpointMs", checkpointMs);
            result.put("metricsEverySteps", metricsEvery);
            result.put("snapshotEverySteps", snapshotEvery);

            // ---------------------------------------------------------------- pipeline runs
            List<Double> rates = new ArrayList<>();
            double best = 0;
            Map<String, Object> bestRun = null;
            Map<String, Double> pipelineProfile = null;
            for (int r = 0; r < runs; r++) {
                JobConfig cfg = config(kafka, r, input, format, model, batch, parallelism, checkpointMs, metricsEvery,
                        snapshotEvery, sets);
                err.printf("bench-pipeline: pipeline run %d/%d ...%n", r + 1, runs);
                Map<String, Object> run;
                if (profile && r == 0) {
                    Object[] holder = new Object[1];
                    pipelineProfile = profiled(() -> {
                        holder[0] = pipeline(kafka, cfg, n);
                        return null;
                    });
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) holder[0];
                    run = m;
                } else {
                    run = pipeline(kafka, cfg, n);
                }
                double rate = (Double) run.get("examplesPerSecond");
                err.printf("bench-pipeline: run %d: %,.0f examples/s%n", r + 1, rate);
                rates.add(round(rate));
                if (rate > best) {
                    best = rate;
                    bestRun = run;
                }
            }
            result.put("examplesPerSecond", round(best));
            result.put("runs", rates);
            result.putAll(bestRun);
            result.put("examplesPerSecond", round(best));
            result.put("produce", Map.of("examplesPerSecond", round(produce[0]), "bytesPerExample", round(produce[1])));

            // ---------------------------------------------------------------- stages in isolation
            if (stages) {
                JobConfig cfg = config(kafka, runs, input, format, model, batch, parallelism, checkpointMs,
                        metricsEvery, snapshotEvery, sets);
                OnlineTrainerConfig trainer = OnlineTrainingJob.trainerConfig(cfg, Map.of());
                Map<String, Object> st = new LinkedHashMap<>();
                err.println("bench-pipeline: stages: parse ...");
                Ring ring = Ring.generate(ringSize, keys, format);
                ExampleParser parser = new ExampleParser(cfg.input(), cfg.model());
                Example[] parsed = new Example[ringSize];
                double parse = parse(parser, ring, parsed);
                st.put("parse", stage(parse));
                err.println("bench-pipeline: stages: engine ...");
                double engine = engine(trainer, parsed, keys, batch);
                st.put("engine", stage(engine));
                err.println("bench-pipeline: stages: operator ...");
                RING = parsed;
                Map<String, Double> operatorProfile = null;
                double[] op = new double[1];
                if (profile) {
                    operatorProfile = profiled(() -> {
                        op[0] = operator(trainer, n, parallelism, checkpointMs, false);
                        return null;
                    });
                } else {
                    op[0] = operator(trainer, n, parallelism, checkpointMs, false);
                }
                st.put("operator", stage(op[0]));
                err.println("bench-pipeline: stages: operator behind keyBy ...");
                st.put("operatorShuffled", stage(operator(trainer, n, parallelism, checkpointMs, true)));
                RING = null;
                err.println("bench-pipeline: stages: Kafka read ...");
                st.put("kafkaRead", stage(kafkaRead(kafka, input, n, parallelism)));
                err.println("bench-pipeline: stages: output ...");
                double[] output = output(cfg, trainer, batch, metricsEvery, snapshotEvery);
                Map<String, Object> o = stage(output[0]);
                o.put("microsPerMetric", round(output[1]));
                o.put("microsPerSnapshot", round(output[2]));
                o.put("bytesPerSnapshot", (long) output[3]);
                st.put("output", o);
                result.put("stages", st);

                double usEngine = 1e6 / engine;
                double usOperator = 1e6 / op[0];
                result.put("operatorOverhead", round4(usOperator / usEngine - 1));
                Map<String, Object> breakdown = new LinkedHashMap<>();
                breakdown.put("unit", "microseconds per example, each stage alone");
                breakdown.put("kafkaRead", round4(1e6 / (Double) ((Map<?, ?>) st.get("kafkaRead")).get("examplesPerSecond")));
                breakdown.put("deserialization", round4(1e6 / parse));
                if (operatorProfile != null) {
                    // split the operator stage's time by its samples (one thread: source + operator chained)
                    double total = operatorProfile.entrySet().stream().filter(x -> !x.getKey().equals("samples"))
                            .mapToDouble(Map.Entry::getValue).sum();
                    for (String s : List.of("batching", "stateAccess", "training", "operatorOther", "flinkRecords")) {
                        breakdown.put(s, round4(usOperator * operatorProfile.getOrDefault(s, 0.0) / Math.max(total, 1e-9)));
                    }
                    breakdown.put("operatorSamples", operatorProfile);
                } else {
                    breakdown.put("operatorMinusEngine", round4(usOperator - usEngine));
                }
                breakdown.put("trainingBareEngine", round4(usEngine));
                breakdown.put("output", round4(output[0] > 0 ? 1e6 / output[0] : 0));
                result.put("breakdown", breakdown);
            }
            if (pipelineProfile != null) {
                result.put("pipelineProfile", pipelineProfile);
            }
            result.put("kernels", KernelProvider.get().name());
            result.put("vectorModule", KernelProvider.vectorModulePresent());
            result.put("cpus", Runtime.getRuntime().availableProcessors());
            result.put("loadAverageBefore", load0);
            result.put("loadAverageAfter", loadAverage());
            result.put("jvm", System.getProperty("java.vm.version"));
            result.put("jvmArgs", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
            out.println(MAPPER.writeValueAsString(result));
            out.flush();
        }
        return 0;
    }

    private static JobConfig config(EmbeddedKafkaBroker kafka, int run, String input, String format, String model,
                                    int batch, int parallelism, long checkpointMs, int metricsEvery, long snapshotEvery,
                                    List<String> sets) {
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
                + "model: " + model + "\n"
                + "optimizer: " + ADAM + "\n"
                + "training: {batchSize: " + batch + ", maxBatchDelayMs: 0, metricsEverySteps: " + metricsEvery + "}\n"
                + "snapshots: {everySteps: " + snapshotEvery + "}\n"
                + "checkpointing: {intervalMs: " + checkpointMs + "}\n";
        JobConfig cfg = JobConfig.parse(yaml, sets);
        kafka.createTopic(cfg.topics().metrics(), 1, false);
        kafka.createTopic(cfg.topics().snapshots(), 1, true);
        kafka.createTopic(cfg.topics().deadLetters(), 1, false);
        return cfg;
    }

    // ------------------------------------------------------------------ data

    /** Synthetic W1 records: 32 features in [-1, 1) with 3 decimals, a linear target; key k{i % keys}. */
    static final class Generator {
        private static final int IN = 32;
        private final SplittableRandom rnd = new SplittableRandom(20240606L);
        private final boolean csv;
        private final byte[][] keyBytes;
        private final byte[] buf = new byte[512];
        private int pos;
        private long i;

        Generator(int keys, String format) {
            this.csv = format.equals("csv");
            keyBytes = new byte[keys][];
            for (int k = 0; k < keys; k++) {
                keyBytes[k] = ("k" + k).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
        }

        byte[] key() {
            return keyBytes[(int) (i % keyBytes.length)];
        }

        /** The next record value (advances to the next example; call {@link #key()} before). */
        byte[] value() {
            int k = (int) (i++ % keyBytes.length);
            pos = 0;
            if (!csv) {
                put("{\"x\":[");
            }
            long y = 100L * k;
            for (int j = 0; j < IN; j++) {
                int m = rnd.nextInt(-999, 1000);
                y += (j % 3 - 1) * (long) m;
                if (j > 0) {
                    buf[pos++] = ',';
                }
                scaled(m);
            }
            put(csv ? "," : "],\"y\":");
            scaled((int) (y / 4));
            if (!csv) {
                buf[pos++] = '}';
            }
            return java.util.Arrays.copyOf(buf, pos);
        }

        private void put(String s) {
            for (int c = 0; c < s.length(); c++) {
                buf[pos++] = (byte) s.charAt(c);
            }
        }

        /** m / 1000 with three decimals; CSV drops a zero integer part (".5" parses as a Java double). */
        private void scaled(int m) {
            if (m < 0) {
                buf[pos++] = '-';
                m = -m;
            }
            int ip = m / 1000;
            int fp = m % 1000;
            if (ip != 0 || !csv) {
                String s = Integer.toString(ip);
                put(s);
            }
            buf[pos++] = '.';
            buf[pos++] = (byte) ('0' + fp / 100);
            buf[pos++] = (byte) ('0' + fp / 10 % 10);
            buf[pos++] = (byte) ('0' + fp % 10);
        }
    }

    /** The first {@code size} records of the produced stream, held in memory. */
    record Ring(byte[][] keys, byte[][] values) {
        static Ring generate(int size, int keys, String format) {
            Generator g = new Generator(keys, format);
            byte[][] k = new byte[size][];
            byte[][] v = new byte[size][];
            for (int i = 0; i < size; i++) {
                k[i] = g.key();
                v[i] = g.value();
            }
            return new Ring(k, v);
        }
    }

    /** Examples per second and bytes per example of producing {@code n} records. */
    private static double[] produce(EmbeddedKafkaBroker kafka, String topic, long n, int keys, String format) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("linger.ms", "20");
        p.put("batch.size", String.valueOf(1 << 20));
        p.put("buffer.memory", String.valueOf(64 << 20));
        Generator g = new Generator(keys, format);
        long bytes = 0;
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long i = 0; i < n; i++) {
                byte[] key = g.key();
                byte[] value = g.value();
                bytes += value.length;
                producer.send(new ProducerRecord<>(topic, key, value));
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new double[] {n / seconds, (double) bytes / n};
    }

    // ------------------------------------------------------------------ the pipeline

    /** Nanos of the first example seen after parsing (the pipeline) or emitted (stage jobs). */
    static final AtomicLong FIRST = new AtomicLong();
    /** Nanos of the newest metric record, and the examples it and its predecessors covered. */
    static volatile long LAST;
    static final AtomicLong TRAINED = new AtomicLong();
    static final LongAdder COUNT = new LongAdder();
    static volatile Example[] RING;

    /** Records the time of the first example; chained right after parsing, so cheap. */
    static final class FirstSeen implements MapFunction<Example, Example> {
        private static final long serialVersionUID = 1L;
        private transient boolean seen;

        @Override
        public Example map(Example e) {
            if (!seen) {
                seen = true;
                FIRST.compareAndSet(0, System.nanoTime());
            }
            return e;
        }
    }

    /** Notes the time of each metric record (one per step): the end of training. */
    static final class LastMetric implements MapFunction<LossMetric, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(LossMetric m) {
            TRAINED.addAndGet(m.batchSize);
            LAST = System.nanoTime();
            return 0L;
        }
    }

    private static void watchMetrics(DataStream<LossMetric> metrics) {
        metrics.map(new LastMetric()).name("bench: last metric").sinkTo(new DiscardingSink<>()).name("bench: discard");
        FIRST.set(0);
        TRAINED.set(0);
        LAST = 0;
    }

    private static Map<String, Object> pipeline(EmbeddedKafkaBroker kafka, JobConfig cfg, long n) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(cfg.parallelism(),
                new Configuration());
        watchMetrics(OnlineTrainingJob.build(env, cfg, Map.of(),
                s -> s.map(new FirstSeen()).uid("bench-first-seen").name("bench: first example")));
        long submit = System.nanoTime();
        long cpu0 = processCpuNanos();
        JobExecutionResult jr = env.execute(cfg.jobName());
        long end = System.nanoTime();
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        double seconds = (LAST - FIRST.get()) / 1e9;
        double committedSeconds = (end - FIRST.get()) / 1e9;
        long[] trained = committedMetrics(kafka, cfg.topics().metrics());
        if (trained[0] != n) {
            throw new IllegalStateException("the pipeline trained " + trained[0] + " examples, expected " + n
                    + " (metrics topic " + cfg.topics().metrics() + ")");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("examplesPerSecond", n / seconds);
        m.put("seconds", round(seconds));
        m.put("examplesPerSecondCommitted", round(n / committedSeconds));
        m.put("committedSeconds", round(committedSeconds));
        m.put("startupSeconds", round((FIRST.get() - submit) / 1e9));
        m.put("jobNetRuntimeSeconds", round(jr.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3));
        m.put("processCpuCores", round4(cpu / ((end - submit) / 1e9)));
        m.put("examplesTrained", trained[0]);
        m.put("metricRecords", trained[1]);
        return m;
    }

    /** Sum of batchSize and number of the committed metric records of a topic. */
    private static long[] committedMetrics(EmbeddedKafkaBroker kafka, String topic) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("isolation.level", "read_committed");
        p.put("max.poll.records", "5000");
        long examples = 0;
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long endOffset = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (c.position(tp) < endOffset && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> rs = c.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : rs) {
                    JsonNode m = MAPPER.readTree(r.value());
                    examples += m.path("batchSize").asLong();
                    records++;
                }
            }
        }
        return new long[] {examples, records};
    }

    // ------------------------------------------------------------------ stages

    private static Map<String, Object> stage(double examplesPerSecond) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("examplesPerSecond", round(examplesPerSecond));
        m.put("microsPerExample", round4(examplesPerSecond > 0 ? 1e6 / examplesPerSecond : 0));
        return m;
    }

    /** Best of 3 passes (after a warm-up pass) of ExampleParser over the ring; fills {@code parsed}. */
    private static double parse(ExampleParser parser, Ring ring, Example[] parsed) {
        int size = ring.values().length;
        double best = 0;
        for (int rep = 0; rep < 4; rep++) {
            long n = 0;
            long t0 = System.nanoTime();
            long stop = t0 + 2_000_000_000L;
            do {
                for (int i = 0; i < size; i++) {
                    ParseResult r = parser.parse(ring.keys()[i], ring.values()[i], 0L);
                    if (r.example == null) {
                        throw new IllegalStateException("record " + i + " did not parse: " + r.deadLetter);
                    }
                    parsed[i] = r.example;
                }
                n += size;
            } while (System.nanoTime() < stop);
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            if (rep > 0) {
                best = Math.max(best, rate);
            }
        }
        return best;
    }

    /** Best of 3 (after a warm-up) of bare Trainer.step on the ring's examples as ready mini-batches, per key. */
    private static double engine(OnlineTrainerConfig config, Example[] parsed, int keys, int batch) {
        Trainer t = config.newTrainer();
        Map<String, ModelState> states = new HashMap<>();
        Map<String, MiniBatch> filling = new HashMap<>();
        List<MiniBatch> batches = new ArrayList<>();
        List<ModelState> owners = new ArrayList<>();
        for (Example e : parsed) {
            ModelState s = states.computeIfAbsent(e.modelKey, k -> config.initialState(t, k));
            MiniBatch b = filling.computeIfAbsent(e.modelKey,
                    k -> new MiniBatch(t.network().inputDim(), t.network().outputDim(), batch));
            b.add(e.features, e.target);
            if (b.size() == batch) {
                batches.add(b);
                owners.add(s);
                filling.remove(e.modelKey);
            }
        }
        if (batches.isEmpty()) {
            throw new IllegalStateException("--ring holds less than one batch");
        }
        StepResult res = new StepResult();
        double best = 0;
        for (int rep = 0; rep < 4; rep++) {
            long steps = 0;
            long t0 = System.nanoTime();
            long stop = t0 + 2_000_000_000L;
            do {
                for (int i = 0; i < batches.size(); i++) {
                    t.step(owners.get(i), batches.get(i), res);
                }
                steps += batches.size();
            } while (System.nanoTime() < stop);
            double rate = steps * (double) batch / ((System.nanoTime() - t0) / 1e9);
            if (rep > 0) {
                best = Math.max(best, rate);
            }
        }
        return best;
    }

    /** Emits {@code RING[i % RING.length]} for each number of the sequence. */
    static final class FromRing implements MapFunction<Long, Example> {
        private static final long serialVersionUID = 1L;
        private transient boolean seen;

        @Override
        public Example map(Long i) {
            if (!seen) {
                seen = true;
                FIRST.compareAndSet(0, System.nanoTime());
            }
            Example[] ring = RING;
            return ring[(int) (i % ring.length)];
        }
    }

    /**
     * The operator alone on a MiniCluster: a number sequence mapped to the in-memory parsed examples,
     * the trainer, a discarding sink; chained in one thread ({@code reinterpretAsKeyedStream}, valid
     * at parallelism 1 where the one subtask owns every key group) or behind a real keyBy.
     */
    private static double operator(OnlineTrainerConfig trainer, long n, int parallelism, long checkpointMs,
                                   boolean shuffle) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
                new Configuration());
        if (checkpointMs > 0) {
            env.enableCheckpointing(checkpointMs, CheckpointingMode.EXACTLY_ONCE);
        }
        // the trainer copies rows into its own buffers and never mutates an Example: no defensive
        // copy between the chained in-memory source and the operator (the real job has a keyBy there)
        env.getConfig().enableObjectReuse();
        DataStream<Example> examples = env.fromSequence(0, n - 1).setParallelism(shuffle ? parallelism : 1)
                .map(new FromRing()).setParallelism(shuffle ? parallelism : 1).name("examples from memory");
        KeyedStream<Example, String> keyed = shuffle || parallelism > 1
                ? examples.keyBy(new OnlineTrainingJob.ModelKey())
                : DataStreamUtils.reinterpretAsKeyedStream(examples, new OnlineTrainingJob.ModelKey());
        SingleOutputStreamOperator<LossMetric> metrics = OnlineTraining.train(keyed, trainer, "online-trainer");
        OnlineTraining.snapshots(metrics).sinkTo(new DiscardingSink<>());
        watchMetrics(metrics);
        env.execute("bench: operator" + (shuffle ? " behind keyBy" : ""));
        if (TRAINED.get() != n) {
            throw new IllegalStateException("the operator trained " + TRAINED.get() + " examples, expected " + n);
        }
        return n / ((LAST - FIRST.get()) / 1e9);
    }

    /** Counts records; emits nothing. */
    static final class CountingDeserializer implements KafkaRecordDeserializationSchema<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Long> out) {
            if (FIRST.get() == 0) {
                FIRST.compareAndSet(0, System.nanoTime());
            }
            COUNT.increment();
        }

        @Override
        public TypeInformation<Long> getProducedType() {
            return Types.LONG;
        }
    }

    /** A Flink job reading the input topic (read_committed, bounded) and only counting. */
    private static double kafkaRead(EmbeddedKafkaBroker kafka, String topic, long n, int parallelism)
            throws Exception {
        double best = 0;
        for (int rep = 0; rep < 2; rep++) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
                    new Configuration());
            Properties props = new Properties();
            props.put("isolation.level", "read_committed");
            KafkaSource<Long> source = KafkaSource.<Long>builder()
                    .setBootstrapServers(kafka.bootstrapServers())
                    .setTopics(topic)
                    .setGroupId("bench-read-" + rep)
                    .setStartingOffsets(OffsetsInitializer.earliest())
                    .setBounded(OffsetsInitializer.latest())
                    .setProperties(props)
                    .setDeserializer(new CountingDeserializer())
                    .build();
            env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka: " + topic).sinkTo(new DiscardingSink<>());
            FIRST.set(0);
            COUNT.reset();
            env.execute("bench: kafka read");
            double rate = n / ((System.nanoTime() - FIRST.get()) / 1e9);
            if (COUNT.sum() != n) {
                throw new IllegalStateException("read " + COUNT.sum() + " records, expected " + n);
            }
            best = Math.max(best, rate);
        }
        return best;
    }

    /**
     * Output per example: one metric record (JSON + Kafka record) per {@code metricsEvery} steps and
     * one snapshot record per {@code snapshotEvery} steps. Returns {examples/s, us/metric, us/snapshot}.
     */
    private static double[] output(JobConfig cfg, OnlineTrainerConfig trainer, int batch, int metricsEvery,
                                   long snapshotEvery) {
        var metrics = Serializers.metrics(cfg.topics().metrics());
        var snapshots = Serializers.snapshots(cfg.topics().snapshots(), SpecWriter.model(cfg.model()).toString(),
                SpecWriter.optimizer(cfg.optimizer()).toString());
        LossMetric m = new LossMetric();
        m.modelKey = "k0";
        m.batchSize = batch;
        m.steps = 1;
        m.loss = 0.123456789;
        m.dataLoss = 0.123456789;
        m.learningRate = 0.001;
        m.gradientNorm = 1.23456789;
        m.accuracy = Double.NaN;
        m.outcome = "APPLIED";
        m.processingTime = System.currentTimeMillis();
        Trainer t = trainer.newTrainer();
        ModelState state = trainer.initialState(t, "k0");
        double usMetric = Double.MAX_VALUE;
        double usSnapshot = Double.MAX_VALUE;
        long sink = 0;
        double snapshotBytes = 0;
        for (int rep = 0; rep < 4; rep++) {
            long t0 = System.nanoTime();
            int k = 0;
            for (; System.nanoTime() - t0 < 1_000_000_000L; k++) {
                m.step = k;
                m.version = k;
                m.examplesSeen = (long) k * batch;
                sink += metrics.serialize(m, null, null).value().length;
            }
            double us = (System.nanoTime() - t0) / 1e3 / k;
            long t1 = System.nanoTime();
            int s = 0;
            for (; System.nanoTime() - t1 < 1_000_000_000L; s++) {
                SnapshotRecord r = new SnapshotRecord();
                r.modelKey = "k0";
                r.version = s;
                r.step = s;
                r.createdAt = System.currentTimeMillis();
                r.includeOptimizerState = trainer.includeOptimizerState();
                r.state = ModelStateCodec.encode(state); // done in the operator, counted here too
                r.modelSpec = trainer.modelSpecJson();
                r.optimizerSpec = trainer.optimizerSpecJson();
                int bytes = snapshots.serialize(r, null, null).value().length;
                sink += bytes;
                snapshotBytes = bytes;
            }
            double usS = (System.nanoTime() - t1) / 1e3 / s;
            if (rep > 0) {
                usMetric = Math.min(usMetric, us);
                usSnapshot = Math.min(usSnapshot, usS);
            }
        }
        if (sink == 42) {
            System.out.print("");
        }
        double perExample = usMetric / ((double) batch * metricsEvery)
                + (snapshotEvery > 0 ? usSnapshot / ((double) batch * snapshotEvery) : 0);
        return new double[] {1e6 / perExample, usMetric, usSnapshot, snapshotBytes};
    }

    // ------------------------------------------------------------------ profiling

    /** Runs {@code body} under a JFR recording of execution samples; returns sample shares per stage. */
    private static Map<String, Double> profiled(Callable<Void> body) throws Exception {
        Path file = Files.createTempFile("streamgrad-bench-", ".jfr");
        try (Recording rec = new Recording()) {
            rec.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10)).withStackTrace();
            rec.start();
            body.call();
            rec.stop();
            rec.dump(file);
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        long total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            RecordedThread th = e.getThread("sampledThread");
            String stage = classify(e.getStackTrace().getFrames(), th == null ? "" : th.getJavaName());
            counts.merge(stage, 1L, Long::sum);
            total++;
        }
        Files.deleteIfExists(file);
        Map<String, Double> shares = new LinkedHashMap<>();
        long t = Math.max(total, 1);
        counts.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .forEach(x -> shares.put(x.getKey(), round4((double) x.getValue() / t)));
        shares.put("samples", (double) total);
        return shares;
    }

    /** The stage of one sample: the first marker frame from the leaf towards the root. */
    static String classify(List<RecordedFrame> frames, String thread) {
        for (RecordedFrame f : frames) {
            if (f.getMethod() == null || f.getMethod().getType() == null) {
                continue;
            }
            String type = f.getMethod().getType().getName();
            String method = f.getMethod().getName();
            if (type.equals("io.streamgrad.model.train.Trainer") && method.equals("step")) {
                return "training";
            }
            if (type.startsWith("io.streamgrad.jobs.input.")) {
                return "parsing";
            }
            if ((type.equals("io.streamgrad.operators.state.KeyProgress") && method.equals("addRow"))
                    || (type.equals("io.streamgrad.model.train.MiniBatch") && method.startsWith("add"))) {
                return "batching";
            }
            if (type.startsWith("org.apache.flink.runtime.state.")) {
                return "stateAccess";
            }
            if (type.startsWith("io.streamgrad.jobs.sink.")) {
                return "outputSerialization";
            }
            if (type.startsWith("io.streamgrad.operators.")) {
                return "operatorOther";
            }
            if (type.startsWith("org.apache.kafka.clients.producer.")
                    || type.startsWith("org.apache.flink.connector.kafka.sink.")) {
                return "kafkaProducer";
            }
            if (type.startsWith("org.apache.kafka.clients.consumer.")
                    || type.startsWith("org.apache.flink.connector.kafka.source.")
                    || type.startsWith("org.apache.flink.connector.base.source.")) {
                return "kafkaConsumer";
            }
            if (type.startsWith("kafka.") || type.startsWith("org.apache.kafka.storage.")
                    || type.startsWith("org.apache.kafka.server.") || type.startsWith("org.apache.kafka.raft.")
                    || type.startsWith("org.apache.kafka.controller.") || type.startsWith("org.apache.kafka.network.")
                    || type.startsWith("org.apache.kafka.coordinator.")) {
                return "kafkaBroker";
            }
            if (type.startsWith("jdk.jfr.") || type.startsWith("jdk.internal.jfr.")) {
                return "profiler";
            }
            if (type.startsWith("io.streamgrad.jobs.cli.")) {
                return "flinkRecords"; // the bench's own source functions
            }
        }
        for (RecordedFrame f : frames) {
            if (f.getMethod() == null || f.getMethod().getType() == null) {
                continue;
            }
            String type = f.getMethod().getType().getName();
            if (type.startsWith("org.apache.flink.streaming.runtime.") || type.startsWith("org.apache.flink.runtime.io.")
                    || type.startsWith("org.apache.flink.api.common.typeutils.")
                    || type.startsWith("org.apache.flink.api.java.typeutils.")
                    || type.startsWith("org.apache.flink.streaming.api.operators.")) {
                return "flinkRecords";
            }
        }
        if (thread.contains("kafka") || thread.contains("broker") || thread.contains("raft")) {
            return "kafkaBroker";
        }
        return "other";
    }

    // ------------------------------------------------------------------ misc

    /** CPU time of this process (all threads: Flink, the broker, the producer and consumers). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double[] loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2])};
        } catch (Exception e) {
            return new double[] {ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()};
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round4(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
