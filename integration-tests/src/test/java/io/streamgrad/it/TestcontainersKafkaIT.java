package io.streamgrad.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.model.snapshot.ModelSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Issue #5 item 8: the end-to-end JSON scenario against Kafka in Docker (Testcontainers, image
 * {@code apache/kafka:4.2.0}) instead of the in-process broker. Skipped (reported as skipped) where
 * no Docker engine is available, as in CI.
 */
class TestcontainersKafkaIT {
    static final String IMAGE = System.getProperty("streamgrad.kafkaImage", "apache/kafka:4.2.0");
    static KafkaContainer kafka;

    /** Whether a Docker engine answers (asked once); without one every test here is reported as skipped. */
    static boolean dockerAvailable() {
        return DOCKER.get();
    }

    private static final java.util.function.Supplier<Boolean> DOCKER = new java.util.function.Supplier<>() {
        private Boolean available;

        @Override
        public synchronized Boolean get() {
            if (available == null) {
                available = DockerClientFactory.instance().isDockerAvailable();
            }
            return available;
        }
    };

    @BeforeAll
    static void startKafka() {
        if (dockerAvailable()) {
            kafka = new KafkaContainer(IMAGE);
            kafka.start();
        }
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    @EnabledIf(value = "dockerAvailable", disabledReason = "no Docker engine: the Testcontainers variant is skipped")
    void jsonScenarioOnKafkaInDocker() throws Exception {
        JsonScenario.run(kafka.getBootstrapServers());
    }

    /** The JSON end-to-end scenario on any broker: several keys, dead letters, engine-exact models. */
    static final class JsonScenario {
        static final String JOB = """
                job: {name: tc-json, parallelism: 2}
                kafka: {bootstrapServers: "%s", startingOffsets: earliest, stoppingOffsets: latest, transactionTimeoutMs: 60000}
                topics: {input: tc-json-in, metrics: tc-json-metrics, snapshots: tc-json-snapshots, deadLetters: tc-json-dead}
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

        static void run(String bootstrap) throws Exception {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("tc-json-in", 2, (short) 1),
                        new NewTopic("tc-json-snapshots", 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                        .all().get(60, TimeUnit.SECONDS);
            }
            Random r = new Random(11);
            List<ItKafka.In> input = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                for (String key : i < 400 ? List.of("a", "b") : List.of("a")) {
                    float[] x = {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()};
                    float y = key.equals("a") ? 2 * x[0] - x[1] + 0.5f : -x[2] + 0.3f * x[0];
                    input.add(ItKafka.In.text(key, "{\"model\":\"" + key + "\",\"x\":[" + x[0] + "," + x[1] + "," + x[2]
                            + "],\"y\":" + y + "}"));
                }
                if (i == 100) {
                    input.add(ItKafka.In.text("a", "{broken"));
                    input.add(ItKafka.In.text("a", "{\"model\":\"a\",\"x\":[1,2],\"y\":1}"));
                    input.add(ItKafka.In.text("b", "{\"model\":\"b\",\"x\":[1,2,3]}"));
                }
            }
            ItKafka.produce(bootstrap, Map.of(), "tc-json-in", input);

            JobConfig cfg = JobConfig.parse(String.format(JOB, bootstrap), List.of());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
            OnlineTrainingJob.build(env, cfg, Map.of());
            env.executeAsync(cfg.jobName()).getJobExecutionResult().get(180, TimeUnit.SECONDS);

            var out = ItKafka.readAll(bootstrap, Map.of(), "tc-json-metrics", "tc-json-snapshots", "tc-json-dead");
            List<JsonNode> dead = ItKafka.json(out.get("tc-json-dead"));
            assertThat(dead).extracting(d -> d.get("reason").asText())
                    .anySatisfy(s -> assertThat(s).startsWith("not valid JSON"))
                    .anySatisfy(s -> assertThat(s).isEqualTo("x: expected 3 values, got 2"))
                    .anySatisfy(s -> assertThat(s).contains("missing label"))
                    .hasSize(3);
            List<JsonNode> metrics = ItKafka.json(out.get("tc-json-metrics"));
            List<ModelSnapshot> snapshots = ItKafka.snapshots(out.get("tc-json-snapshots"));
            ItKafka.assertExactlyOncePerKeyVersion(metrics, snapshots);
            assertThat(metrics).hasSize(30 + 20);
            List<Double> lossA = metrics.stream().filter(m -> m.get("modelKey").asText().equals("a"))
                    .map(m -> m.get("loss").asDouble()).toList();
            assertThat(lossA.subList(27, 30).stream().mapToDouble(d -> d).average().orElseThrow())
                    .isLessThan(0.5 * lossA.subList(0, 3).stream().mapToDouble(d -> d).average().orElseThrow());
            assertThat(snapshots).extracting(s -> s.modelKey() + "@" + s.version())
                    .containsExactlyInAnyOrder("a@10", "a@20", "a@30", "b@10", "b@20");
            ItKafka.assertSnapshotsEqualEngine(ItKafka.latest(snapshots), ItKafka.engine(cfg, input));
        }
    }
}
