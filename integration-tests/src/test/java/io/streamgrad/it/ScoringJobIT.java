package io.streamgrad.it;

import static io.streamgrad.it.JobYaml.dense;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.it.StreamGradFixture.In;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.model.serve.Predictor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Train, then score: a bounded training job (with prequential predictions) publishes snapshots,
 * then {@code streamgrad score} (the shipped jar, as a user runs it) scores an events topic
 * against the snapshot topic, which also holds a corrupt record. Everything is read read_committed.
 */
class ScoringJobIT {
    static final Path CLI_JAR = Path.of(System.getProperty("streamgrad.cliJar", "../jobs/target/streamgrad.jar"));
    static StreamGradFixture kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = StreamGradFixture.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    private static String x(float[] x) {
        return "[" + x[0] + "," + x[1] + "," + x[2] + "]";
    }

    @Test
    void everyEventIsScoredOnceByTheStampedSnapshotVersion() throws Exception {
        for (String t : List.of("sc-in", "sc-metrics", "sc-snapshots", "sc-dead", "sc-train-predictions", "sc-events",
                "sc-predictions", "sc-score-dead")) {
            kafka.createTopic(t, 1, false);
        }
        Random r = new Random(3);
        List<In> labelled = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            for (String key : List.of("a", "b")) {
                float[] f = OnlineTrainingJobIT.xs(r, 1).get(0);
                labelled.add(In.text(null, "{\"model\":\"" + key + "\",\"x\":" + x(f) + ",\"y\":"
                        + OnlineTrainingJobIT.target(key, f) + "}"));
            }
        }
        kafka.produce("sc-in", labelled);
        JobYaml yaml = kafka.job("it-score", 2).set("kafka.groupId", "sc").topics("sc")
                .set("topics.predictions", "sc-train-predictions").set("training.predictions", "prequential")
                .jsonInput("model").model(3, "meanSquaredError", dense(8, "tanh"), dense(1))
                .optimizer("{type: adam, learningRate: 0.01}").batches(20).set("training.seed", 5)
                .snapshotEvery(2).checkpointEvery(300).bounded()
                .set("scoring.events", "sc-events").set("scoring.predictions", "sc-predictions");
        JobConfig cfg = yaml.parse();
        StreamGradFixture.startJob(cfg, StreamGradFixture.flinkConf("hashmap", 0), UnaryOperator.identity())
                .getJobExecutionResult().get(120, TimeUnit.SECONDS);

        // prequential: every labelled record was predicted once, with its label, before training on it
        List<JsonNode> trainerPredictions = kafka.readAll("sc-train-predictions").json("sc-train-predictions");
        assertThat(trainerPredictions).hasSize(400).allMatch(p -> p.get("target").size() == 1)
                .allMatch(p -> p.get("stalenessMs") == null || p.get("stalenessMs").asLong() == 0);

        kafka.produce("sc-snapshots", List.of(In.text("a", "{\"format\": \"streamgrad-snapshot/1\", \"broken")));
        List<float[]> features = new ArrayList<>();
        List<In> events = new ArrayList<>();
        for (int i = 0; i < 320; i++) {
            String key = i % 16 == 15 ? "c" : i % 2 == 0 ? "a" : "b"; // c has no model
            float[] f = OnlineTrainingJobIT.xs(r, 1).get(0);
            features.add(f);
            events.add(In.text(null, "{\"model\":\"" + key + "\",\"x\":" + x(f) + "}"));
        }
        kafka.produce("sc-events", events);

        Path config = yaml.write(dir.resolve("job.yaml"));
        Path log = dir.resolve("score.log");
        // the kernels of this JVM, so Predictor here computes with the same float operations as the job
        Process score = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-D" + KernelProvider.PROPERTY + "=" + KernelProvider.get().name().replaceAll("^vector.*", "vector"), "-jar",
                CLI_JAR.toAbsolutePath().toString(), "score", "--config", config.toString(), "--set",
                "topics.deadLetters=sc-score-dead")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(score.waitFor(180, TimeUnit.SECONDS)).as("score finished").isTrue();
            assertThat(score.exitValue()).as(Files.readString(log)).isZero();
        } finally {
            score.destroyForcibly();
        }

        Outputs out = kafka.readAll("sc-snapshots", "sc-predictions", "sc-score-dead");
        Map<String, byte[]> snapshots = new HashMap<>();
        for (ConsumerRecord<String, byte[]> s : out.records("sc-snapshots")) {
            String text = new String(s.value(), StandardCharsets.UTF_8);
            if (!text.contains("broken")) {
                Predictor p = Predictor.fromJson(s.value());
                snapshots.put(p.modelKey() + "@" + p.version(), s.value());
            }
        }
        List<JsonNode> predictions = out.json("sc-predictions");
        // every event of a key with a model is predicted exactly once
        TreeSet<String> expectedIds = new TreeSet<>();
        for (int i = 0; i < events.size(); i++) {
            if (i % 16 != 15) {
                expectedIds.add("sc-events-0@" + i);
            }
        }
        assertThat(predictions).as("dead letters %s; log:%n%s", out.json("sc-score-dead").stream().limit(3).toList(),
                Files.readString(log)).hasSize(expectedIds.size());
        assertThat(new TreeSet<>(predictions.stream().map(p -> p.get("eventId").asText()).toList()))
                .isEqualTo(expectedIds);
        Map<String, Long> lastVersion = new HashMap<>();
        for (JsonNode p : predictions) {
            String key = p.get("modelKey").asText();
            long version = p.get("modelVersion").asLong();
            // model versions per key never go backwards
            assertThat(version).as(key).isGreaterThanOrEqualTo(lastVersion.getOrDefault(key, 0L));
            lastVersion.put(key, version);
            // bit-identical to Predictor inference of the stamped snapshot version
            byte[] snapshot = snapshots.get(key + "@" + version);
            assertThat(snapshot).as("snapshot %s v%d", key, version).isNotNull();
            String id = p.get("eventId").asText();
            float[] f = features.get(Integer.parseInt(id.substring(id.indexOf('@') + 1)));
            float expected = Predictor.fromJson(snapshot).predict(f).values()[0];
            assertThat(Float.floatToIntBits(Float.parseFloat(p.get("values").get(0).asText())))
                    .as(id).isEqualTo(Float.floatToIntBits(expected));
        }
        assertThat(lastVersion).containsOnlyKeys("a", "b");

        // the corrupt snapshot is a dead letter; c's events, held for a model that never came, too
        List<JsonNode> dead = out.json("sc-score-dead");
        assertThat(dead).filteredOn(d -> d.get("stage").asText().equals("snapshot")).hasSize(1)
                .allMatch(d -> d.get("modelKey").asText().equals("a"));
        assertThat(dead).filteredOn(d -> d.get("stage").asText().equals("score")).hasSize(20)
                .allMatch(d -> d.get("modelKey").asText().equals("c"));
        assertThat(dead).hasSize(21);
    }
}
