package io.streamgrad.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.demo.SyntheticStream;
import io.streamgrad.jobs.local.LocalFailFast;
import io.streamgrad.jobs.local.LocalFlink;
import io.streamgrad.jobs.local.LoopbackPorts;
import io.streamgrad.jobs.local.WebUi;
import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo}: embedded Kafka + local Flink + synthetic drifting stream, zero set-up. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Zero set-up demo: embedded Kafka + local Flink + a drifting synthetic stream.",
                "",
                "Starts an Apache Kafka broker (KRaft) and a Flink mini cluster with its web UI inside this JVM, "
                        + "produces a synthetic regression stream for several model keys with concept drift on one "
                        + "key, trains one model per key online (exactly-once, checkpoints every 2 s) and prints "
                        + "progress: steps/s and, per key, the loss and the mean absolute error of the predictions "
                        + "made just before training on each example (prequential) falling, the drift and the "
                        + "recovery. "
                        + "Snapshots (newest per key) are written to DIR/snapshots.jsonl for `streamgrad inspect`. "
                        + "Ctrl-C stops everything cleanly."})
final class DemoCommand extends CliCommand {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String DEMO_CONFIG = """
            job: {name: streamgrad-demo, parallelism: 2}
            kafka: {bootstrapServers: "localhost:9092", startingOffsets: earliest, transactionTimeoutMs: 600000}
            topics: {input: demo-examples, metrics: demo-metrics, snapshots: demo-snapshots, deadLetters: demo-dead-letters,
                     predictions: demo-predictions}
            input:
              format: json
              key: {from: field, field: key}
              json: {features: features, label: label, eventTime: ts}
            model:
              inputDim: 4
              layers:
                - {type: dense, units: 32, activation: relu}
                - {type: dense, units: 16, activation: relu}
                - {type: dense, units: 1}
              loss: meanSquaredError
            optimizer: {type: adam, learningRate: 0.005}
            training: {batchSize: 16, maxBatchDelayMs: 500, metricsEverySteps: 10, predictions: prequential}
            snapshots: {everySteps: 200, intervalMs: 5000}
            checkpointing: {intervalMs: 2000}
            """;

    @Option(names = "--duration", paramLabel = "D", converter = Converters.Seconds.class,
            description = "stop after D (e.g. 90, 90s, 5m; default: run until Ctrl-C)")
    private Duration duration = Duration.ZERO;

    @Option(names = "--examples", paramLabel = "N", converter = Converters.NonNegativeLong.class,
            description = "stop after N examples have been produced and trained")
    private long maxExamples;

    @Option(names = "--rate", paramLabel = "N", converter = Converters.PositiveDouble.class,
            description = "examples per second (default 2000)")
    private double rate = 2000;

    @Option(names = "--keys", paramLabel = "K1,K2", split = ",", description = "model keys (default eu,us,apac)")
    private List<String> keys = List.of("eu", "us", "apac");

    @Option(names = "--drift-after", paramLabel = "D", converter = Converters.Seconds.class,
            description = "when the second key's concept drifts (default 40s; 0 = never)")
    private Duration driftAfter = Duration.ofSeconds(40);

    @Option(names = "--kafka-port", paramLabel = "P", converter = Converters.Port.class,
            description = "broker port (default 9092, 0 = any free port)")
    private int kafkaPort = 9092;

    @Option(names = "--web-ui", paramLabel = "PORT", converter = Converters.Port.class,
            description = "Flink web UI port (default 8081, 0 = none)")
    private int webUi = 8081;

    @Option(names = "--out", paramLabel = "DIR", description = "where snapshots.jsonl goes (default ./streamgrad-demo)")
    private Path outDir = Path.of("streamgrad-demo");

    @Option(names = "--set", paramLabel = "PATH=VALUE",
            description = "override the demo job configuration (see `run --help`), repeatable")
    private List<String> sets = new ArrayList<>();

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        long duration = this.duration.toSeconds();
        long driftAfter = this.driftAfter.toSeconds();
        Files.createDirectories(outDir);
        Path snapshotFile = outDir.resolve("snapshots.jsonl");

