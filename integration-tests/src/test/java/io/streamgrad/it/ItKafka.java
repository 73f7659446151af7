package io.streamgrad.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.jobs.input.ParseResult;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.OnlineTrainerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Shared helpers of the hardening tests (cluster, fuzz, security, load): producing raw records
 * with client settings, reading output topics completely with read_committed consumers (up to the
 * last stable offset, so after a finished bounded job nothing is missed), replaying the same input
 * through the engine, and the per-(key, version) exactly-once check.
 */
final class ItKafka {
    static final ObjectMapper JSON = new ObjectMapper();

    private ItKafka() {}

    /** One input record: Kafka key (may be null) and raw value bytes (may be null). */
    record In(String key, byte[] value) {
        static In text(String key, String value) {
            return new In(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }
    }

    static Properties clientProps(String bootstrap, Map<String, String> extra) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.putAll(extra);
        return p;
    }

    /** Produces the records in order (idempotent producer, acks all); fails on any send error. */
    static void produce(String bootstrap, Map<String, String> extra, String topic, List<In> records) {
        Properties p = clientProps(bootstrap, extra);
        p.putIfAbsent("enable.idempotence", "true");
        p.putIfAbsent("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (In r : records) {
                sent.add(producer.send(new ProducerRecord<>(topic,
                        r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value())));
            }
            producer.flush();
            for (Future<?> f : sent) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to " + topic, e);
        }
    }

    /**
     * Every committed record of the topics, read from the beginning up to the end offsets
     * (= last stable offsets under read_committed) taken at the call.
     */
    static Map<String, List<ConsumerRecord<String, byte[]>>> readAll(String bootstrap, Map<String, String> extra,
                                                                   String... topics) {
        Properties p = clientProps(bootstrap, extra);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("max.partition.fetch.bytes", String.valueOf(8 << 20));
        Map<String, List<ConsumerRecord<String, byte[]>>> out = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                out.put(t, new ArrayList<>());
                List<PartitionInfo> infos = c.partitionsFor(t, Duration.ofSeconds(30));
                if (infos != null) {
                    infos.forEach(i -> parts.add(new TopicPartition(t, i.partition())));
                }
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + end + " in 60 s");
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.get(r.topic()).add(r);
                }
            }
        }
        return out;
    }

    static List<JsonNode> json(List<ConsumerRecord<String, byte[]>> records) {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            try {
                out.add(JSON.readTree(r.value()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    static List<ModelSnapshot> snapshots(List<ConsumerRecord<String, byte[]>> records) {
        List<ModelSnapshot> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            ModelSnapshot s = SnapshotJson.fromBytes(r.value());
            assertThat(r.key()).isEqualTo(s.modelKey());
            out.add(s);
        }
        return out;
    }

    /** The newest snapshot per key. */
    static Map<String, ModelSnapshot> latest(List<ModelSnapshot> snapshots) {
        Map<String, ModelSnapshot> out = new TreeMap<>();
        for (ModelSnapshot s : snapshots) {
            out.merge(s.modelKey(), s, (a, b) -> b.version() > a.version() ? b : a);
        }
        return out;
    }

    /**
     * Exactly once per (key, version): metric versions of a key are 1..n without a repeat or a gap
     * (one metric per step), and snapshot versions strictly increase in topic order.
     */
    static void assertExactlyOncePerKeyVersion(List<JsonNode> metrics, List<ModelSnapshot> snapshots) {
        Map<String, List<Long>> versions = new TreeMap<>();
        for (JsonNode m : metrics) {
            versions.computeIfAbsent(m.get("modelKey").asText(), k -> new ArrayList<>()).add(m.get("version").asLong());
        }
        versions.forEach((key, vs) -> {
            List<Long> expected = new ArrayList<>();
            for (long v = 1; v <= vs.size(); v++) {
                expected.add(v);
            }
            assertThat(vs).as("metric versions of key %s (duplicates or gaps)", key).isEqualTo(expected);
        });
        Map<String, Long> last = new HashMap<>();
        for (ModelSnapshot s : snapshots) {
            Long prev = last.put(s.modelKey(), s.version());
            if (prev != null) {
                assertThat(s.version()).as("snapshot versions of key %s", s.modelKey()).isGreaterThan(prev);
            }
        }
    }

    /**
     * What the engine computes for the same input: records parsed by the job's own parser, grouped
     * by model key in input order, trained in mini-batches of {@code training.batchSize} with the
     * partial batch trained at end of input (the job's behaviour with {@code maxBatchDelayMs: 0}).
     */
    static Map<String, ModelState> engine(JobConfig cfg, List<In> input) {
        ExampleParser parser = new ExampleParser(cfg.input(), cfg.model());
        Map<String, List<Example>> perKey = new TreeMap<>();
        for (In r : input) {
            ParseResult p = parser.parse(r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value(), 0L);
            if (p.isOk()) {
                perKey.computeIfAbsent(p.example.modelKey, k -> new ArrayList<>()).add(p.example);
            }
        }
        OnlineTrainerConfig tc = OnlineTrainingJob.trainerConfig(cfg, Map.of());
        Trainer trainer = tc.newTrainer();
        int in = cfg.model().inputDim();
        int out = cfg.model().outputDim();
        int bs = cfg.training().batchSize();
        Map<String, ModelState> states = new TreeMap<>();
        perKey.forEach((key, rows) -> {
            ModelState s = tc.initialState(trainer, key);
            for (int i = 0; i < rows.size(); i += bs) {
                MiniBatch b = new MiniBatch(in, out, bs);
                for (int j = i; j < Math.min(rows.size(), i + bs); j++) {
                    b.add(rows.get(j).features, rows.get(j).target);
                }
                trainer.step(s, b);
            }
            states.put(key, s);
        });
        return states;
    }

    /** Bit-for-bit comparison of the newest snapshot of every key with the engine's state. */
    static void assertSnapshotsEqualEngine(Map<String, ModelSnapshot> latest, Map<String, ModelState> engine) {
        assertThat(latest.keySet()).isEqualTo(engine.keySet());
        engine.forEach((key, expected) -> {
            ModelSnapshot s = latest.get(key);
            assertThat(s.version()).as("version of %s", key).isEqualTo(expected.version());
            assertThat(s.examplesSeen()).as("examples of %s", key).isEqualTo(expected.examplesSeen());
            for (int v = 0; v < expected.weights().length; v++) {
                assertThat(s.state().weights()[v]).as("variable %d of %s", v, key).containsExactly(expected.weights()[v]);
            }
            assertThat(s.state().bitEquals(expected)).as("full state of %s (optimizer slots, counters)", key).isTrue();
        });
    }
}
