package io.streamgrad.it;

import static io.streamgrad.it.JobYaml.dense;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.jobs.ScoringJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.model.kernel.KernelProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring job through failures and rescaling, against the real broker and Flink runtime, with the
 * default scoring checkpoint interval: every event is predicted exactly once (read_committed), the model
 * versions used per key never go back, a snapshot published mid-stream is picked up (events produced
 * after it was seen in use report it, also after a crash), and every prediction is bit-identical to
 * {@code Predictor} inference of the stamped version. Failures are injected in the job (a failing map
 * before the scorer) and, as users meet them, by SIGTERM (stop with a savepoint), kill -9, and restarts of
 * {@code streamgrad score} at another parallelism (2 -> 1 from the savepoint with {@code --from}, 1 -> 2
 * from the newest checkpoint with the same command).
 */
class ScoringRecoveryIT {
    static final List<String> KEYS = List.of("k0", "k1", "k2", "k3");
    static final List<String> UPDATED = List.of("k0", "k1");
    static final Duration WAIT = Duration.ofSeconds(180);
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

    private static JobYaml yaml(String name, ScoringStream s) {
        return kafka.job(name, 2).set("job.maxParallelism", StreamGradFixture.MAX_PARALLELISM)
                .set("kafka.groupId", name).set("topics.input", s.eventsTopic()).set("topics.snapshots", s.snapshotTopic())
                .set("topics.predictions", s.predictions()).set("topics.deadLetters", s.deadLetters())
                .jsonInput("model").model(ScoringStream.INPUT_DIM, "meanSquaredError", dense(8, "tanh"), dense(1))
                .optimizer("{type: adam, learningRate: 0.01}");
    }

    private static ScoringStream stream(String prefix) {
        JobConfig shape = kafka.job("shape", 1).topics("shape").jsonInput("model")
                .model(ScoringStream.INPUT_DIM, "meanSquaredError", dense(8, "tanh"), dense(1))
                .optimizer("{type: adam, learningRate: 0.01}").parse();
        return new ScoringStream(kafka, prefix, shape.model(), shape.optimizer(), KEYS);
    }

