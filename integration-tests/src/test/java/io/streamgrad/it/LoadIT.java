package io.streamgrad.it;

import static io.streamgrad.it.JobYaml.dense;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.model.snapshot.ModelSnapshot;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5 item 6: a sustained bounded run at the maximum input rate with a checkpoint every
 * second. Input is pre-produced (small JSON records, more than the job can read in the target
 * duration on a 2-core machine), then the job reads it as fast as it can; at the target duration it
 * is stopped with a draining savepoint (end of input: partial batches trained, final snapshots),
 * unless it has read everything before. Asserts: the job finishes without failure or restart,
 * every example is accounted for exactly once (final snapshots = metrics; = produced if it read
 * everything), post-GC heap does not grow (last third of the samples not above 1.5x the first
 * third), checkpoints stay short. Duration: {@code -Dstreamgrad.load.seconds=N} (default 60;
 * CI=true caps it at 75).
 */
class LoadIT {
    static final int KEYS = 16;

    static int targetSeconds() {
        int s = Integer.getInteger("streamgrad.load.seconds", 60);
        return "true".equalsIgnoreCase(System.getenv("CI")) ? Math.min(s, 75) : s;
    }

    static JobConfig config(StreamGradFixture kafka, Path checkpoints) {
        return kafka.job("load", 2).bounded().set("kafka.transactionTimeoutMs", 120000).topics("load").jsonInput("k")
                .model(4, "meanSquaredError", dense(128, "tanh"), dense(128, "tanh"), dense(1))
                .optimizer("{type: adam, learningRate: 0.005}").batches(32).set("training.metricsEverySteps", 50)
                .snapshotEvery(2000).checkpointEvery(1000).set("checkpointing.directory", "\"" + checkpoints.toUri() + "\"")
                .parse();
    }

    record HeapSample(double atSeconds, long usedAfterGc) {}

    @TempDir
    Path tmp;

    @Test
    void sustainedMaximumRateRunHasFlatHeapAndShortCheckpoints() throws Exception {
        int seconds = targetSeconds();
        // a 17k-parameter model (x16 keys): training, not JSON parsing, sets the pace, ~35k examples/s on
        // 2 cores; -Dstreamgrad.load.records overrides
        int records = Integer.getInteger("streamgrad.load.records", Math.min(seconds * 40_000,
                "true".equalsIgnoreCase(System.getenv("CI")) ? 2_000_000 : Integer.MAX_VALUE));
        try (StreamGradFixture kafka = StreamGradFixture.start(Map.of("log.segment.bytes", String.valueOf(256 << 20)))) {
            kafka.createTopic("load-in", 2, false);
            kafka.createTopic("load-snapshots", 1, true);
            long t0 = System.nanoTime();
            produce(kafka.bootstrapServers(), records);
            double produceSeconds = (System.nanoTime() - t0) / 1e9;

            JobConfig cfg = config(kafka, tmp.resolve("checkpoints"));
            int restPort = StandaloneFlinkCluster.freePort();
            Configuration conf = new Configuration();
            conf.set(RestOptions.PORT, restPort);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // any failure fails the test
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            OnlineTrainingJob.build(env, cfg, Map.of());
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            List<HeapSample> heap = new ArrayList<>();
            long start = System.nanoTime();
            JobClient job = env.executeAsync(cfg.jobName());
            String jobId = job.getJobID().toHexString();
            HttpClient http = HttpClient.newHttpClient();
            JsonNode lastStats = null;
            var result = job.getJobExecutionResult();
            boolean drained = false;
            while (!result.isDone()) {
                if (!drained && (System.nanoTime() - start) / 1e9 >= seconds) {
                    // target duration reached: finish the job as end of input would (final snapshots)
                    job.stopWithSavepoint(true, tmp.resolve("savepoints").toUri().toString(),
                            org.apache.flink.core.execution.SavepointFormatType.CANONICAL);
                    drained = true;
                }
                Thread.sleep(2_000);
                System.gc();
                heap.add(new HeapSample((System.nanoTime() - start) / 1e9, memory.getHeapMemoryUsage().getUsed()));
                lastStats = checkpointStats(http, restPort, jobId, lastStats);
                assertThat((System.nanoTime() - start) / 1e9).as("run time").isLessThan(seconds * 4.0 + 120);
            }
            result.get(60, TimeUnit.SECONDS); // throws if the job failed
            double runSeconds = (System.nanoTime() - start) / 1e9;
            lastStats = checkpointStats(http, restPort, jobId, lastStats);

            Outputs out = kafka.readAll("load-metrics", "load-snapshots", "load-dead");
            Map<String, ModelSnapshot> latest = Outputs.latest(out.snapshots("load-snapshots"));
            List<JsonNode> metrics = out.json("load-metrics");
            long trained = latest.values().stream().mapToLong(ModelSnapshot::examplesSeen).sum();
            assertThat(out.records("load-dead")).isEmpty();
            assertThat(latest).hasSize(KEYS);
            assertThat(metrics.stream().mapToLong(m -> m.get("batchSize").asLong()).sum()).as("examples in metrics")
                    .isEqualTo(trained);
            if (drained) {
                assertThat(trained).isBetween(1L, (long) records);
            } else {
                assertThat(trained).isEqualTo(records);
            }
            Map<String, Long> lastVersion = new HashMap<>();
            for (JsonNode m : metrics) {
                Long prev = lastVersion.put(m.get("modelKey").asText(), m.get("version").asLong());
                assertThat(prev == null || m.get("version").asLong() > prev).as("metric versions increase").isTrue();
            }
            for (ModelSnapshot s : latest.values()) {
                assertThat(s.lastLoss()).as("loss of %s", s.modelKey()).isFinite().isLessThan(1.0);
            }

            // heap: post-GC samples of the last third no more than 1.5x the first third's (medians)
            int third = Math.max(1, heap.size() / 3);
            long first = median(heap.subList(0, third));
            long last = median(heap.subList(heap.size() - third, heap.size()));
            long peak = heap.stream().mapToLong(HeapSample::usedAfterGc).max().orElseThrow();

            JsonNode summary = lastStats.path("summary").path("end_to_end_duration");
            JsonNode counts = lastStats.path("counts");
            System.out.printf("LoadIT: %,d records produced in %.1f s; %,d trained (%s); job ran %.1f s (%.2f min): %,.0f examples/s over %d keys; "
                            + "checkpoints completed %d, failed %d, end-to-end ms min %d / avg %d / p99 %d / max %d; "
                            + "post-GC heap MB first third %d, last third %d, peak %d (%d samples)%n",
                    records, produceSeconds, trained, drained ? "stopped with a draining savepoint" : "end of input",
                    runSeconds, runSeconds / 60, trained / runSeconds, KEYS,
                    counts.path("completed").asInt(), counts.path("failed").asInt(), summary.path("min").asLong(),
                    summary.path("avg").asLong(), summary.path("p99").asLong(), summary.path("max").asLong(),
                    first >> 20, last >> 20, peak >> 20, heap.size());
            assertThat(heap.size()).isGreaterThanOrEqualTo(6);
            assertThat(last).as("post-GC heap, last third vs first third").isLessThanOrEqualTo((long) (first * 1.5));
            assertThat(counts.path("completed").asInt()).isGreaterThanOrEqualTo((int) (runSeconds / 4));
            assertThat(summary.path("max").asLong()).as("longest checkpoint, ms").isLessThan(10_000);
            assertThat(summary.path("p99").asLong()).as("p99 checkpoint, ms").isLessThan(5_000);
            for (JsonNode c : lastStats.path("history")) {
                if (c.path("status").asText().equals("FAILED")) {
                    assertThat(c.path("failure_message").asText()).containsAnyOf("task is closing",
                            "checkpoint request for unknown task", "Not all required tasks are currently running");
                }
            }
        }
    }