        out.println("StreamGrad demo (" + KernelProvider.get().name() + " kernels): starting an embedded Kafka broker (KRaft) ...");
        int brokerPort = kafkaPort;
        if (!LoopbackPorts.isFree(brokerPort)) {
            out.println("port " + brokerPort + " is busy, the broker uses a free port");
            brokerPort = 0;
        }
        Optional<WebUi> ui = Optional.empty();
        if (webUi > 0) {
            if (!LoopbackPorts.isFree(webUi)) {
                out.println("port " + webUi + " is busy, the web UI uses a free port");
            }
            ui = Optional.of(WebUi.onLoopback(LoopbackPorts.isFree(webUi) ? webUi : 0).resolved());
        }
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(brokerPort, Map.of());
        List<String> overrides = new ArrayList<>();
        overrides.add("kafka.bootstrapServers=" + kafka.bootstrapServers());
        overrides.addAll(sets);
        JobConfig cfg = JobConfig.parse(DEMO_CONFIG, overrides);
        kafka.createTopic(cfg.topics().input(), 4, false);
        kafka.createTopic(cfg.topics().metrics(), 1, false);
        kafka.createTopic(cfg.topics().snapshots(), 1, true);
        kafka.createTopic(cfg.topics().deadLetters(), 1, false);
        kafka.createTopic(cfg.topics().predictions(), 1, false);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch finished = new CountDownLatch(1);
        EmbeddedKafkaBroker broker = kafka;
        JobClient[] job = new JobClient[1];
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "streamgrad-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            // like run: a few quick restarts, then the demo ends with the job's cause instead of restarting forever
            StreamExecutionEnvironment env = LocalFlink.environment(cfg.parallelism(), ui, LocalFailFast.configuration());
            OnlineTrainingJob.build(env, cfg, Map.of());
            job[0] = env.executeAsync(cfg.jobName());
            job[0].getJobExecutionResult().whenComplete((result, error) -> {
                if (error != null && !stop.get()) {
                    failure.set(error);
                    stop.set(true);
                }
            });

            out.printf("%nKafka broker:  %s   (topics: %s -> %s, %s, %s)%n", kafka.bootstrapServers(), cfg.topics().input(),
                    cfg.topics().metrics(), cfg.topics().snapshots(), cfg.topics().deadLetters());
            ui.ifPresent(u -> out.printf("Flink web UI:  %s%n", u.url()));
            out.printf("Attach your own producer / consumer while the demo runs, e.g.:%n");
            out.printf("  echo '{\"key\":\"mine\",\"features\":[0.1,0.2,0.3,0.4],\"label\":0.5}' > /tmp/ex.jsonl%n");
            out.printf("  java -jar jobs/target/streamgrad.jar produce /tmp/ex.jsonl --topic %s --bootstrap %s%n",
                    cfg.topics().input(), kafka.bootstrapServers());
            out.printf("  java -jar jobs/target/streamgrad.jar consume --topic %s --bootstrap %s --follow%n",
                    cfg.topics().metrics(), kafka.bootstrapServers());
            out.printf("Snapshots:     %s  (java -jar jobs/target/streamgrad.jar inspect %s)%n", snapshotFile, snapshotFile);
            out.printf("Drift:         key '%s' changes its concept after %ds%n%n", keys.size() > 1 ? keys.get(1) : keys.get(0),
                    driftAfter);