    @Test
    void injectedFailuresAndAMidStreamSnapshot() throws Exception {
        ScoringStream s = stream("sf");
        s.publish(1, KEYS);
        List<String> before = s.produceEvents(600);
        JobConfig cfg = yaml("scoring-failures", s).parse();
        assertThat(cfg.checkpointing().intervalSet()).as("the scoring default interval is under test").isFalse();
        FailingMap failing = new FailingMap("sf", 2, 23, 150, 2, 8);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(cfg.parallelism(),
                StreamGradFixture.flinkConf("hashmap", 3));
        ScoringJob.build(env, cfg, events -> events.map(failing).uid("failing-map").name("failing map"));
        JobClient job = env.executeAsync(cfg.jobName() + ScoringJob.ID_SUFFIX);
        List<String> after;
        try {
            s.awaitPredicted(new HashSet<>(before), WAIT);
            s.publish(2, UPDATED);
            awaitInUse(s, 2);
            after = s.produceEvents(400);
            s.awaitPredicted(new HashSet<>(after), WAIT);
            // more input until both injected failures have fired (each needs records and checkpoints in its attempt)
            for (long end = System.nanoTime() + WAIT.toNanos(); FailingMap.firedInAttempts("sf").size() < 2
                    && System.nanoTime() < end; ) {
                s.awaitPredicted(new HashSet<>(s.produceEvents(40)), WAIT);
            }
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        assertThat(FailingMap.firedInAttempts("sf")).as("attempts that failed (%s)", failing.plan())
                .containsExactly(0, 1);
        List<JsonNode> all = s.assertExactlyOnceAndIdentical();
        assertNewVersionAfterwards(s, all, after);
    }

    @Test
    void stopWithSavepointRescaleCrashAndRescaleBack() throws Exception {
        ScoringStream s = stream("sr");
        s.publish(1, KEYS);
        Path config = yaml("scoring-rescale", s).write(dir.resolve("job.yaml"));
        String name = "scoring-rescale" + ScoringJob.ID_SUFFIX;

        List<String> first = s.produceEvents(300);
        Process one = score(config, "one.log");
        s.awaitPredicted(new HashSet<>(first), WAIT);
        one.destroy(); // SIGTERM: stop with a savepoint
        assertThat(one.waitFor(150, TimeUnit.SECONDS)).as("stopped after SIGTERM; log:%n%s", log("one.log")).isTrue();
        Matcher savepoint = Pattern.compile("stopped " + name + " with a savepoint at (\\S+);").matcher(log("one.log"));
        assertThat(savepoint.find()).as("savepoint; log:%n%s", log("one.log")).isTrue();

        // while it is stopped: a new model for two keys and more events; then 2 -> 1 from the savepoint
        s.publish(2, UPDATED);
        List<String> second = s.produceEvents(300);
        Process two = score(config, "two.log", "--from", savepoint.group(1), "--set", "job.parallelism=1");
        s.awaitPredicted(new HashSet<>(second), WAIT);
        awaitInUse(s, 2);
        assertThat(log("two.log")).contains("resuming " + name + " from savepoint");
        killTree(two); // a crash

        // 1 -> 2 with the same command: it continues from the newest checkpoint of the crashed run
        List<String> third = s.produceEvents(300);
        Process three = score(config, "three.log");
        s.awaitPredicted(new HashSet<>(third), WAIT);
        assertThat(log("three.log")).contains("resuming " + name + " from checkpoint chk-");
        three.destroy();
        assertThat(three.waitFor(150, TimeUnit.SECONDS)).as("stopped; log:%n%s", log("three.log")).isTrue();

        List<JsonNode> all = s.assertExactlyOnceAndIdentical();
        assertNewVersionAfterwards(s, all, third);
        System.out.printf("[ScoringRecoveryIT] %d predictions exactly once through stop/rescale 2->1, kill -9, "
                + "rescale 1->2%n", all.size());
    }

    /** Produces a few events at a time until the keys of {@link #UPDATED} are predicted with {@code version}. */
    private static void awaitInUse(ScoringStream s, long version) {
        Set<String> seen = new HashSet<>();
        for (long end = System.nanoTime() + WAIT.toNanos(); seen.size() < UPDATED.size(); ) {
            assertThat(System.nanoTime()).as("version %d in use for %s (seen for %s)", version, UPDATED, seen).isLessThan(end);
            Set<String> ids = new HashSet<>(s.produceEvents(8));
            ScoringStream.versions(s.awaitPredicted(ids, WAIT), ids).forEach((id, v) -> {
                if (v == version && UPDATED.contains(s.keyOf(id))) {
                    seen.add(s.keyOf(id));
                }
            });
        }
    }

    /** Events produced after the new version was seen in use report it; the other keys keep version 1. */
    private static void assertNewVersionAfterwards(ScoringStream s, List<JsonNode> all, List<String> ids) {
        Map<String, Long> versions = ScoringStream.versions(all, new HashSet<>(ids));
        assertThat(versions).hasSize(ids.size());
        versions.forEach((id, v) -> assertThat(v).as("%s of %s", id, s.keyOf(id))
                .isEqualTo(UPDATED.contains(s.keyOf(id)) ? 2L : 1L));
    }

    private Process score(Path config, String log, String... more) throws IOException {
        // the kernels of this JVM, so Predictor here computes with the same float operations as the job
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-D" + KernelProvider.PROPERTY + "=" + KernelProvider.get().name().replaceAll("^vector.*", "vector"),
                "-jar", ScoringJobIT.CLI_JAR.toAbsolutePath().toString(), "score", "--config", config.toString()));
        cmd.addAll(List.of(more));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(log).toFile())).start();
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
