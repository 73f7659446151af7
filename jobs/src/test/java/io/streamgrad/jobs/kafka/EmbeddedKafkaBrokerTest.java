package io.streamgrad.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

/** The in-process KRaft broker accepts transactional writes and read_committed reads. */
class EmbeddedKafkaBrokerTest {
    @Test
    void transactionsAndReadCommitted() {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopic("t", 2, false);
            kafka.createTopic("t", 2, false); // idempotent
            kafka.createTopic("compacted", 1, true);
            Properties p = new Properties();
            p.put("bootstrap.servers", kafka.bootstrapServers());
            p.put("transactional.id", "test-tx");
            p.put("transaction.timeout.ms", "3600000");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("t", "k", "committed"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("t", "k", "aborted"));
                producer.flush();
                producer.abortTransaction();
            }
            Properties c = new Properties();
            c.put("bootstrap.servers", kafka.bootstrapServers());
            c.put("group.id", "g");
            c.put("auto.offset.reset", "earliest");
            c.put("isolation.level", "read_committed");
            List<String> seen = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("t"));
                long deadline = System.currentTimeMillis() + 20_000;
                while (seen.isEmpty() && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        seen.add(r.value());
                    }
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(r.value());
                }
            }
            assertThat(seen).containsExactly("committed");
        }
    }

    @Test
    void scramListenerAuthenticatesClients() throws Exception {
        var sasl = new EmbeddedKafkaBroker.Sasl("SCRAM-SHA-256", java.util.Map.of("alice", "alice-pw"));
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(0, java.util.Map.of(), sasl)) {
            kafka.createTopic("s", 1, false); // the broker's own admin authenticates
            Properties ok = new Properties();
            ok.put("bootstrap.servers", kafka.bootstrapServers());
            ok.putAll(sasl.clientProperties("alice", "alice-pw"));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(ok, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("s", "k", "v")).get();
            }
            Properties bad = new Properties();
            bad.put("bootstrap.servers", kafka.bootstrapServers());
            bad.putAll(sasl.clientProperties("alice", "wrong"));
            try (Admin admin = Admin.create(bad)) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> admin.describeCluster().nodes().get())
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
            Properties none = new Properties();
            none.put("bootstrap.servers", kafka.bootstrapServers());
            none.put("request.timeout.ms", "2000");
            none.put("default.api.timeout.ms", "3000");
            try (Admin admin = Admin.create(none)) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> admin.describeCluster().nodes().get());
            }
        }
    }
}