            SyntheticStream stream = new SyntheticStream(keys, 7);
            Thread producer = new Thread(() -> produce(broker, cfg.topics().input(), stream, rate, maxExamples, driftAfter,
                    stop, out), "demo-producer");
            producer.setDaemon(true);
            producer.start();
            watch(broker, cfg, stream, snapshotFile, duration, maxExamples, stop, out);
            stop.set(true);
            producer.join(5_000);
        } finally {
            out.println("stopping ...");
            try {
                if (job[0] != null) {
                    job[0].cancel().get(30, TimeUnit.SECONDS);
                }
            } catch (Exception ignored) {
                // already finished
            }
            kafka.close();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the demo job failed", failure.get());
        }
        out.println("demo stopped. Inspect the models: java -jar jobs/target/streamgrad.jar inspect " + snapshotFile);
        return 0;
    }

    private static void produce(EmbeddedKafkaBroker kafka, String topic, SyntheticStream stream, double rate,
                                long maxExamples, long driftAfter, AtomicBoolean stop, PrintStream out) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("linger.ms", "10");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            long start = System.nanoTime();
            long n = 0;
            while (!stop.get() && (maxExamples <= 0 || n < maxExamples)) {
                long elapsed = System.nanoTime() - start;
                if (driftAfter > 0 && !stream.drifted() && elapsed > driftAfter * 1_000_000_000L) {
                    stream.drift();
                    out.printf(">>> concept drift: key '%s' now follows a different function%n", stream.driftKey());
                }
                String line = stream.next(System.currentTimeMillis());
                String key = MAPPER.readTree(line).get("key").asText();
                producer.send(new ProducerRecord<>(topic, key, line));
                n++;
                long due = start + (long) (n / rate * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    Thread.sleep(wait / 1_000_000);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!stop.get()) {
                out.println("producer stopped: " + e.getMessage());
            }
        }
    }

    /** Consumes metrics and snapshots (read_committed) and prints progress every 2 seconds. */
    private static void watch(EmbeddedKafkaBroker kafka, JobConfig cfg, SyntheticStream stream, Path snapshotFile,
                              long duration, long maxExamples, AtomicBoolean stop, PrintStream out) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("group.id", "streamgrad-demo-console");
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", "read_committed");
        Map<String, double[]> perKey = new TreeMap<>(); // step, loss (EMA), examples, version
        Map<String, String> latestSnapshots = new TreeMap<>();
        Map<String, double[]> recentErrors = new TreeMap<>(); // sum of |prediction - label|, count since the last line
        long start = System.nanoTime();
        long lastPrint = start;
        long stepsAtLastPrint = 0;
        long deadLetters = 0;
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(cfg.topics().metrics(), cfg.topics().snapshots(), cfg.topics().deadLetters(),
                    cfg.topics().predictions()));
            while (!stop.get()) {
                boolean snapshotsChanged = false;
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(250))) {
                    if (r.topic().equals(cfg.topics().deadLetters())) {
                        deadLetters++;
                        continue;
                    }
                    if (r.topic().equals(cfg.topics().snapshots())) {
                        latestSnapshots.put(r.key(), r.value());
                        snapshotsChanged = true;
                        continue;
                    }
                    if (r.topic().equals(cfg.topics().predictions())) {
                        JsonNode prediction = MAPPER.readTree(r.value());
                        double[] e = recentErrors.computeIfAbsent(prediction.path("modelKey").asText(), k -> new double[2]);
                        e[0] += Math.abs(prediction.path("values").path(0).asDouble() - prediction.path("target").path(0).asDouble());
                        e[1]++;
                        continue;
                    }
                    JsonNode m = MAPPER.readTree(r.value());
                    String key = m.path("modelKey").asText();
                    double loss = m.path("loss").asDouble(Double.NaN);
                    double[] s = perKey.computeIfAbsent(key, k -> new double[] {0, Double.NaN, 0, 0});
                    s[0] = m.path("step").asDouble();
                    s[1] = Double.isNaN(s[1]) ? loss : 0.7 * s[1] + 0.3 * loss;
                    s[2] = m.path("examplesSeen").asDouble();
                    s[3] = m.path("version").asDouble();
                }
                if (snapshotsChanged) {
                    Path tmp = snapshotFile.resolveSibling(snapshotFile.getFileName() + ".tmp");
                    Files.writeString(tmp, String.join("\n", latestSnapshots.values()) + "\n", StandardCharsets.UTF_8);
                    Files.move(tmp, snapshotFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
                long now = System.nanoTime();
                double elapsed = (now - start) / 1e9;
                if (now - lastPrint >= 2_000_000_000L) {
                    long steps = 0;
                    long examples = 0;
                    for (double[] s : perKey.values()) {
                        steps += (long) s[0];
                        examples += (long) s[2];
                    }
                    StringBuilder line = new StringBuilder(String.format("[%4.0fs] %6.0f steps/s  %,9d examples ", elapsed,
                            (steps - stepsAtLastPrint) / ((now - lastPrint) / 1e9), examples));
                    for (Map.Entry<String, double[]> e : perKey.entrySet()) {
                        line.append(String.format(" | %s loss %.4f", e.getKey(), e.getValue()[1]));
                        double[] err = recentErrors.get(e.getKey());
                        if (err != null && err[1] > 0) { // the predictions made in the last 2 s, before training
                            line.append(String.format(" mae %.3f", err[0] / err[1]));
                        }
                    }
                    if (deadLetters > 0) {
                        line.append(String.format(" | %,d dead letters", deadLetters));
                    }
                    if (perKey.isEmpty()) {
                        line.append(" | waiting for the first committed metrics (checkpoint every 2 s) ...");
                    }
                    out.println(line);
                    lastPrint = now;
                    stepsAtLastPrint = steps;
                    recentErrors.clear();
                    if (maxExamples > 0 && examples >= maxExamples - (long) cfg.training().batchSize() * perKey.size()
                            && elapsed > 3) {
                        out.println("all " + maxExamples + " examples trained");
                        return;
                    }
                }
                if (duration > 0 && elapsed >= duration) {
                    out.println("duration reached");
                    return;
                }
            }
        }
    }
}
