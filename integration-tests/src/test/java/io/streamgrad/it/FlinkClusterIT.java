package io.streamgrad.it;

import static io.streamgrad.it.JobYaml.dense;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.it.EngineReplay.KeyReplay;
import io.streamgrad.it.StreamGradFixture.In;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.model.snapshot.ModelSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #4 acceptance and issue #5 (TaskManager loss): the built {@code streamgrad-flink-job.jar}
 * is uploaded to a real standalone Flink session cluster (JobManager and TaskManager in their own
 * JVMs, submission through the REST API) and trains from the embedded Kafka broker; then a
 * TaskManager process is killed mid-run and replaced, and the job still publishes exactly the
 * engine's models with every metric exactly once.
 */
class FlinkClusterIT {
    static StreamGradFixture kafka;
    static StandaloneFlinkCluster flink;
    @TempDir
    static Path tmp;

    static final Path JOB_JAR = Path.of(System.getProperty("streamgrad.flinkJobJar", "../jobs/target/streamgrad-flink-job.jar"));

    @BeforeAll
    static void start() throws Exception {
        assertThat(JOB_JAR).as("the job jar (package the jobs module first)").exists();
        kafka = StreamGradFixture.start();
        flink = StandaloneFlinkCluster.start(tmp.resolve("flink"), Map.of());
    }

