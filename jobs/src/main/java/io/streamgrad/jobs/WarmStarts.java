package io.streamgrad.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.config.ConfigException;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.spec.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Loads warm-start snapshots from a file or from the newest snapshots on a (compacted) topic. */
public final class WarmStarts {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private WarmStarts() {}

    /**
     * Reads a snapshot file: one snapshot JSON document, a JSON array of them, or JSON lines.
     * Returns the newest snapshot per key.
     */
    public static Map<String, ModelSnapshot> fromFile(Path file) {
        List<JsonNode> docs = new ArrayList<>();
        try {
            String text = Files.readString(file).strip();
            if (text.startsWith("[")) {
                MAPPER.readTree(text).forEach(docs::add);
            } else {
                // one document, or several (JSON lines / concatenated)
                try (var it = MAPPER.readerFor(JsonNode.class).<JsonNode>readValues(text)) {
                    while (it.hasNextValue()) {
                        docs.add(it.nextValue());
                    }
                }
            }
        } catch (IOException e) {
            throw new ConfigException("warmStart.file", "cannot read snapshots from " + file + ": " + e.getMessage());
        }
        Map<String, ModelSnapshot> out = new TreeMap<>();
        for (JsonNode d : docs) {
            ModelSnapshot s;
            try {
                s = SnapshotJson.fromJson(d);
            } catch (SpecException e) {
                throw new ConfigException("warmStart.file", file + ": " + e.getMessage());
            }
            out.merge(s.modelKey(), s, (a, b) -> b.version() >= a.version() ? b : a);
        }
        return out;
    }

    /** Reads the snapshot topic from the beginning (read_committed) and keeps the newest version per key. */
    public static Map<String, ModelSnapshot> fromTopic(Properties clientProperties, String topic, Duration timeout) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest");
        Map<String, ModelSnapshot> out = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return out;
            }
            List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                    .collect(Collectors.toList());
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done(c, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading snapshot topic " + topic);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue; // tombstone
                    }
                    try {
                        ModelSnapshot s = SnapshotJson.fromBytes(r.value());
                        out.merge(s.modelKey(), s, (a, b) -> b.version() >= a.version() ? b : a);
                    } catch (RuntimeException e) {
                        // not a snapshot: ignore (a warm start must not fail on one bad record)
                    }
                }
            }
        }
        return out;
    }

    private static boolean done(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Loads the configured warm start (empty map when none). */
    public static Map<String, ModelSnapshot> load(JobConfig cfg) {
        return switch (cfg.warmStart().source()) {
            case FILE -> fromFile(Path.of(cfg.warmStart().file()));
            case TOPIC -> fromTopic(cfg.clientProperties(), cfg.warmStart().topic(), Duration.ofSeconds(60));
            case NONE -> Map.of();
        };
    }
}