    static long median(List<HeapSample> s) {
        long[] v = s.stream().mapToLong(HeapSample::usedAfterGc).sorted().toArray();
        return v[v.length / 2];
    }

    /** GET /jobs/:id/checkpoints of the local cluster; keeps the previous answer if the call fails. */
    static JsonNode checkpointStats(HttpClient http, int port, String jobId, JsonNode previous) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/jobs/"
                    + jobId + "/checkpoints")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Outputs.JSON.readTree(r.body()) : previous;
        } catch (Exception e) {
            return previous;
        }
    }

    /** Small JSON records, keys round robin; y is a fixed function of x per key (learnable). */
    static void produce(String bootstrap, int n) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("linger.ms", "20");
        p.put("batch.size", String.valueOf(256 << 10));
        p.put("compression.type", "lz4");
        p.put("buffer.memory", String.valueOf(64 << 20));
        SplittableRandom r = new SplittableRandom(17);
        java.util.concurrent.atomic.AtomicReference<Exception> error = new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            StringBuilder b = new StringBuilder(96);
            for (int i = 0; i < n; i++) {
                int k = i % KEYS;
                float x0 = (float) r.nextDouble(-1, 1);
                float x1 = (float) r.nextDouble(-1, 1);
                float x2 = (float) r.nextDouble(-1, 1);
                float x3 = (float) r.nextDouble(-1, 1);
                float y = 0.5f * x0 - x1 + 0.25f * x2 * (k % 3) + 0.1f * k * x3;
                b.setLength(0);
                b.append("{\"k\":\"key").append(k).append("\",\"x\":[").append(x0).append(',').append(x1).append(',')
                        .append(x2).append(',').append(x3).append("],\"y\":").append(y).append('}');
                String key = "key" + k;
                producer.send(new ProducerRecord<>("load-in", key, b.toString()), (md, e) -> {
                    if (e != null) {
                        error.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        assertThat(error.get()).as("produce error").isNull();
    }
}
