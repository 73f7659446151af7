package io.streamgrad.it;

import static io.streamgrad.it.JobYaml.dense;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.it.StreamGradFixture.In;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.model.snapshot.ModelSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
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
        static void run(String bootstrap) throws Exception {
            StreamGradFixture kafka = StreamGradFixture.external(bootstrap);
            kafka.createTopic("tc-json-in", 2, false);
            kafka.createTopic("tc-json-snapshots", 1, true);
            Random r = new Random(11);
            List<In> input = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                for (String key : i < 400 ? List.of("a", "b") : List.of("a")) {
                    float[] x = {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()};
                    float y = key.equals("a") ? 2 * x[0] - x[1] + 0.5f : -x[2] + 0.3f * x[0];
                    input.add(In.text(key, "{\"model\":\"" + key + "\",\"x\":[" + x[0] + "," + x[1] + "," + x[2]
                            + "],\"y\":" + y + "}"));
                }
                if (i == 100) {
                    input.add(In.text("a", "{broken"));
                    input.add(In.text("a", "{\"model\":\"a\",\"x\":[1,2],\"y\":1}"));
                    input.add(In.text("b", "{\"model\":\"b\",\"x\":[1,2,3]}"));
                }
            }
            kafka.produce("tc-json-in", input);

            JobConfig cfg = kafka.job("tc-json", 2).bounded().topics("tc-json").jsonInput("model")
                    .model(3, "meanSquaredError", dense(8, "tanh"), dense(1)).optimizer("{type: adam, learningRate: 0.01}")
                    .batches(20).set("training.seed", 5).snapshotEvery(10).checkpointEvery(500).parse();
            StreamGradFixture.startJob(cfg, new Configuration(), Map.of()).getJobExecutionResult().get(180, TimeUnit.SECONDS);

            Outputs out = kafka.readAll("tc-json-metrics", "tc-json-snapshots", "tc-json-dead");
            List<JsonNode> dead = out.json("tc-json-dead");
            assertThat(dead).extracting(d -> d.get("reason").asText())
                    .anySatisfy(s -> assertThat(s).startsWith("not valid JSON"))
                    .anySatisfy(s -> assertThat(s).isEqualTo("x: expected 3 values, got 2"))
                    .anySatisfy(s -> assertThat(s).contains("missing label"))
                    .hasSize(3);
            List<JsonNode> metrics = out.json("tc-json-metrics");
            List<ModelSnapshot> snapshots = out.snapshots("tc-json-snapshots");
            Outputs.assertExactlyOncePerKeyVersion(metrics, snapshots);
            assertThat(metrics).hasSize(30 + 20);
            List<Double> lossA = metrics.stream().filter(m -> m.get("modelKey").asText().equals("a"))
                    .map(m -> m.get("loss").asDouble()).toList();
            assertThat(lossA.subList(27, 30).stream().mapToDouble(d -> d).average().orElseThrow())
                    .isLessThan(0.5 * lossA.subList(0, 3).stream().mapToDouble(d -> d).average().orElseThrow());
            assertThat(snapshots).extracting(s -> s.modelKey() + "@" + s.version())
                    .containsExactlyInAnyOrder("a@10", "a@20", "a@30", "b@10", "b@20");
            EngineReplay.assertLatestSnapshotsEqual(Outputs.latest(snapshots), EngineReplay.records(cfg, input));
        }
    }
}
