package io.streamgrad.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.model.kernel.KernelProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10, "resume means resume", as users run it: {@code java -jar streamgrad.jar run --config job.yaml} on a
 * bounded input, killed with {@code kill -9} (the whole process tree) or stopped with SIGTERM after some
 * checkpoints, then the same command again to the end. The models are bit-identical to the engine trained on all
 * rows without interruption, every row is trained exactly once and read_committed readers see metric versions
 * 1..N per key with no repeat.
 */
class ResumeIT {
    static final int PER_KEY = 1000;
    static final long LAST_VERSION = PER_KEY / RecoveryIT.BATCH;
    static final long KILL_AFTER_VERSION = 15;

    static StreamGradFixture kafka;

    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void startKafka() {
        kafka = StreamGradFixture.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : started) {
            killTree(p);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kill-9", "sigterm"})
    void theSameCommandContinuesExactlyWhereTheDeadRunStopped(String how) throws Exception {
        String name = "resume-" + (how.equals("kill-9") ? "kill" : "term");
        kafka.createTopic(name + "-in", 2, false);
        for (String t : List.of("-metrics", "-snapshots", "-dead")) {
            kafka.createTopic(name + t, 1, false);
        }
        List<Sample> rows = Sample.generate(31, RecoveryIT.KEYS, PER_KEY, 4);
        produceInSmallBatches(name + "-in", rows);
        Path yaml = Files.writeString(dir.resolve("job.yaml"), yaml(name));
        JobConfig cfg = JobConfig.load(yaml, List.of());

        Process first = start(dir.resolve("first.log"), yaml);
        try (StreamGradFixture.Reader reader = kafka.reader(name + "-metrics")) {
            reader.until(rs -> {
                assertThat(first.isAlive()).as("first run alive; log:%n%s", log("first.log")).isTrue();
                return RecoveryIT.KEYS.stream().allMatch(k -> rs.json(name + "-metrics").stream().anyMatch(m ->
                        m.get("modelKey").asText().equals(k) && m.get("version").asLong() >= KILL_AFTER_VERSION));
            }, Duration.ofSeconds(120));
        }
        if (how.equals("kill-9")) {
            killTree(first);
        } else {
            first.destroy(); // SIGTERM to the launcher, which passes it on and waits
            assertThat(first.waitFor(150, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
            assertThat(log("first.log")).contains("stopped " + name + " with a savepoint at ");
        }
        long committed = versionsSoFar(name).stream().mapToLong(m -> m.get("version").asLong()).max().orElse(0);
        assertThat(committed).as("the first run ended before the end of the input").isLessThan(LAST_VERSION);

        Process second = start(dir.resolve("second.log"), yaml);
        assertThat(second.waitFor(180, TimeUnit.SECONDS)).as("second run ends; committed versions %s; log:%n%s",
                versionsSoFar(name).stream().mapToLong(m -> m.get("version").asLong()).summaryStatistics(),
                log("second.log")).isTrue();
        assertThat(second.exitValue()).as("exit status; log:%n%s", log("second.log")).isZero();
        assertThat(log("second.log")).contains("resuming " + name + " from "
                + (how.equals("kill-9") ? "checkpoint chk-" : "savepoint"));
        assertThat(log("second.log")).as("end-of-run summary").containsPattern(
                "summary: [0-9,]+ examples trained in 4 keys \\(models at versions k0 v" + LAST_VERSION);

        Outputs out = kafka.readAll(RecoveryIT.READ_TIMEOUT, name + "-metrics", name + "-snapshots");
        List<JsonNode> metrics = out.json(name + "-metrics");
        RecoveryIT.assertExactOutput(EngineReplay.samples(cfg, rows, true), metrics,
                out.snapshots(name + "-snapshots"), LAST_VERSION, true);
        for (String key : RecoveryIT.KEYS) {
            JsonNode last = metrics.stream().filter(m -> m.get("modelKey").asText().equals(key))
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(last.get("examplesSeen").asLong()).as("examples trained for %s", key).isEqualTo(PER_KEY);
        }
        assertFinishedRunResumesToItsEnd(yaml, name, metrics.size());
        assertRefusesAnotherModelShape(yaml, name);
        System.out.printf("[ResumeIT] %s after version %d of %d: resumed exactly%n", how, committed, LAST_VERSION);
    }

    /** Once the bounded run has finished, the same command says so and trains nothing (older state is stale). */
    private void assertFinishedRunResumesToItsEnd(Path yaml, String name, int metrics) throws Exception {
        Process again = start(dir.resolve("again.log"), yaml);
        assertThat(again.waitFor(60, TimeUnit.SECONDS)).as("ends; log:%n%s", log("again.log")).isTrue();
        assertThat(again.exitValue()).as("exit status; log:%n%s", log("again.log")).isZero();
        assertThat(log("again.log")).contains(name + " already finished its bounded input at ")
                .contains("nothing to resume").contains("--fresh");
        assertThat(versionsSoFar(name)).as("nothing trained again").hasSize(metrics);
    }

    /** The same job with wider layers cannot use the retained state: one line naming --fresh, exit status 1. */
    private void assertRefusesAnotherModelShape(Path yaml, String name) throws Exception {
        Process wider = start(dir.resolve("wider.log"), yaml, "--set", "model.layers[0].units=16");
        assertThat(wider.waitFor(90, TimeUnit.SECONDS)).as("refused at once; log:%n%s", log("wider.log")).isTrue();
        assertThat(wider.exitValue()).isEqualTo(1);
        assertThat(log("wider.log")).contains("error: cannot resume " + name + " from ")
                .contains("its models have another shape").contains("--fresh");
    }

    /**
     * The job of {@code RecoveryIT} (count-based batches, snapshots every 20 versions, checkpoints every 200 ms),
     * bounded, with the source throttled to one small record batch per partition every 50 ms so that the run
     * lasts long enough to be interrupted.
     */
    private String yaml(String name) {
        return """
                job: {name: %1$s, parallelism: 2, maxParallelism: %3$d}
                kafka:
                  bootstrapServers: "%2$s"
                  groupId: %1$s
                  startingOffsets: earliest
                  stoppingOffsets: latest
                  transactionalIdPrefix: %1$s
                  transactionTimeoutMs: 60000
                  properties: {fetch.min.bytes: "100000000", fetch.max.wait.ms: "50", max.partition.fetch.bytes: "1"}
                topics: {input: %1$s-in, metrics: %1$s-metrics, snapshots: %1$s-snapshots, deadLetters: %1$s-dead}
                input:
                  format: json
                  key: {from: field, field: model}
                  json: {features: x, label: y}
                model:
                  inputDim: 4
                  layers:
                    - {type: dense, units: 8, activation: tanh}
                    - {type: dropout, rate: 0.1}
                    - {type: dense, units: 1}
                  loss: meanSquaredError
                optimizer:
                  type: adam
                  learningRate: {type: exponentialDecay, initialLearningRate: 0.02, decaySteps: 10, decayRate: 0.95}
                training: {batchSize: %4$d, maxBatchDelayMs: 0, seed: 7}
                snapshots: {everySteps: %5$d}
                checkpointing: {intervalMs: 200, directory: "%6$s"}
                """.formatted(name, kafka.bootstrapServers(), StreamGradFixture.MAX_PARALLELISM, RecoveryIT.BATCH,
                RecoveryIT.SNAPSHOT_EVERY, dir.resolve("state"));
    }

    /** Rows in record batches of a few rows each (each key to its partition, in order), so a fetch returns few. */
    private static void produceInSmallBatches(String topic, List<Sample> rows) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("enable.idempotence", "true");
        p.put("batch.size", "600");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (Sample s : rows) {
                producer.send(new ProducerRecord<>(topic, Math.floorMod(s.key().hashCode(), 2), s.key(), s.json()));
            }
            producer.flush();
        }
    }

    private List<JsonNode> versionsSoFar(String name) {
        return kafka.readAll(RecoveryIT.READ_TIMEOUT, name + "-metrics").json(name + "-metrics");
    }

    private Process start(Path log, Path yaml, String... more) throws IOException {
        // the kernels of this JVM, which trains the reference (the Vector API kernels round differently)
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-D" + KernelProvider.PROPERTY + "=" + System.getProperty(KernelProvider.PROPERTY, "portable"), "-jar",
                ClosedByDefaultIT.CLI_JAR.toAbsolutePath().toString(), "run", "--config", yaml.toString()));
        cmd.addAll(List.of(more));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        started.add(p);
        return p;
    }

    /** kill -9 of the process and everything it started. */
    private static void killTree(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    private String log(String file) {
        try {
            return Files.readString(dir.resolve(file));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
