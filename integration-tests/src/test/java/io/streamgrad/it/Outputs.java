package io.streamgrad.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Records read from the job's output topics, decoded: metrics and dead letters as JSON, snapshots
 * as {@link ModelSnapshot}s (whose Kafka record key must be the model key), each topic in its order.
 */
final class Outputs {
    static final ObjectMapper JSON = new ObjectMapper();

    private final List<ConsumerRecord<String, byte[]>> records;

    Outputs(List<ConsumerRecord<String, byte[]>> records) {
        this.records = records;
    }

    /** Every record read, of all topics. */
    List<ConsumerRecord<String, byte[]>> all() {
        return records;
    }

    List<ConsumerRecord<String, byte[]>> records(String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    List<JsonNode> json(String topic) {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records(topic)) {
            try {
                out.add(JSON.readTree(r.value()));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    List<ModelSnapshot> snapshots(String topic) {
        List<ModelSnapshot> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records(topic)) {
            ModelSnapshot s = SnapshotJson.fromBytes(r.value());
            assertThat(r.key()).isEqualTo(s.modelKey());
            out.add(s);
        }
        return out;
    }

    boolean hasSnapshot(String topic, String key, long version) {
        return snapshots(topic).stream().anyMatch(s -> s.modelKey().equals(key) && s.version() == version);
    }

    /** The snapshot of {@code key} at {@code version}; fails if there is none. */
    ModelSnapshot snapshot(String topic, String key, long version) {
        return snapshots(topic).stream().filter(s -> s.modelKey().equals(key) && s.version() == version)
                .findFirst().orElseThrow();
    }

    /** The newest snapshot per key. */
    static Map<String, ModelSnapshot> latest(List<ModelSnapshot> snapshots) {
        Map<String, ModelSnapshot> out = new TreeMap<>();
        for (ModelSnapshot s : snapshots) {
            out.merge(s.modelKey(), s, (a, b) -> b.version() > a.version() ? b : a);
        }
        return out;
    }

    /** Values of {@code field} of each key's metrics, in topic order. */
    static Map<String, List<Long>> perKey(List<JsonNode> metrics, String field) {
        Map<String, List<Long>> out = new TreeMap<>();
        for (JsonNode m : metrics) {
            out.computeIfAbsent(m.get("modelKey").asText(), k -> new ArrayList<>()).add(m.get(field).asLong());
        }
        return out;
    }

    /**
     * Exactly once per (key, version): metric versions of a key are 1..n without a repeat or a gap
     * (one metric per step), and snapshot versions strictly increase in topic order.
     */
    static void assertExactlyOncePerKeyVersion(List<JsonNode> metrics, List<ModelSnapshot> snapshots) {
        perKey(metrics, "version").forEach((key, vs) -> {
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
}
