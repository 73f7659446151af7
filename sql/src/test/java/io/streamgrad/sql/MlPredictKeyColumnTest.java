package io.streamgrad.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.snapshot.ModelSnapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A STRING INPUT column routes each row to its key's model (from a snapshot file); the values ARRAY,
 * model_key and model_version columns are filled; an unknown key and a null feature give null outputs.
 */
class MlPredictKeyColumnTest {
    @TempDir
    Path dir;

    @Test
    void routesRowsByTheirKeyColumn() throws Exception {
        ModelSnapshot eu = SqlModels.snapshot(SqlModels.binary3(), "eu", 4);
        ModelSnapshot euOld = SqlModels.snapshot(SqlModels.binary3(), "eu", 2);
        ModelSnapshot us = SqlModels.snapshot(SqlModels.binary3(), "us", 9);
        Path file = SqlModels.writeFile(dir, eu, us, euOld); // an older version later in the file loses
        Map<String, Predictor> expected = Map.of("eu", Predictor.of(eu), "us", Predictor.of(us));

        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        env.getConfig().set("parallelism.default", "1");
        env.executeSql("CREATE TEMPORARY VIEW payments AS SELECT * FROM (VALUES "
                + "(1, 'eu', CAST(0.5 AS DOUBLE), CAST(-1.0 AS DOUBLE), CAST(2.0 AS DOUBLE)), "
                + "(2, 'us', CAST(-0.25 AS DOUBLE), CAST(0.75 AS DOUBLE), CAST(0.1 AS DOUBLE)), "
                + "(3, 'xx', CAST(1.0 AS DOUBLE), CAST(1.0 AS DOUBLE), CAST(1.0 AS DOUBLE)), "
                + "(4, 'us', CAST(NULL AS DOUBLE), CAST(1.0 AS DOUBLE), CAST(1.0 AS DOUBLE))"
                + ") AS t(id, region, f0, f1, f2)");
        env.executeSql("CREATE MODEL fraud INPUT (region STRING, f0 DOUBLE, f1 DOUBLE, f2 DOUBLE) "
                + "OUTPUT (model_key STRING, probs ARRAY<FLOAT>, class_index BIGINT, model_version BIGINT) "
                + "WITH ('provider' = 'streamgrad', 'snapshots.file' = '" + file + "')");

        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql("SELECT id, region, f0, f1, f2, model_key, probs, "
                + "class_index, model_version FROM ML_PREDICT(TABLE payments, MODEL fraud, "
                + "DESCRIPTOR(region, f0, f1, f2))").collect()) {
            it.forEachRemaining(rows::add);
        }
        rows.sort((a, b) -> Integer.compare((Integer) a.getField("id"), (Integer) b.getField("id")));
        assertThat(rows).hasSize(4);
        for (Row row : rows.subList(0, 2)) {
            Predictor p = expected.get((String) row.getField("region"));
            float[] x = {(float) (double) (Double) row.getField("f0"), (float) (double) (Double) row.getField("f1"),
                    (float) (double) (Double) row.getField("f2")};
            var prediction = p.predict(x);
            assertThat(row.getField("model_key")).isEqualTo(row.getField("region"));
            assertThat((Float[]) row.getField("probs")).containsExactly(prediction.values()[0]);
            assertThat(row.getField("class_index")).isEqualTo((long) prediction.classIndex());
            assertThat(row.getField("model_version")).isEqualTo(p.version());
        }
        assertThat(rows.get(0).getField("model_version")).isEqualTo(4L);
        Row unknownKey = rows.get(2);
        assertThat(unknownKey.getField("model_key")).isEqualTo("xx");
        assertThat(unknownKey.getField("probs")).isNull();
        assertThat(unknownKey.getField("model_version")).isNull();
        Row nullFeature = rows.get(3);
        assertThat(nullFeature.getField("model_key")).isEqualTo("us");
        assertThat(nullFeature.getField("model_version")).isNull();
    }
}
