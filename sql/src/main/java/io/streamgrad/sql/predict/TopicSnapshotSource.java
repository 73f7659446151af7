package io.streamgrad.sql.predict;

import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.flink.annotation.Internal;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots from a (compacted) Kafka topic, read with {@code read_committed} so that only snapshots
 * of committed training checkpoints count. Every partition is assigned (no consumer group, no
 * committed offsets): each reader sees the whole topic.
 */
@Internal
public final class TopicSnapshotSource implements SnapshotSource {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TopicSnapshotSource.class);

    private final String topic;
    private final HashMap<String, String> clientProperties;

    public TopicSnapshotSource(String topic, Map<String, String> clientProperties) {
        this.topic = topic;
        this.clientProperties = new HashMap<>(clientProperties);
    }

    @Override
    public AutoCloseable follow(Consumer<ModelSnapshot> sink, Duration readTimeout, Duration refreshInterval) {
        KafkaConsumer<byte[], byte[]> consumer = newConsumer();
        try {
            readToEnd(consumer, sink, readTimeout);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        if (refreshInterval == null) {
            consumer.close();
            return () -> { };
        }
        Follower follower = new Follower(consumer, sink, refreshInterval);
        follower.start();
        return follower;
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        Properties p = new Properties();
        p.putAll(RelocatedKafkaNames.apply(clientProperties));
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest");
        p.remove("group.id");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void readToEnd(KafkaConsumer<byte[], byte[]> c, Consumer<ModelSnapshot> sink, Duration timeout) {
        List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("snapshot topic '" + topic + "' does not exist");
        }
        List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        c.assign(parts);
        c.seekToBeginning(parts);
        Map<TopicPartition, Long> end = c.endOffsets(parts, timeout); // last stable offsets under read_committed
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(c, end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " reading snapshot topic '" + topic
                        + "' to its end");
            }
            deliver(c.poll(Duration.ofMillis(100)), sink);
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void deliver(Iterable<ConsumerRecord<byte[], byte[]>> records, Consumer<ModelSnapshot> sink) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) {
                continue; // tombstone: the key's model was retired; keep serving the last one
            }
            ModelSnapshot s;
            try {
                s = SnapshotJson.fromBytes(r.value());
            } catch (RuntimeException e) {
                // one malformed record must not stop scoring with the models we have
                LOG.warn("skipping record {}-{}@{}: not a streamgrad snapshot ({})", topic, r.partition(),
                        r.offset(), e.getMessage());
                continue;
            }
            sink.accept(s);
        }
    }

    @Override
    public String describe() {
        return "topic '" + topic + "'";
    }

    /** Polls the topic after the initial read; the consumer is confined to this thread from now on. */
    private final class Follower extends Thread implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Consumer<ModelSnapshot> sink;
        private final Duration pollTimeout;
        private volatile boolean running = true;

        Follower(KafkaConsumer<byte[], byte[]> consumer, Consumer<ModelSnapshot> sink, Duration pollTimeout) {
            super("streamgrad-snapshots-" + topic);
            setDaemon(true);
            this.consumer = consumer;
            this.sink = sink;
            this.pollTimeout = pollTimeout;
        }

        @Override
        public void run() {
            try {
                while (running) {
                    deliver(consumer.poll(pollTimeout), sink);
                }
            } catch (WakeupException e) {
                // closed
            } catch (RuntimeException e) {
                LOG.error("following snapshot topic '{}' failed; scoring continues with the models loaded so far",
                        topic, e);
            } finally {
                consumer.close();
            }
        }

        @Override
        public void close() {
            running = false;
            consumer.wakeup();
            try {
                join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
