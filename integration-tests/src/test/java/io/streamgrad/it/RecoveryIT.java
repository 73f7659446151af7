package io.streamgrad.it;

import static io.streamgrad.it.JobYaml.dense;
import static io.streamgrad.it.Outputs.perKey;
import static io.streamgrad.it.StreamGradFixture.flinkConf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.it.EngineReplay.KeyReplay;
import io.streamgrad.it.StreamGradFixture.In;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.operators.Example;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Recovery is exact: the job (Kafka source -> parse -> trainer -> exactly-once Kafka sinks, with
 * count-based batches) survives injected failures and a stop-with-savepoint / rescaled resume,
 * and publishes the same models, bit for bit, as the engine trained on the same rows without any
 * interruption; read_committed consumers see every metric and snapshot exactly once. On the heap
 * (hashmap) and the RocksDB state backend.
 */
class RecoveryIT {
    static final List<String> KEYS = List.of("k0", "k1", "k2", "k3");
    static final int BATCH = 10;
    static final int SNAPSHOT_EVERY = 20;
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    static StreamGradFixture kafka;

    @BeforeAll
    static void startKafka() {
        kafka = StreamGradFixture.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    /** Adam with a decaying rate and dropout: the optimizer moments, step counter and RNG must all survive. */
    static JobConfig config(String name, String input, String outputs, int parallelism, boolean bounded) {
        return kafka.job(name, parallelism).set("kafka.groupId", name)
                .set("kafka.stoppingOffsets", bounded ? "latest" : "none").set("kafka.transactionalIdPrefix", name)
                .topics(outputs).set("topics.input", input).jsonInput("model")
                .model(4, "meanSquaredError", dense(8, "tanh"), "{type: dropout, rate: 0.1}", dense(1))
                .optimizer("{type: adam, learningRate: {type: exponentialDecay, initialLearningRate: 0.02,"
                        + " decaySteps: 10, decayRate: 0.95}}")
                .batches(BATCH).set("training.seed", 7).snapshotEvery(SNAPSHOT_EVERY).checkpointEvery(200).parse();
    }

    // ---------------------------------------------------------------- 1. injected failures

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void injectedFailuresLeaveNoTraceInModelsOrOutput(String backend) throws Exception {
        long t0 = System.nanoTime();
        String name = "fail-" + backend;
        int perKey = 503; // 50 full batches and a partial one trained at end of input
        int failures = 3;
        kafka.createTopic(name + "-in", 2, false);
        kafka.createOutputs(name);
        List<Sample> rows = Sample.generate(17, KEYS, perKey, 4);
        kafka.produceSamples(name + "-in", 2, rows.subList(0, 1000));
        kafka.produce(name + "-in", List.of(In.text("k1", "{not json"), In.text("k2", "{\"model\":\"k2\",\"x\":[1,2],\"y\":1}"),
                In.text("k3", "{\"model\":\"k3\",\"x\":[1,2,3,4]}")));
        kafka.produceSamples(name + "-in", 2, rows.subList(1000, rows.size()));

        JobConfig cfg = config(name, name + "-in", name, 2, true);
        FailingMap failing = new FailingMap(name, failures, 2024 + backend.hashCode(), 150, 2, 5);
        UnaryOperator<DataStream<Example>> inject = s -> s.map(failing).uid("failing-map").name("failing map");
        JobClient job = StreamGradFixture.startJob(cfg, flinkConf(backend, failures), inject);
        job.getJobExecutionResult().get(120, TimeUnit.SECONDS);
        assertThat(FailingMap.firedInAttempts(name)).as("attempts that failed (%s)", failing.plan())
                .containsExactly(0, 1, 2);

        Outputs out = kafka.readAll(READ_TIMEOUT, name + "-metrics", name + "-snapshots", name + "-dead");
        Map<String, KeyReplay> expected = EngineReplay.samples(cfg, rows, true);
        long lastVersion = (perKey + BATCH - 1) / BATCH;
        assertExactOutput(expected, out.json(name + "-metrics"), out.snapshots(name + "-snapshots"), lastVersion,
                true);
        assertThat(out.json(name + "-dead")).extracting(d -> d.get("reason").asText())
                .hasSize(3)
                .anySatisfy(r -> assertThat(r).startsWith("not valid JSON"))
                .anySatisfy(r -> assertThat(r).isEqualTo("x: expected 4 values, got 2"))
                .anySatisfy(r -> assertThat(r).contains("missing label"));
        System.out.printf("[RecoveryIT] %s: %d rows, %d keys, %s -> %d failures survived, %d metrics, %.1f s%n",
                backend, rows.size() + 3, KEYS.size(), failing.plan(), failures, out.json(name + "-metrics").size(),
                (System.nanoTime() - t0) / 1e9);
    }

    // ---------------------------------------------------------------- 2. savepoint, rescale, resume

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void stopWithSavepointThenResumeRescaledToOneAndThree(String backend, @TempDir Path savepoints) throws Exception {
        long t0 = System.nanoTime();
        String name = "sp-" + backend;
        int firstPart = 237; // per key: 23 full batches, 7 rows pending in the savepoint
        int perKey = 600;
        long lastVersion = perKey / BATCH;
        kafka.createTopic(name + "-in", 2, false);
        List<Sample> rows = Sample.generate(23, KEYS, perKey, 4);
        List<Sample> part1 = rows.subList(0, firstPart * KEYS.size());
        List<Sample> part2 = rows.subList(firstPart * KEYS.size(), rows.size());
        kafka.produceSamples(name + "-in", 2, part1);

        // parallelism 2 on the first part, unbounded, then stop with a savepoint (no drain: not an end of input)
        kafka.createOutputs(name + "-p2");
        JobConfig first = config(name, name + "-in", name + "-p2", 2, false);
        JobClient job = StreamGradFixture.startJob(first, flinkConf(backend, 0), UnaryOperator.identity());
        long firstVersion = firstPart / BATCH;
        try (StreamGradFixture.Reader reader = kafka.reader(name + "-p2-metrics")) {
            reader.until(rs -> KEYS.stream().allMatch(k -> rs.json(name + "-p2-metrics").stream().anyMatch(m ->
                    m.get("modelKey").asText().equals(k) && m.get("version").asLong() == firstVersion)), READ_TIMEOUT);
        }
        String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);
        job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        Outputs out1 = kafka.readAll(READ_TIMEOUT, name + "-p2-metrics", name + "-p2-snapshots");
        kafka.produceSamples(name + "-in", 2, part2);
        long t1 = System.nanoTime();

        Map<String, KeyReplay> expected = EngineReplay.samples(first, rows, false);
        for (int parallelism : new int[] {1, 3}) {
            String outputs = name + "-p" + parallelism;
            kafka.createOutputs(outputs);
            JobConfig resumed = config(name, name + "-in", outputs, parallelism, false);
            Configuration flink = flinkConf(backend, 0);
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            JobClient job2 = StreamGradFixture.startJob(resumed, flink, UnaryOperator.identity());
            try (StreamGradFixture.Reader reader = kafka.reader(outputs + "-metrics", outputs + "-snapshots")) {
                reader.until(rs -> KEYS.stream().allMatch(k -> rs.hasSnapshot(outputs + "-snapshots", k, lastVersion)),
                        READ_TIMEOUT);
            }
            job2.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(60, TimeUnit.SECONDS);
            job2.getJobExecutionResult().get(60, TimeUnit.SECONDS);
            Outputs out2 = kafka.readAll(READ_TIMEOUT, outputs + "-metrics", outputs + "-snapshots");

            // the whole output of the key: before the savepoint, then after the resume
            List<JsonNode> metrics = new ArrayList<>(out1.json(name + "-p2-metrics"));
            metrics.addAll(out2.json(outputs + "-metrics"));
            List<ModelSnapshot> snaps = new ArrayList<>(out1.snapshots(name + "-p2-snapshots"));
            snaps.addAll(out2.snapshots(outputs + "-snapshots"));
            assertExactOutput(expected, metrics, snaps, lastVersion, false);
        }
        System.out.printf("[RecoveryIT] %s: %d rows, %d keys, savepoint after %d rows/key at parallelism 2, resumed at 1"
                        + " and 3: first part %.1f s, both resumes %.1f s%n", backend, rows.size(), KEYS.size(), firstPart,
                (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
    }

    // ---------------------------------------------------------------- assertions

    /**
     * Per key: one metric per version 1..lastVersion, in order, with the reference's loss; snapshot
     * versions strictly increasing (every {@code SNAPSHOT_EVERY} and the last); the last snapshot
     * bit-identical to the reference model.
     */
    static void assertExactOutput(Map<String, KeyReplay> expected, List<JsonNode> metrics, List<ModelSnapshot> snaps,
                                  long lastVersion, boolean endOfInputSnapshot) {
        List<Long> allVersions = LongStream.rangeClosed(1, lastVersion).boxed().toList();
        Map<String, List<Long>> versions = perKey(metrics, "version");
        assertThat(versions.keySet()).containsExactlyElementsOf(KEYS);
        for (String key : KEYS) {
            KeyReplay ref = expected.get(key);
            assertThat(ref.state.version()).isEqualTo(lastVersion);
            assertThat(versions.get(key)).as("metric versions of %s (no gap, no duplicate, in order)", key)
                    .containsExactlyElementsOf(allVersions);
            for (JsonNode m : metrics) {
                if (m.get("modelKey").asText().equals(key)) {
                    long v = m.get("version").asLong();
                    assertThat(m.get("loss").asDouble()).as("loss of %s v%d", key, v).isEqualTo(ref.applied(v).loss());
                    assertThat(m.get("outcome").asText()).isEqualTo("APPLIED");
                }
            }

            List<ModelSnapshot> mine = snaps.stream().filter(s -> s.modelKey().equals(key)).toList();
            List<Long> expectedSnapshots = new ArrayList<>(LongStream.rangeClosed(1, lastVersion)
                    .filter(v -> v % SNAPSHOT_EVERY == 0).boxed().toList());
            if (endOfInputSnapshot && lastVersion % SNAPSHOT_EVERY != 0) {
                expectedSnapshots.add(lastVersion);
            }
            assertThat(mine).extracting(ModelSnapshot::version).as("snapshot versions of %s", key)
                    .containsExactlyElementsOf(expectedSnapshots);
            ModelSnapshot last = mine.get(mine.size() - 1);
            assertThat(last.includesOptimizerState()).isTrue();
            assertThat(last.state().bitEquals(ref.state)).as("final model of %s is bit-identical: %s vs %s", key,
                    last.state(), ref.state).isTrue();
            for (ModelSnapshot s : mine) {
                ModelState at = s.version() == lastVersion ? ref.state : ref.before.get((int) s.version());
                assertThat(s.state().bitEquals(at)).as("snapshot %s v%d is bit-identical", key, s.version()).isTrue();
            }
        }
    }
}
