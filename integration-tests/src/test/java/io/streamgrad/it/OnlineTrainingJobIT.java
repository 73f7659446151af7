package io.streamgrad.it;

import static io.streamgrad.it.JobYaml.dense;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.it.EngineReplay.KeyReplay;
import io.streamgrad.it.StreamGradFixture.In;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.WarmStarts;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.Example;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end against a real in-process Kafka broker (KRaft) and a Flink MiniCluster (local
 * environment): producer -> job -> read_committed consumers.
 */
class OnlineTrainingJobIT {
    static StreamGradFixture kafka;

    @BeforeAll
    static void startKafka() {
        kafka = StreamGradFixture.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    static JobYaml jsonJob(String group, String input) {
        return kafka.job("it-json", 1).set("kafka.groupId", group).topics("json").set("topics.input", input)
                .jsonInput("model").model(3, "meanSquaredError", dense(8, "tanh"), dense(1))
                .optimizer("{type: adam, learningRate: 0.01}").batches(20).set("training.seed", 5)
                .snapshotEvery(10).checkpointEvery(500);
    }

    static List<float[]> xs(Random r, int n) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new float[] {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()});
        }
        return out;
    }

    static float target(String key, float[] x) {
        return key.equals("a") ? 2 * x[0] - x[1] + 0.5f : -x[2] + 0.3f * x[0];
    }

    static String json(String key, float[] x) {
        return "{\"model\":\"" + key + "\",\"x\":[" + x[0] + "," + x[1] + "," + x[2] + "],\"y\":" + target(key, x) + "}";
    }

    @Test
    void jsonTrainingForSeveralKeysSnapshotsDeadLettersAndWarmStartFromTopic() throws Exception {
        kafka.createTopic("json-in", 1, false);
        kafka.createTopic("json-in-2", 1, false);
        kafka.createTopic("json-snapshots", 1, true);
        Random r = new Random(11);
        List<float[]> xa = xs(r, 600);
        List<float[]> xb = xs(r, 400);
        List<In> records = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            records.add(In.text(null, json("a", xa.get(i))));
            if (i < 400) {
                records.add(In.text(null, json("b", xb.get(i))));
            }
            if (i == 100) {
                records.add(In.text(null, "{broken"));
                records.add(In.text(null, "{\"model\":\"a\",\"x\":[1,2],\"y\":1}"));
                records.add(In.text(null, "{\"model\":\"b\",\"x\":[1,2,3]}"));
            }
        }
        kafka.produce("json-in", records);

        JobConfig cfg = jsonJob("g1", "json-in").parse();
        JobClient job = StreamGradFixture.startJob(cfg, new Configuration(), Map.of());
        Outputs seen;
        try (StreamGradFixture.Reader reader = kafka.reader("json-metrics", "json-snapshots", "json-dead")) {
            seen = reader.until(rs -> rs.hasSnapshot("json-snapshots", "a", 30) && rs.hasSnapshot("json-snapshots", "b", 20)
                    && rs.records("json-dead").size() >= 3, Duration.ofSeconds(90));

            List<JsonNode> dead = seen.json("json-dead");
            assertThat(dead).hasSize(3);
            assertThat(dead).extracting(d -> d.get("reason").asText())
                    .anySatisfy(s -> assertThat(s).startsWith("not valid JSON"))
                    .anySatisfy(s -> assertThat(s).isEqualTo("x: expected 3 values, got 2"))
                    .anySatisfy(s -> assertThat(s).contains("missing label"));
            assertThat(dead).extracting(d -> d.get("record").asText()).contains("{broken");

            List<JsonNode> metrics = seen.json("json-metrics");
            assertThat(metrics).extracting(m -> m.get("modelKey").asText()).contains("a", "b");
            List<Double> lossA = metrics.stream().filter(m -> m.get("modelKey").asText().equals("a"))
                    .map(m -> m.get("loss").asDouble()).toList();
            assertThat(lossA).hasSize(30);
            double first = lossA.subList(0, 3).stream().mapToDouble(d -> d).average().orElseThrow();
            double last = lossA.subList(27, 30).stream().mapToDouble(d -> d).average().orElseThrow();
            assertThat(last).isLessThan(first * 0.5);
        }
        job.cancel().get(30, TimeUnit.SECONDS);

        // The published model is exactly the engine's: same batches in the same order, bit for bit.
        ModelSnapshot snapA = seen.snapshot("json-snapshots", "a", 30);
        assertThat(snapA.examplesSeen()).isEqualTo(600);
        List<Example> rowsA = new ArrayList<>();
        for (float[] x : xa) {
            rowsA.add(new Example("a", x, new float[] {target("a", x)}, Example.NO_TIMESTAMP, null));
        }
        KeyReplay replayA = EngineReplay.examples(cfg, rowsA, false).get("a");
        assertThat(replayA.steps).hasSize(30);
        ModelState engine = replayA.state;
        Trainer trainer = OnlineTrainingJob.trainerConfig(cfg, Map.of()).newTrainer();
        float[] probe = {0.5f, -1f, 2f, 1f, 1f, 1f};
        assertThat(trainer.predict(snapA.state(), probe, 2)).containsExactly(trainer.predict(engine, probe, 2));
        for (int v = 0; v < engine.weights().length; v++) {
            assertThat(snapA.state().weights()[v]).containsExactly(engine.weights()[v]);
        }
        assertThat(trainer.predict(snapA.state(), new float[] {1, 0, 0}, 1)[0]).isCloseTo(2.5f,
                org.assertj.core.data.Offset.offset(1.0f));

        // Warm start from the snapshot topic: a new deployment continues versions and examples.
        List<In> more = new ArrayList<>();
        for (float[] x : xs(r, 200)) {
            more.add(In.text(null, json("a", x)));
        }
        kafka.produce("json-in-2", more);
        JobConfig cfg2 = jsonJob("g2", "json-in-2").parse("warmStart.source=topic", "kafka.transactionalIdPrefix=it-json-2");
        Map<String, ModelSnapshot> warm = WarmStarts.load(cfg2);
        assertThat(warm.keySet()).containsExactly("a", "b");
        assertThat(warm.get("a").version()).isEqualTo(30);
        JobClient job2 = StreamGradFixture.startJob(cfg2, new Configuration(), warm);
        try (StreamGradFixture.Reader reader = kafka.reader("json-snapshots")) {
            Outputs rs = reader.until(x -> x.hasSnapshot("json-snapshots", "a", 40), Duration.ofSeconds(90));
            ModelSnapshot s40 = rs.snapshot("json-snapshots", "a", 40);
            assertThat(s40.examplesSeen()).isEqualTo(800);
            assertThat(s40.step()).isEqualTo(40);
        } finally {
            job2.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void csvClassificationWithRecordKeys() throws Exception {
        kafka.createTopic("csv-in", 2, false);
        JobConfig cfg = kafka.job("it-csv", 2).topics("csv")
                .csvInput("{from: recordKey}", "{features: \"0-1\", label: 2}").set("input.label", "{classes: [red, green, blue]}")
                .model(2, "categoricalCrossentropy", dense(8, "relu"), dense(3, "softmax"))
                .optimizer("{type: sgd, learningRate: 0.1, momentum: 0.9}")
                .set("training.batchSize", 10).set("training.maxBatchDelayMs", 200)
                .snapshotEvery(0).set("snapshots.intervalMs", 1000).checkpointEvery(500).parse();
        Random r = new Random(3);
        String[] names = {"red", "green", "blue"};
        List<In> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            for (String key : List.of("k1", "k2", "k3")) {
                double x0 = r.nextDouble() * 3;
                double x1 = r.nextGaussian();
                lines.add(In.text(key, String.format("%.4f,%.4f,%s", x0, x1, names[(int) x0])));
            }
        }
        lines.add(In.text("k1", "1.0,2.0,purple"));
        lines.add(In.text("k2", "1.0,abc,red"));
        lines.add(In.text(null, "1.0,1.0,red"));
        kafka.produce("csv-in", lines);
        JobClient job = StreamGradFixture.startJob(cfg, new Configuration(), Map.of());
        try (StreamGradFixture.Reader reader = kafka.reader("csv-metrics", "csv-snapshots", "csv-dead")) {
            Outputs out = reader.until(rs -> {
                long dead = rs.records("csv-dead").size();
                long keysDone = rs.json("csv-metrics").stream().filter(m -> m.get("examplesSeen").asLong() == 300)
                        .map(m -> m.get("modelKey").asText()).distinct().count();
                return dead >= 3 && keysDone == 3 && rs.snapshots("csv-snapshots").size() >= 3;
            }, Duration.ofSeconds(90));
            assertThat(out.json("csv-dead")).extracting(d -> d.get("reason").asText())
                    .anySatisfy(s -> assertThat(s).contains("unknown class 'purple'"))
                    .anySatisfy(s -> assertThat(s).startsWith("column 1: expected a number"))
                    .anySatisfy(s -> assertThat(s).contains("no key"));
            List<JsonNode> k1 = out.json("csv-metrics").stream().filter(m -> m.get("modelKey").asText().equals("k1")).toList();
            assertThat(k1.get(k1.size() - 1).get("accuracy").asDouble()).isGreaterThan(0.5);
            assertThat(out.snapshots("csv-snapshots")).extracting(ModelSnapshot::modelKey).contains("k1", "k2", "k3");
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }
}
