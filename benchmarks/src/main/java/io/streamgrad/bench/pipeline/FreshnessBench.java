package io.streamgrad.bench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.ScoringJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.Scoring;
import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.model.bench.Workload;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.train.Trainer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Model freshness end to end: the real {@code ScoringJob} on an embedded broker and a local Flink
 * environment scores a steady W1 event stream; new snapshot versions are published one after the
 * other, and the time from a snapshot's send being acknowledged to the first prediction stamped
 * with it arriving at a read_committed consumer is recorded. With exactly-once delivery that
 * includes waiting for the scoring job's next checkpoint, which makes predictions visible.
 */
public final class FreshnessBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    public FreshnessBench(PrintStream out) {
        this.out = out;
    }

    /**
     * The three settings side by side in one run: the defaults (exactly-once, the scoring job's checkpoint
     * interval), exactly-once with an explicit 10 s interval, and at-least-once.
     */
    public void compare(int updates) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add(run(updates, "exactly-once", 0));
        lines.add(run(updates, "exactly-once", 10_000));
        lines.add(run(updates, "at-least-once", 0));
        out.println("summary:");
        lines.forEach(out::println);
    }

    /** Measures {@code updates} snapshot versions; returns the summary line (also printed). */
    public String run(int updates, String guarantee, long checkpointMs) throws Exception {
        ModelSpec model = Workload.W1.model(1);
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(0, Map.of())) {
            for (String t : List.of("fresh-events", "fresh-snapshots", "fresh-predictions", "fresh-dead")) {
                kafka.createTopic(t, 1, false);
            }
            String yaml = "job: {name: freshness, parallelism: 1}\n"
                    + "kafka: {bootstrapServers: \"" + kafka.bootstrapServers() + "\", startingOffsets: latest, "
                    + "deliveryGuarantee: " + guarantee + "}\n"
                    + "topics: {input: fresh-events, snapshots: fresh-snapshots, predictions: fresh-predictions, "
                    + "deadLetters: fresh-dead}\n"
                    + "input: {format: json, key: {from: field, field: k}, json: {features: x, label: y}}\n"
                    + "model: " + Workload.W1.modelJson(1) + "\noptimizer: " + Workload.ADAM + "\n"
                    + (checkpointMs > 0 ? "checkpointing: {intervalMs: " + checkpointMs + "}\n" : "");
            JobConfig cfg = JobConfig.parse(yaml, List.of());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
            ScoringJob.build(env, cfg);
            JobClient job = env.executeAsync("freshness");
            Properties p = new Properties();
            p.put("bootstrap.servers", kafka.bootstrapServers());
            p.put("acks", "all");
            p.put("linger.ms", "0");
            AtomicBoolean stop = new AtomicBoolean();
            Thread events = new Thread(() -> produceEvents(p, model.inputDim(), stop), "events");
            events.start();
            Trainer trainer = new Trainer(model, Workload.adam());
            List<Long> millis = new ArrayList<>();
            try (KafkaProducer<String, String> snapshots = new KafkaProducer<>(p, new StringSerializer(),
                    new StringSerializer()); KafkaConsumer<String, String> predictions = consumer(kafka)) {
                predictions.subscribe(List.of("fresh-predictions"));
                predictions.poll(Duration.ofMillis(500));
                for (int v = 1; v <= updates; v++) {
                    String json = new String(SnapshotJson.toBytes(new ModelSnapshot("k", v, v, v, 0, false, null,
                            System.currentTimeMillis(), model, Workload.adam(), trainer.newState(v), false)),
                            StandardCharsets.UTF_8);
                    snapshots.send(new ProducerRecord<>("fresh-snapshots", "k", json)).get();
                    long sent = System.nanoTime();
                    long seen = awaitVersion(predictions, v, sent + 120_000_000_000L);
                    millis.add((seen - sent) / 1_000_000);
                    out.printf("v%d: first prediction with it after %d ms%n", v, millis.get(millis.size() - 1));
                    Thread.sleep(500 + (v * 1_337L) % 3_000); // spread the updates over the checkpoint cycle
                }
            } finally {
                stop.set(true);
                events.join(5_000);
                job.cancel().get();
            }
            List<Long> sorted = millis.stream().sorted().toList();
            long interval = Scoring.checkpointIntervalMs(cfg.checkpointing());
            String line = String.format("freshness (%s, checkpoint every %d ms%s): median %d ms, max %d ms over %d "
                    + "updates, load average %.2f", guarantee, interval, cfg.checkpointing().intervalSet() ? ""
                    : " by default", sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), sorted.size(),
                    Figures.loadAverage()[0]);
            out.println(line);
            return line;
        }
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedKafkaBroker kafka) {
        Properties c = new Properties();
        c.put("bootstrap.servers", kafka.bootstrapServers());
        c.put("group.id", "freshness-" + System.nanoTime());
        c.put("auto.offset.reset", "earliest");
        c.put("isolation.level", "read_committed");
        return new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
    }

    private static long awaitVersion(KafkaConsumer<String, String> consumer, long version, long deadline)
            throws Exception {
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(5))) {
                JsonNode n = JSON.readTree(r.value());
                if (n.path("modelVersion").asLong() >= version) {
                    return System.nanoTime();
                }
            }
        }
        throw new IllegalStateException("no prediction with model version " + version + " in 120 s");
    }

    /** W1 events for key k, about 1,000 per second, until stopped. */
    private static void produceEvents(Properties p, int inputDim, AtomicBoolean stop) {
        SplittableRandom rnd = new SplittableRandom(1);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            while (!stop.get()) {
                StringBuilder sb = new StringBuilder("{\"k\":\"k\",\"x\":[");
                for (int i = 0; i < inputDim; i++) {
                    sb.append(i == 0 ? "" : ",").append((float) (rnd.nextDouble() * 2 - 1));
                }
                producer.send(new ProducerRecord<>("fresh-events", "k", sb.append("]}").toString()));
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
