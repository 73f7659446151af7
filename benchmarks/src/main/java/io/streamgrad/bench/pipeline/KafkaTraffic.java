package io.streamgrad.bench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Fills the input topic before a run and counts what a run committed to its metrics topic. */
final class KafkaTraffic {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final EmbeddedKafkaBroker kafka;

    KafkaTraffic(EmbeddedKafkaBroker kafka) {
        this.kafka = kafka;
    }

    /** Rate and size of the pre-production. */
    record Produced(double examplesPerSecond, double bytesPerExample) {}

    /** What a run committed: the examples its metric records cover, and how many records. */
    record Committed(long examples, long records) {}

    /** Produces {@code n} synthetic records to {@code topic}. */
    Produced produce(String topic, long n, int keys, String format) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("linger.ms", "20");
        p.put("batch.size", String.valueOf(1 << 20));
        p.put("buffer.memory", String.valueOf(64 << 20));
        SyntheticRecords records = new SyntheticRecords(keys, format);
        long bytes = 0;
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long i = 0; i < n; i++) {
                byte[] key = records.key();
                byte[] value = records.value();
                bytes += value.length;
                producer.send(new ProducerRecord<>(topic, key, value));
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Produced(n / seconds, (double) bytes / n);
    }

    /** Sums {@code batchSize} over the committed (read_committed) metric records of {@code topic}. */
    Committed committedMetrics(String topic) throws IOException {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("isolation.level", "read_committed");
        p.put("max.poll.records", "5000");
        long examples = 0;
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long endOffset = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (c.position(tp) < endOffset && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    JsonNode m = MAPPER.readTree(r.value());
                    examples += m.path("batchSize").asLong();
                    records++;
                }
            }
        }
        return new Committed(examples, records);
    }

    /** The number of committed (read_committed) records in all partitions of {@code topic}. */
    long committedRecords(String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("isolation.level", "read_committed");
        p.put("max.poll.records", "20000");
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                records += c.poll(Duration.ofMillis(500)).count();
            }
        }
        return records;
    }
}
