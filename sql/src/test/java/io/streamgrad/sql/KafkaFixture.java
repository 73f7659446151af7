package io.streamgrad.sql;

import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.model.snapshot.ModelSnapshot;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes snapshots (in transactions, as the training job does) and JSON rows to the embedded broker. */
final class KafkaFixture implements AutoCloseable {
    private final EmbeddedKafkaBroker broker;
    private final KafkaProducer<byte[], byte[]> snapshots;
    private final KafkaProducer<String, String> rows;

    KafkaFixture(EmbeddedKafkaBroker broker) {
        this.broker = broker;
        Properties tx = new Properties();
        tx.put("bootstrap.servers", broker.bootstrapServers());
        tx.put("transactional.id", "sql-test-" + UUID.randomUUID());
        snapshots = new KafkaProducer<>(tx, new ByteArraySerializer(), new ByteArraySerializer());
        snapshots.initTransactions();
        Properties plain = new Properties();
        plain.put("bootstrap.servers", broker.bootstrapServers());
        plain.put("linger.ms", "0");
        rows = new KafkaProducer<>(plain, new StringSerializer(), new StringSerializer());
    }

    String bootstrap() {
        return broker.bootstrapServers();
    }

    /** Publishes {@code s} in a committed transaction; returns once committed. */
    void commit(String topic, ModelSnapshot s) {
        snapshots.beginTransaction();
        snapshots.send(new ProducerRecord<>(topic, s.modelKey().getBytes(), SqlModels.json(s)));
        snapshots.commitTransaction();
    }

    /** Writes {@code s} in a transaction that is then aborted: read_committed readers never see it. */
    void abort(String topic, ModelSnapshot s) {
        snapshots.beginTransaction();
        snapshots.send(new ProducerRecord<>(topic, s.modelKey().getBytes(), SqlModels.json(s)));
        snapshots.flush();
        snapshots.abortTransaction();
    }

    void row(String topic, String json) {
        try {
            rows.send(new ProducerRecord<>(topic, json)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        snapshots.close();
        rows.close();
    }
}
