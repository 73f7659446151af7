package io.streamgrad.it;

import static io.streamgrad.it.TrainingTestSupport.hasSnapshot;
import static io.streamgrad.it.TrainingTestSupport.snapshots;
import static io.streamgrad.it.TrainingTestSupport.start;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.WarmStarts;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.OnlineTrainerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end against a real in-process Kafka broker (KRaft) and a Flink MiniCluster (local
 * environment): producer -> job -> read_committed consumers.
 */
class OnlineTrainingJobIT {
    static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    static final String JSON_JOB = """
            job: {name: it-json, parallelism: 1}
            kafka: {bootstrapServers: "%s", startingOffsets: earliest, transactionTimeoutMs: 60000, groupId: %s}
            topics: {input: %s, metrics: json-metrics, snapshots: json-snapshots, deadLetters: json-dead}
            input:
              format: json
              key: {from: field, field: model}
              json: {features: x, label: y}
            model:
              inputDim: 3
              layers: [{type: dense, units: 8, activation: tanh}, {type: dense, units: 1}]
              loss: meanSquaredError
            optimizer: {type: adam, learningRate: 0.01}
            training: {batchSize: 20, maxBatchDelayMs: 0, seed: 5}
            snapshots: {everySteps: 10}
            checkpointing: {intervalMs: 500}
            """;

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
        List<String[]> records = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            records.add(new String[] {null, json("a", xa.get(i))});
            if (i < 400) {
                records.add(new String[] {null, json("b", xb.get(i))});
            }
            if (i == 100) {
                records.add(new String[] {null, "{broken"});
                records.add(new String[] {null, "{\"model\":\"a\",\"x\":[1,2],\"y\":1}"});
                records.add(new String[] {null, "{\"model\":\"b\",\"x\":[1,2,3]}"});
            }
        }
        KafkaTestSupport.produce(kafka.bootstrapServers(), "json-in", records);

        JobConfig cfg = JobConfig.parse(String.format(JSON_JOB, kafka.bootstrapServers(), "g1", "json-in"), List.of());
        JobClient job = start(cfg, Map.of());
        List<ConsumerRecord<String, byte[]>> seen;
        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(kafka.bootstrapServers(),
                "json-metrics", "json-snapshots", "json-dead")) {
            seen = reader.until(rs -> hasSnapshot(rs, "json-snapshots", "a", 30) && hasSnapshot(rs, "json-snapshots", "b", 20)
                    && rs.stream().filter(x -> x.topic().equals("json-dead")).count() >= 3, Duration.ofSeconds(90));

            List<JsonNode> dead = reader.json("json-dead");
            assertThat(dead).hasSize(3);
            assertThat(dead).extracting(d -> d.get("reason").asText())
                    .anySatisfy(s -> assertThat(s).startsWith("not valid JSON"))
                    .anySatisfy(s -> assertThat(s).isEqualTo("x: expected 3 values, got 2"))
                    .anySatisfy(s -> assertThat(s).contains("missing label"));
            assertThat(dead).extracting(d -> d.get("record").asText()).contains("{broken");

            List<JsonNode> metrics = reader.json("json-metrics");
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
        ModelSnapshot snapA = snapshots(seen, "json-snapshots").stream()
                .filter(s -> s.modelKey().equals("a") && s.version() == 30).findFirst().orElseThrow();
        assertThat(snapA.examplesSeen()).isEqualTo(600);
        OnlineTrainerConfig tc = OnlineTrainingJob.trainerConfig(cfg, Map.of());
        Trainer trainer = tc.newTrainer();
        ModelState engine = tc.initialState(trainer, "a");
        for (int b = 0; b < 30; b++) {
            MiniBatch batch = new MiniBatch(3, 1, 20);
            for (int i = b * 20; i < (b + 1) * 20; i++) {
                batch.add(xa.get(i), new float[] {target("a", xa.get(i))});
            }
            trainer.step(engine, batch);
        }
        float[] probe = {0.5f, -1f, 2f, 1f, 1f, 1f};
        assertThat(trainer.predict(snapA.state(), probe, 2)).containsExactly(trainer.predict(engine, probe, 2));
        for (int v = 0; v < engine.weights().length; v++) {
            assertThat(snapA.state().weights()[v]).containsExactly(engine.weights()[v]);
        }
        assertThat(trainer.predict(snapA.state(), new float[] {1, 0, 0}, 1)[0]).isCloseTo(2.5f,
                org.assertj.core.data.Offset.offset(1.0f));

        // Warm start from the snapshot topic: a new deployment continues versions and examples.
        List<String[]> more = new ArrayList<>();
        for (float[] x : xs(r, 200)) {
            more.add(new String[] {null, json("a", x)});
        }
        KafkaTestSupport.produce(kafka.bootstrapServers(), "json-in-2", more);
        JobConfig cfg2 = JobConfig.parse(String.format(JSON_JOB, kafka.bootstrapServers(), "g2", "json-in-2"),
                List.of("warmStart.source=topic", "kafka.transactionalIdPrefix=it-json-2"));
        Map<String, ModelSnapshot> warm = WarmStarts.load(cfg2);
        assertThat(warm.keySet()).containsExactly("a", "b");
        assertThat(warm.get("a").version()).isEqualTo(30);
        JobClient job2 = start(cfg2, warm);
        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(kafka.bootstrapServers(), "json-snapshots")) {
            List<ConsumerRecord<String, byte[]>> rs = reader.until(x -> hasSnapshot(x, "json-snapshots", "a", 40),
                    Duration.ofSeconds(90));
            ModelSnapshot s40 = snapshots(rs, "json-snapshots").stream()
                    .filter(s -> s.modelKey().equals("a") && s.version() == 40).findFirst().orElseThrow();
            assertThat(s40.examplesSeen()).isEqualTo(800);
            assertThat(s40.step()).isEqualTo(40);
        } finally {
            job2.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void csvClassificationWithRecordKeys() throws Exception {
        kafka.createTopic("csv-in", 2, false);
        String yaml = """
                job: {name: it-csv, parallelism: 2}
                kafka: {bootstrapServers: "%s", startingOffsets: earliest, transactionTimeoutMs: 60000}
                topics: {input: csv-in, metrics: csv-metrics, snapshots: csv-snapshots, deadLetters: csv-dead}
                input:
                  format: csv
                  key: {from: recordKey}
                  csv: {features: "0-1", label: 2}
                  label: {classes: [red, green, blue]}
                model:
                  inputDim: 2
                  layers: [{type: dense, units: 8, activation: relu}, {type: dense, units: 3, activation: softmax}]
                  loss: categoricalCrossentropy
                optimizer: {type: sgd, learningRate: 0.1, momentum: 0.9}
                training: {batchSize: 10, maxBatchDelayMs: 200}
                snapshots: {everySteps: 0, intervalMs: 1000}
                checkpointing: {intervalMs: 500}
                """.formatted(kafka.bootstrapServers());
        JobConfig cfg = JobConfig.parse(yaml, List.of());
        Random r = new Random(3);
        String[] names = {"red", "green", "blue"};
        List<String[]> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            for (String key : List.of("k1", "k2", "k3")) {
                double x0 = r.nextDouble() * 3;
                double x1 = r.nextGaussian();
                lines.add(new String[] {key, String.format("%.4f,%.4f,%s", x0, x1, names[(int) x0])});
            }
        }
        lines.add(new String[] {"k1", "1.0,2.0,purple"});
        lines.add(new String[] {"k2", "1.0,abc,red"});
        lines.add(new String[] {null, "1.0,1.0,red"});
        KafkaTestSupport.produce(kafka.bootstrapServers(), "csv-in", lines);
        JobClient job = start(cfg, Map.of());
        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(kafka.bootstrapServers(), "csv-metrics",
                "csv-snapshots", "csv-dead")) {
            reader.until(rs -> {
                long dead = rs.stream().filter(x -> x.topic().equals("csv-dead")).count();
                long keysDone = reader.json("csv-metrics").stream().filter(m -> m.get("examplesSeen").asLong() == 300)
                        .map(m -> m.get("modelKey").asText()).distinct().count();
                return dead >= 3 && keysDone == 3 && snapshots(rs, "csv-snapshots").size() >= 3;
            }, Duration.ofSeconds(90));
            assertThat(reader.json("csv-dead")).extracting(d -> d.get("reason").asText())
                    .anySatisfy(s -> assertThat(s).contains("unknown class 'purple'"))
                    .anySatisfy(s -> assertThat(s).startsWith("column 1: expected a number"))
                    .anySatisfy(s -> assertThat(s).contains("no key"));
            List<JsonNode> k1 = reader.json("csv-metrics").stream().filter(m -> m.get("modelKey").asText().equals("k1")).toList();
            assertThat(k1.get(k1.size() - 1).get("accuracy").asDouble()).isGreaterThan(0.5);
            assertThat(snapshots(reader.records, "csv-snapshots")).extracting(ModelSnapshot::modelKey).contains("k1", "k2", "k3");
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }
}
