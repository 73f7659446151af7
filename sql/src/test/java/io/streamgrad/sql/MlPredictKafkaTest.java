package io.streamgrad.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.model.serve.Prediction;
import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.snapshot.ModelSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ML_PREDICT over a Kafka table in a streaming TableEnvironment (MiniCluster) against a real broker:
 * every row's outputs equal {@link Predictor} inference of the version the row reports, an aborted
 * snapshot is never used, and a snapshot committed mid-stream serves every row produced 1 s later.
 */
class MlPredictKafkaTest {
    private static EmbeddedKafkaBroker broker;
    private static KafkaFixture kafka;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopic("fraud-snapshots", 1, true);
        broker.createTopic("payments", 1, false);
        kafka = new KafkaFixture(broker);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
        broker.close();
    }

    @Test
    void scoresWithTheNewestCommittedSnapshotAndFollowsUpdates() throws Exception {
        ModelSnapshot v5 = SqlModels.snapshot(SqlModels.binary3(), "eu", 5);
        ModelSnapshot v12 = SqlModels.snapshot(SqlModels.binary3(), "eu", 12);
        ModelSnapshot other = SqlModels.snapshot(SqlModels.regression3x2(), "us", 3);
        kafka.commit("fraud-snapshots", v5);
        kafka.commit("fraud-snapshots", other); // another key on the same topic: not ours
        kafka.abort("fraud-snapshots", SqlModels.snapshot(SqlModels.binary3(), "eu", 50));
        Map<Long, Predictor> byVersion = Map.of(5L, Predictor.of(v5), 12L, Predictor.of(v12));

        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        env.getConfig().set("parallelism.default", "1");
        env.executeSql("CREATE TABLE payments (id BIGINT, f0 DOUBLE, f1 DOUBLE, f2 DOUBLE) WITH ("
                + "'connector' = 'kafka', 'topic' = 'payments', 'properties.bootstrap.servers' = '"
                + kafka.bootstrap() + "', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json')");
        env.executeSql("CREATE MODEL fraud INPUT (f0 DOUBLE, f1 DOUBLE, f2 DOUBLE) "
                + "OUTPUT (score DOUBLE, class_index INT, model_version BIGINT) WITH ('provider' = 'streamgrad', "
                + "'snapshots.topic' = 'fraud-snapshots', 'properties.bootstrap.servers' = '" + kafka.bootstrap()
                + "', 'model.key' = 'eu')");
        TableResult result = env.executeSql("SELECT id, f0, f1, f2, score, class_index, model_version "
                + "FROM ML_PREDICT(TABLE payments, MODEL fraud, DESCRIPTOR(f0, f1, f2))");

        Random r = new Random(3);
        List<Long> sentAt = new ArrayList<>();
        try (CloseableIterator<Row> rows = result.collect()) {
            for (int i = 0; i < 5; i++) {
                send(r, i, sentAt);
            }
            List<Row> before = take(rows, 5);
            assertThat(before).allSatisfy(row -> assertThat(row.getField("model_version")).isEqualTo(5L));

            kafka.commit("fraud-snapshots", v12);
            long committedAt = System.nanoTime();
            int total = 5;
            while (System.nanoTime() - committedAt < 2_000_000_000L) {
                send(r, total++, sentAt);
                Thread.sleep(50);
            }
            List<Row> after = take(rows, total - 5);

            List<Row> all = new ArrayList<>(before);
            all.addAll(after);
            long lastVersion = 0;
            for (Row row : all) {
                long version = (Long) row.getField("model_version");
                assertThat(version).as("versions never go back").isGreaterThanOrEqualTo(lastVersion);
                lastVersion = version;
                float[] x = {(float) (double) (Double) row.getField("f0"), (float) (double) (Double) row.getField("f1"),
                        (float) (double) (Double) row.getField("f2")};
                Prediction expected = byVersion.get(version).predict(x);
                assertThat(row.getField("score")).as("row %s", row).isEqualTo((double) expected.values()[0]);
                assertThat(row.getField("class_index")).isEqualTo(expected.classIndex());
                long id = (Long) row.getField("id");
                if (sentAt.get((int) id) - committedAt >= 1_000_000_000L) {
                    assertThat(version).as("row %d sent 1 s after the update", id).isEqualTo(12L);
                }
            }
            assertThat(lastVersion).isEqualTo(12L);
            long firstNew = all.stream().filter(row -> (Long) row.getField("model_version") == 12L)
                    .mapToLong(row -> sentAt.get((int) (long) (Long) row.getField("id"))).min().orElseThrow();
            System.out.printf("first row scored by the new version was sent %d ms after its commit%n",
                    (firstNew - committedAt) / 1_000_000);
        }
    }

    private static void send(Random r, int id, List<Long> sentAt) {
        sentAt.add(System.nanoTime());
        kafka.row("payments", String.format(java.util.Locale.ROOT, "{\"id\": %d, \"f0\": %s, \"f1\": %s, \"f2\": %s}",
                id, r.nextGaussian(), r.nextGaussian(), r.nextGaussian()));
    }

    private static List<Row> take(CloseableIterator<Row> rows, int n) {
        List<Row> out = new ArrayList<>(n);
        while (out.size() < n && rows.hasNext()) {
            out.add(rows.next());
        }
        assertThat(out).hasSize(n);
        return out;
    }
}
