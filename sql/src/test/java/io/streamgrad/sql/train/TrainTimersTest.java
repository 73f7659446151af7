package io.streamgrad.sql.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.operators.training.BatchBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The event-time timers of {@code STREAMGRAD_TRAIN}: {@code maxBatchDelayMs} trains a partial batch
 * once the watermark passes its first row's time plus the delay; at the final watermark of a bounded
 * input the delay timers leave the partial batches to the end of input ({@code endOfInput: drop}
 * turns their rows into dead letters, as the DataStream operator does).
 */
class TrainTimersTest {
    private static final long T0 = System.currentTimeMillis();
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopic("timed", 1, false);
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        try (KafkaProducer<String, String> out = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            // eu: 3 rows (a partial batch of 8); then us rows 3 s later move the watermark past eu's delay
            long[] times = {T0, T0 + 10, T0 + 20, T0 + 3_000, T0 + 3_010};
            String[] keys = {"eu", "eu", "eu", "us", "us"};
            for (int i = 0; i < times.length; i++) {
                out.send(new ProducerRecord<>("timed", 0, times[i], keys[i], "{\"model_key\": \"" + keys[i]
                        + "\", \"x0\": 0." + i + ", \"x1\": 0.5, \"x2\": -0.5, \"y\": " + (i % 2) + "}"));
            }
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void aPartialBatchIsTrainedWhenTheWatermarkPassesItsDelay() throws Exception {
        TableEnvironment env = TrainingRuns.tableEnv("hashmap", 1);
        env.executeSql(TrainingRuns.examplesTable("examples", "timed", broker.bootstrapServers())
                .replace(", 'scan.bounded.mode' = 'latest-offset'", "")); // unbounded: no final watermark
        String config = TrainingRuns.CONFIG.replace("maxBatchDelayMs: 0", "maxBatchDelayMs: 1000");
        Row metric = null;
        try (CloseableIterator<Row> it = env.executeSql(TrainingRuns.trainQuery("examples", config)).collect()) {
            while (metric == null && it.hasNext()) {
                Row r = it.next();
                metric = "metric".equals(r.getField("kind")) ? r : null;
            }
        }
        assertThat(metric).isNotNull();
        assertThat(metric.getField("model_key")).isEqualTo("eu");
        assertThat(metric.getField("batch_size")).isEqualTo(3);
        assertThat(metric.getField("version")).isEqualTo(1L);
        assertThat(((Instant) metric.getField("rowtime")).toEpochMilli()).as("fired at the delay, in event time")
                .isEqualTo(T0 + 1_000);
    }

    @Test
    void atTheEndOfABoundedInputPartialBatchesAreDroppedWithEndOfInputDrop() throws Exception {
        TableEnvironment env = TrainingRuns.tableEnv("rocksdb", 1);
        env.executeSql(TrainingRuns.examplesTable("examples", "timed", broker.bootstrapServers()));
        // an hour of delay: only the final watermark reaches the timers
        String config = TrainingRuns.CONFIG.replace("maxBatchDelayMs: 0", "maxBatchDelayMs: 3600000, endOfInput: drop");
        List<Row> rows = TrainingRuns.collect(env, TrainingRuns.trainQuery("examples", config));
        List<String> dead = new ArrayList<>();
        for (Row r : rows) {
            assertThat(r.getField("kind")).isNotEqualTo("metric");
            if ("dead_letter".equals(r.getField("kind"))) {
                assertThat(r.getField("reason")).isEqualTo(BatchBuffer.PARTIAL_BATCH_DROPPED);
                dead.add((String) r.getField("model_key"));
            }
        }
        assertThat(dead).containsExactlyInAnyOrder("eu", "eu", "eu", "us", "us");
        // as the DataStream operator: an untrained key still gets its end-of-input snapshot (version 0)
        assertThat(TrainingRuns.sqlSnapshots(rows).values()).allSatisfy(s -> assertThat(s).singleElement()
                .satisfies(m -> assertThat(m.version()).isZero()));
    }
}
