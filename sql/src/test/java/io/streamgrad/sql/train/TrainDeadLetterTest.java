package io.streamgrad.sql.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/** Malformed rows become {@code dead_letter} rows with the reason and the row; the others train. */
class TrainDeadLetterTest {

    @Test
    void malformedRowsBecomeDeadLettersWithTheirReason() throws Exception {
        TableEnvironment env = TrainingRuns.tableEnv("hashmap", 1);
        env.executeSql("CREATE TEMPORARY VIEW examples AS SELECT * FROM (VALUES "
                + "('eu', CAST(0.1 AS DOUBLE), CAST(0.2 AS DOUBLE), CAST(0.3 AS DOUBLE), CAST(1 AS DOUBLE)), "
                + "('eu', CAST(NULL AS DOUBLE), CAST(0.2 AS DOUBLE), CAST(0.3 AS DOUBLE), CAST(0 AS DOUBLE)), "
                + "('eu', CAST('NaN' AS DOUBLE), CAST(0.2 AS DOUBLE), CAST(0.3 AS DOUBLE), CAST(0 AS DOUBLE)), "
                + "('eu', CAST(0.4 AS DOUBLE), CAST(0.5 AS DOUBLE), CAST(0.6 AS DOUBLE), CAST(NULL AS DOUBLE)), "
                + "('eu', CAST(0.7 AS DOUBLE), CAST(0.8 AS DOUBLE), CAST(0.9 AS DOUBLE), CAST(0 AS DOUBLE))"
                + ") AS t(model_key, x0, x1, x2, y)");
        String config = TrainingRuns.CONFIG.replace("batchSize: 8", "batchSize: 2");
        List<Row> rows = TrainingRuns.collect(env, "SELECT * FROM STREAMGRAD_TRAIN(input => TABLE examples "
                + "PARTITION BY model_key, config => '" + config + "')");

        assertThat(rows.stream().filter(r -> "dead_letter".equals(r.getField("kind")))
                .map(r -> r.getField("model_key") + ": " + r.getField("reason") + " " + r.getField("record")))
                .containsExactly(
                        "eu: column 'x0': null {model_key=eu, x0=null, x1=0.2, x2=0.3, y=0.0}",
                        "eu: features[0]: not finite (NaN) {model_key=eu, x0=NaN, x1=0.2, x2=0.3, y=0.0}",
                        "eu: column 'y': null {model_key=eu, x0=0.4, x1=0.5, x2=0.6, y=null}");
        assertThat(rows.stream().filter(r -> "metric".equals(r.getField("kind"))))
                .singleElement().satisfies(m -> {
                    assertThat(m.getField("version")).isEqualTo(1L);
                    assertThat(m.getField("batch_size")).isEqualTo(2);
                    assertThat(m.getField("examples_seen")).isEqualTo(2L);
                });
    }

    @Test
    void arrayFeaturesAndClassIndexLabelsTrainAndAWrongArrayLengthIsADeadLetter() throws Exception {
        TableEnvironment env = TrainingRuns.tableEnv("hashmap", 1);
        env.executeSql("CREATE TEMPORARY VIEW examples AS SELECT * FROM (VALUES "
                + "('eu', CAST(ARRAY[0.1, 0.2, 0.3] AS ARRAY<DOUBLE>), 1), "
                + "('eu', CAST(ARRAY[0.4, 0.5] AS ARRAY<DOUBLE>), 0), "
                + "('eu', CAST(ARRAY[0.7, 0.8, 0.9] AS ARRAY<DOUBLE>), 2), "
                + "('eu', CAST(ARRAY[1.0, 1.1, 1.2] AS ARRAY<DOUBLE>), 3)) AS t(model_key, x, y)");
        String config = "{model: {inputDim: 3, layers: [{type: dense, units: 3, activation: softmax}], "
                + "loss: categoricalCrossentropy}, optimizer: {type: sgd, learningRate: 0.1}, "
                + "training: {batchSize: 2}, columns: {features: [x], label: y}}";
        List<Row> rows = TrainingRuns.collect(env, "SELECT * FROM STREAMGRAD_TRAIN(input => TABLE examples "
                + "PARTITION BY model_key, config => '" + config + "')");

        assertThat(rows.stream().filter(r -> "dead_letter".equals(r.getField("kind")))
                .map(r -> r.getField("reason") + " " + r.getField("record")))
                .containsExactly("features: expected 3 values, got 2 {model_key=eu, x=[0.4, 0.5], y=0}",
                        "column 'y': class index 3 outside [0, 3) {model_key=eu, x=[1.0, 1.1, 1.2], y=3}");
        assertThat(rows.stream().filter(r -> "metric".equals(r.getField("kind"))))
                .singleElement().satisfies(m -> assertThat(m.getField("examples_seen")).isEqualTo(2L));
    }
}
