package io.streamgrad.sql.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.model.serve.Prediction;
import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The loop closed in SQL: a STATEMENT SET trains once (both inserts read one view, and the plan
 * holds one {@code STREAMGRAD_TRAIN}), writes the snapshot rows to a Kafka table (key = model key,
 * value = snapshot JSON, raw formats, exactly-once) and the metrics to another; then
 * {@code CREATE MODEL}/{@code ML_PREDICT} serve the trained model from that table, with the outputs
 * of the DataStream operator's final model.
 */
class SqlTrainingStatementSetTest {
    private static final int PER_KEY = 50;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopic("examples", 1, false);
        broker.createTopic("model-snapshots", 1, true);
        broker.createTopic("training-metrics", 1, false);
        TrainingRuns.writeExamples(broker, "examples", PER_KEY, 9);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    static String kafka(String topic) {
        return "'connector' = 'kafka', 'topic' = '" + topic + "', 'properties.bootstrap.servers' = '"
                + broker.bootstrapServers() + "'";
    }

    @Test
    void snapshotsWrittenByTheStatementSetServeMlPredict() throws Exception {
        TableEnvironment env = TrainingRuns.tableEnv("hashmap", 2);
        env.getConfig().set("execution.checkpointing.interval", "500 ms"); // the exactly-once sink commits on checkpoints
        env.executeSql(TrainingRuns.examplesTable("examples", "examples", broker.bootstrapServers()));
        env.executeSql("CREATE TEMPORARY VIEW training AS " + TrainingRuns.trainQuery("examples", TrainingRuns.CONFIG));
        env.executeSql("CREATE TABLE model_snapshots (model_key STRING, snapshot STRING) WITH (" + kafka("model-snapshots")
                + ", 'key.format' = 'raw', 'key.fields' = 'model_key', 'value.format' = 'raw', "
                + "'value.fields-include' = 'EXCEPT_KEY', 'sink.delivery-guarantee' = 'exactly-once', "
                + "'sink.transactional-id-prefix' = 'streamgrad-train-test')");
        env.executeSql("CREATE TABLE training_metrics (model_key STRING, version BIGINT, loss DOUBLE) WITH ("
                + kafka("training-metrics") + ", 'format' = 'json')");
        StatementSet set = env.createStatementSet()
                .addInsertSql("INSERT INTO model_snapshots SELECT model_key, snapshot FROM training WHERE kind = 'snapshot'")
                .addInsertSql("INSERT INTO training_metrics SELECT model_key, version, loss FROM training "
                        + "WHERE kind = 'metric'");
        String plan = set.explain();
        String execution = plan.substring(plan.indexOf("== Optimized Execution Plan =="));
        assertThat(execution.split("STREAMGRAD_TRAIN\\(", -1)).as("one trainer in the plan:\n%s", execution).hasSize(2);
        set.execute().await();

        // the training job's numbers for the same topic
        TrainingRuns.DataStreamResult expected = TrainingRuns.dataStream("hashmap", "examples",
                broker.bootstrapServers(), TrainingRuns.CONFIG);
        String bounded = ", 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'";
        env.executeSql("CREATE TABLE metrics_read (model_key STRING, version BIGINT, loss DOUBLE) WITH ("
                + kafka("training-metrics") + bounded + ", 'format' = 'json')");
        env.executeSql("CREATE TABLE snapshots_read (model_key STRING, snapshot STRING) WITH (" + kafka("model-snapshots")
                + bounded + ", 'key.format' = 'raw', 'key.fields' = 'model_key', 'value.format' = 'raw', "
                + "'value.fields-include' = 'EXCEPT_KEY', 'properties.isolation.level' = 'read_committed')");
        List<Row> metrics = TrainingRuns.collect(env, "SELECT model_key, loss FROM metrics_read");
        assertThat(metrics).hasSize(3 * 7); // every step once: the trainer ran once
        List<Row> snapshots = TrainingRuns.collect(env, "SELECT model_key, snapshot FROM snapshots_read");
        assertThat(snapshots).hasSize(3 * 3);
        // the topic holds the training job's snapshots: same models, bit for bit
        assertThat(snapshots.stream().map(row -> TrainingRuns.fingerprint(SnapshotJson.fromBytes(
                ((String) row.getField(1)).getBytes(StandardCharsets.UTF_8))))).containsExactlyInAnyOrderElementsOf(
                expected.snapshots().values().stream().flatMap(List::stream).map(TrainingRuns::fingerprint).toList());

        env.executeSql("CREATE MODEL trained INPUT (x0 DOUBLE, x1 DOUBLE, x2 DOUBLE) "
                + "OUTPUT (score DOUBLE, model_version BIGINT) WITH ('provider' = 'streamgrad', "
                + "'snapshots.topic' = 'model-snapshots', 'properties.bootstrap.servers' = '"
                + broker.bootstrapServers() + "', 'model.key' = 'us')");
        Random r = new Random(1);
        StringBuilder values = new StringBuilder();
        float[][] x = new float[5][];
        for (int i = 0; i < x.length; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            double c = r.nextGaussian();
            x[i] = new float[] {(float) a, (float) b, (float) c};
            values.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT,
                    "(%d, CAST(%s AS DOUBLE), CAST(%s AS DOUBLE), CAST(%s AS DOUBLE))", i, a, b, c));
        }
        env.executeSql("CREATE TEMPORARY VIEW probe AS SELECT * FROM (VALUES " + values + ") AS t(id, x0, x1, x2)");
        List<Row> scored = TrainingRuns.collect(env,
                "SELECT id, score, model_version FROM ML_PREDICT(TABLE probe, MODEL trained, DESCRIPTOR(x0, x1, x2))");

        List<ModelSnapshot> us = expected.snapshots().get("us");
        Predictor predictor = Predictor.of(us.get(us.size() - 1));
        assertThat(scored).hasSize(x.length);
        for (Row row : scored) {
            assertThat(row.getField("model_version")).isEqualTo(7L); // the end-of-input snapshot
            Prediction p = predictor.predict(x[(Integer) row.getField("id")]);
            assertThat(row.getField("score")).as("row %s", row).isEqualTo((double) p.values()[0]);
        }
    }
}