    @AfterAll
    static void stop() {
        try {
            if (flink != null) {
                flink.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    /** Writes the job's configuration file; the bootstrap address comes as a --set argument, as an operator would. */
    static Path configFile(String name, Map<String, String> clientProps) {
        JobYaml job = JobYaml.job(name, 2).kafka("will be set on the command line").bounded()
                .set("kafka.transactionTimeoutMs", 120000);
        clientProps.forEach(job::kafkaProperty);
        return job.topics(name).jsonInput("model").model(3, "meanSquaredError", dense(16, "tanh"), dense(1))
                .optimizer("{type: adam, learningRate: 0.01}").batches(20).set("training.seed", 7)
                .snapshotEvery(25).checkpointEvery(500).write(tmp.resolve(name + ".yaml"));
    }

    static List<In> data(long seed, Map<String, Integer> perKey, int badEvery) {
        Random r = new Random(seed);
        List<In> out = new ArrayList<>();
        Map<String, Integer> left = new java.util.TreeMap<>(perKey);
        int i = 0;
        while (!left.isEmpty()) {
            for (String key : List.copyOf(left.keySet())) {
                float[] x = {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()};
                float y = key.hashCode() % 2 == 0 ? 2 * x[0] - x[1] + 0.5f : -x[2] + 0.3f * x[0];
                out.add(In.text(key, "{\"model\":\"" + key + "\",\"x\":[" + x[0] + "," + x[1] + "," + x[2]
                        + "],\"y\":" + y + "}"));
                if (left.merge(key, -1, Integer::sum) == 0) {
                    left.remove(key);
                }
                if (badEvery > 0 && ++i % badEvery == 0) {
                    out.add(In.text(key, "{\"model\":\"" + key + "\",\"x\":[1,2],\"y\":1}"));
                }
            }
        }
        return out;
    }

    static List<String> args(Path config) {
        return List.of("--config", config.toString(), "--set", "kafka.bootstrapServers=" + kafka.bootstrapServers());
    }

    static void createTopics(String name) {
        kafka.createTopic(name + "-in", 2, false);
        kafka.createTopic(name + "-snapshots", 1, true);
    }

    /** Committed records of a topic so far (read_committed). */
    static List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> out(String topic) {
        return kafka.readAll(topic).records(topic);
    }

    @Test
    void submittedJobJarTrainsFromKafkaAndFinishes() throws Exception {
        String name = "cluster-plain";
        createTopics(name);
        List<In> input = data(1, Map.of("alpha", 500, "beta", 330), 97);
        kafka.produce(name + "-in", input);
        Path config = configFile(name, Map.of());
        JobConfig cfg = JobConfig.load(config, List.of("kafka.bootstrapServers=" + kafka.bootstrapServers()));

        String jarId = flink.uploadJar(JOB_JAR);
        String jobId = flink.runJar(jarId, args(config), 2);
        assertThat(flink.awaitTerminal(jobId, Duration.ofSeconds(120))).isEqualTo("FINISHED");

        Outputs out = kafka.readAll(name + "-metrics", name + "-snapshots", name + "-dead");
        List<JsonNode> metrics = out.json(name + "-metrics");
        List<ModelSnapshot> snapshots = out.snapshots(name + "-snapshots");
        List<JsonNode> dead = out.json(name + "-dead");
        // 500 = 25 batches of 20; 330 = 16 batches + a partial batch of 10 trained at end of input
        assertThat(metrics.stream().filter(m -> m.get("modelKey").asText().equals("alpha"))).hasSize(25);
        assertThat(metrics.stream().filter(m -> m.get("modelKey").asText().equals("beta"))).hasSize(17);
        long badRecords = input.stream().filter(r -> new String(r.value()).contains("[1,2]")).count();
        assertThat(dead).hasSize((int) badRecords).allSatisfy(d ->
                assertThat(d.get("reason").asText()).isEqualTo("x: expected 3 values, got 2"));
        Outputs.assertExactlyOncePerKeyVersion(metrics, snapshots);
        // steps 25 (alpha), end of input (alpha: none newer; beta: 17)
        assertThat(snapshots).extracting(s -> s.modelKey() + "@" + s.version())
                .containsExactlyInAnyOrder("alpha@25", "beta@17");
        EngineReplay.assertLatestSnapshotsEqual(Outputs.latest(snapshots), EngineReplay.records(cfg, input));
        JsonNode cps = flink.checkpoints(jobId);
        assertThat(cps.path("counts").path("completed").asInt()).isPositive();
        // while a bounded job's tasks start or finish, Flink declines checkpoints triggered meanwhile
        // (CHECKPOINT_DECLINED_TASK_CLOSING / _TASK_NOT_READY, NOT_ALL_REQUIRED_TASKS_RUNNING, and the coordinator
        // suspending as the finished job shuts down): nothing else may fail
        for (JsonNode c : cps.path("history")) {
            if (c.path("status").asText().equals("FAILED")) {
                assertThat(c.path("failure_message").asText()).containsAnyOf("task is closing",
                        "checkpoint request for unknown task", "Not all required tasks are currently running",
                        "tasks not ready", "Checkpoint Coordinator is suspending");
            }
        }
    }

    @Test
    void badConfigurationIsRejectedAtSubmissionNamingTheField() throws Exception {
        Path config = configFile("cluster-bad", Map.of());
        String jarId = flink.uploadJar(JOB_JAR);
        List<String> args = new ArrayList<>(args(config));
        args.addAll(List.of("--set", "training.batchSize=0"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> flink.runJar(jarId, args, 1))
                .hasMessageContaining("training.batchSize: must be >= 1");
        assertThat(flink.get("/jobs").path("jobs")).noneSatisfy(j ->
                assertThat(j.path("status").asText()).isEqualTo("RUNNING"));
    }

    /** Sets (or with null removes) the default consumer byte-rate quota of all client ids. */
    static void consumerQuota(Double bytesPerSecond) throws Exception {
        try (Admin admin = kafka.admin()) {
            ClientQuotaEntity allClients = new ClientQuotaEntity(Collections.singletonMap(ClientQuotaEntity.CLIENT_ID, null));
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(allClients,
                    List.of(new ClientQuotaAlteration.Op("consumer_byte_rate", bytesPerSecond))))).all().get();
        }
    }

    @Test
    void jobRecoversFromAKilledTaskManagerWithExactlyTheEngineModels() throws Exception {
        String name = "cluster-kill";
        createTopics(name);
        List<In> input = data(2, Map.of("gamma", 2400, "delta", 2150), 0);
        // many small producer batches, so that a small fetch size and a quota pace the job's consumer
        kafka.produce(Map.of("batch.size", "1024", "linger.ms", "0"), name + "-in", input);
        Path config = configFile(name, Map.of("max.partition.fetch.bytes", "2048"));
        JobConfig cfg = JobConfig.load(config, List.of("kafka.bootstrapServers=" + kafka.bootstrapServers()));
        // ~400 KB of input at 20 KB/s per consumer (a default quota for every client id): the job needs
        // several seconds, the kill lands mid-run
        consumerQuota(20_000.0);

        String jarId = flink.uploadJar(JOB_JAR);
        String jobId = flink.runJar(jarId, args(config), 2);
        // mid-run: running, at least two completed checkpoints (so recovery restores real state), not done
        flink.await("two completed checkpoints", Duration.ofSeconds(90), () -> flink.checkpoints(jobId),
                c -> c.path("counts").path("completed").asInt() >= 2);
        assertThat(flink.jobState(jobId)).isEqualTo("RUNNING");
        long beforeKill = out(name + "-metrics").size();
        Process victim = flink.taskManagers().get(0);
        flink.killTaskManager(victim);
        long killedAt = System.nanoTime();
        flink.startTaskManager();
        // the new TaskManager takes over; lift the pacing so the rest runs at full speed
        flink.await("the job restarted", Duration.ofSeconds(60), () -> flink.exceptions(jobId),
                e -> e.path("exceptionHistory").path("entries").size() > 0);
        consumerQuota(null);
        assertThat(flink.awaitTerminal(jobId, Duration.ofSeconds(150))).isEqualTo("FINISHED");
        double recoverySeconds = (System.nanoTime() - killedAt) / 1e9;

        JsonNode history = flink.exceptions(jobId).path("exceptionHistory").path("entries");
        assertThat(history.size()).isGreaterThanOrEqualTo(1);
        Outputs out = kafka.readAll(name + "-metrics", name + "-snapshots", name + "-dead");
        List<JsonNode> metrics = out.json(name + "-metrics");
        List<ModelSnapshot> snapshots = out.snapshots(name + "-snapshots");
        assertThat(out.records(name + "-dead")).isEmpty();
        Outputs.assertExactlyOncePerKeyVersion(metrics, snapshots);
        Map<String, KeyReplay> engine = EngineReplay.records(cfg, input);
        assertThat(engine.get("gamma").state.version()).isEqualTo(120);
        assertThat(engine.get("delta").state.version()).isEqualTo(108);
        assertThat(metrics).hasSize(120 + 108);
        EngineReplay.assertLatestSnapshotsEqual(Outputs.latest(snapshots), engine);
        System.out.printf("FlinkClusterIT: TaskManager killed after 2 checkpoints (%d of %d metrics committed); %d failure(s)"
                        + " survived (%s); finished %.1f s after the kill; %d metrics, %d snapshots, final models"
                        + " bit-identical to the engine%n", beforeKill, metrics.size(), history.size(),
                history.get(0).path("exceptionName").asText(), recoverySeconds, metrics.size(), snapshots.size());
        assertThat(beforeKill).as("metrics committed before the kill").isLessThan(metrics.size());
    }
}
