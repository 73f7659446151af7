package io.streamgrad.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.it.StreamGradFixture.In;
import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.train.Trainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The input and the checks of the scoring job's end-to-end tests: W1-like events for a few keys on a
 * two-partition events topic (each event's id is {@code topic-partition@offset}, tracked here), snapshots
 * of chosen versions published to the snapshot topic, and the checks on everything committed to the
 * predictions topic: one prediction per event, versions per key never going back, and every prediction
 * bit-identical to {@link Predictor} inference of the snapshot version it is stamped with.
 */
final class ScoringStream {
    static final int PARTITIONS = 2;
    static final int INPUT_DIM = 3;

    private final StreamGradFixture kafka;
    private final String prefix;
    private final ModelSpec model;
    private final OptimizerSpec optimizer;
    private final List<String> keys;
    private final Random random = new Random(11);
    private final long[] nextOffset = new long[PARTITIONS];
    private int events;
    /** Event id -> its features and key. */
    private final Map<String, float[]> features = new HashMap<>();
    private final Map<String, String> keyOf = new HashMap<>();
    /** "key@version" -> the snapshot's JSON bytes. */
    private final Map<String, byte[]> snapshots = new HashMap<>();

    ScoringStream(StreamGradFixture kafka, String prefix, ModelSpec model, OptimizerSpec optimizer, List<String> keys) {
        this.kafka = kafka;
        this.prefix = prefix;
        this.model = model;
        this.optimizer = optimizer;
        this.keys = List.copyOf(keys);
        kafka.createTopic(eventsTopic(), PARTITIONS, false);
        for (String t : List.of(snapshotTopic(), predictions(), deadLetters())) {
            kafka.createTopic(t, 1, false);
        }
    }

    String eventsTopic() {
        return prefix + "-events";
    }

    String snapshotTopic() {
        return prefix + "-snapshots";
    }

    String predictions() {
        return prefix + "-predictions";
    }

    String deadLetters() {
        return prefix + "-dead";
    }

    /** Publishes version {@code version} of each of {@code forKeys} (weights seeded by key and version). */
    void publish(long version, List<String> forKeys) {
        Trainer trainer = new Trainer(model, optimizer);
        List<In> records = new ArrayList<>();
        for (String key : forKeys) {
            byte[] json = SnapshotJson.toBytes(new ModelSnapshot(key, version, version, version, 0, false, null,
                    System.currentTimeMillis(), model, optimizer,
                    trainer.newState(31L * version + keys.indexOf(key)), false));
            snapshots.put(key + "@" + version, json);
            records.add(new In(key, json));
        }
        kafka.produce(snapshotTopic(), records);
    }

    /** Produces {@code n} events, the keys in turn (each key always to the same partition); returns their ids. */
    List<String> produceEvents(int n) {
        List<In> records = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = events++ % keys.size();
            String key = keys.get(k);
            int partition = k % PARTITIONS;
            float[] x = new float[INPUT_DIM];
            for (int j = 0; j < INPUT_DIM; j++) {
                x[j] = (float) random.nextGaussian();
            }
            String id = eventsTopic() + "-" + partition + "@" + nextOffset[partition]++;
            ids.add(id);
            records.add(In.text(null, "{\"model\":\"" + key + "\",\"x\":[" + x[0] + "," + x[1] + "," + x[2] + "]}")
                    .toPartition(partition));
            features.put(id, x);
            keyOf.put(id, key);
        }
        kafka.produce(eventsTopic(), records);
        return ids;
    }

    /** Waits until committed predictions cover {@code ids}; returns them. */
    List<JsonNode> awaitPredicted(Set<String> ids, Duration timeout) {
        try (StreamGradFixture.Reader reader = kafka.reader(predictions())) {
            return reader.until(out -> out.json(predictions()).stream().map(p -> p.get("eventId").asText())
                    .collect(Collectors.toSet()).containsAll(ids), timeout).json(predictions());
        }
    }

    /**
     * Checks everything committed to the predictions topic: each produced event predicted exactly once, model
     * versions per key never going back, every prediction bit-identical to {@link Predictor} of its stamped
     * version. Returns the predictions in topic order.
     */
    List<JsonNode> assertExactlyOnceAndIdentical() {
        List<JsonNode> all = kafka.readAll(predictions()).json(predictions());
        List<String> ids = all.stream().map(p -> p.get("eventId").asText()).toList();
        assertThat(ids).as("one prediction per event").doesNotHaveDuplicates();
        assertThat(new TreeSet<>(ids)).isEqualTo(new TreeSet<>(features.keySet()));
        Map<String, Long> last = new HashMap<>();
        for (JsonNode p : all) {
            String id = p.get("eventId").asText();
            String key = p.get("modelKey").asText();
            assertThat(key).as(id).isEqualTo(keyOf.get(id));
            long version = p.get("modelVersion").asLong();
            assertThat(version).as("version of %s at %s never goes back", key, id)
                    .isGreaterThanOrEqualTo(last.getOrDefault(key, 0L));
            last.put(key, version);
            byte[] snapshot = snapshots.get(key + "@" + version);
            assertThat(snapshot).as("published snapshot %s v%d", key, version).isNotNull();
            float expected = Predictor.fromJson(snapshot).predict(features.get(id)).values()[0];
            assertThat(Float.floatToIntBits(Float.parseFloat(p.get("values").get(0).asText())))
                    .as("%s by %s v%d", id, key, version).isEqualTo(Float.floatToIntBits(expected));
        }
        return all;
    }

    /** The model version each of {@code ids} was predicted with. */
    static Map<String, Long> versions(List<JsonNode> predictions, Set<String> ids) {
        Map<String, Long> out = new HashMap<>();
        for (JsonNode p : predictions) {
            if (ids.contains(p.get("eventId").asText())) {
                out.put(p.get("eventId").asText(), p.get("modelVersion").asLong());
            }
        }
        return out;
    }

    String keyOf(String id) {
        return keyOf.get(id);
    }
}
