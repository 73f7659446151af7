package io.streamgrad.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients for the tests: a producer, and read_committed consumers that collect until a condition holds. */
final class KafkaTestSupport {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private KafkaTestSupport() {}

    static void produce(String bootstrap, String topic, List<String[]> keyValues) {
        produce(bootstrap, keyValues.stream().map(kv -> new ProducerRecord<>(topic, kv[0], kv[1])).toList());
    }

    /** Sends the records in order (idempotent producer) and flushes. */
    static void produce(String bootstrap, List<ProducerRecord<String, String>> records) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.idempotence", "true");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (ProducerRecord<String, String> r : records) {
                producer.send(r);
            }
            producer.flush();
        }
    }

    /**
     * Everything committed on {@code topics} now: a read_committed consumer reads every partition
     * from the beginning up to its end offset (the last stable offset). Fails if an open
     * transaction keeps a partition from reaching it within the timeout.
     */
    static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, Duration timeout, String... topics) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                consumer.partitionsFor(t).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("read_committed consumer did not reach the end offsets " + end + " in " + timeout);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    /** A read_committed consumer over whole topics. */
    static final class Reader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();

        Reader(String bootstrap, String... topics) {
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrap);
            p.put("group.id", "it-reader-" + System.nanoTime());
            p.put("auto.offset.reset", "earliest");
            p.put("isolation.level", "read_committed");
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(topics));
        }

        /** Polls until {@code done} holds for the records read so far; fails after the timeout. */
        List<ConsumerRecord<String, byte[]>> until(Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("condition not reached in " + timeout + "; read " + records.size() + " records");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }

        List<JsonNode> json(String topic) {
            List<JsonNode> out = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                if (r.topic().equals(topic)) {
                    try {
                        out.add(MAPPER.readTree(r.value()));
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                }
            }
            return out;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
