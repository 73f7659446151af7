package io.streamgrad.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad options and mismatched columns fail while the ML_PREDICT query is planned, naming what is wrong. */
class PlanningValidationTest {
    @TempDir
    Path dir;

    private TableEnvironment env;
    private String file;

    @BeforeEach
    void setUp() throws Exception {
        env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        env.executeSql("CREATE TEMPORARY VIEW payments AS SELECT * FROM (VALUES "
                + "(1, 0.5, -1.0, 2.0, 'eu'), (2, -0.25, 0.75, 0.1, 'us')) AS t(id, f0, f1, f2, region)");
        file = SqlModels.writeFile(dir, SqlModels.snapshot(SqlModels.binary3(), "eu", 5),
                SqlModels.snapshot(SqlModels.regression3x2(), "us", 3)).toString();
    }

    private void createModel(String name, String input, String output, String options) {
        env.executeSql("CREATE MODEL " + name + " INPUT (" + input + ") OUTPUT (" + output + ") WITH ("
                + "'provider' = 'streamgrad'" + (options.isEmpty() ? "" : ", " + options) + ")");
    }

    private String planError(String sql) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> env.explainSql(sql));
        assertThat(t).as("planning of: " + sql).isNotNull();
        return ExceptionUtils.stringifyException(t);
    }

    private static String predict(String model, String columns) {
        return "SELECT * FROM ML_PREDICT(TABLE payments, MODEL " + model + ", DESCRIPTOR(" + columns + "))";
    }

    @Test
    void aGoodModelPlans() {
        createModel("fraud", "f0 DOUBLE, f1 DOUBLE, f2 DOUBLE", "score DOUBLE, class_index INT, model_version BIGINT",
                "'snapshots.file' = '" + file + "', 'model.key' = 'eu'");
        assertThat(env.explainSql(predict("fraud", "f0, f1, f2"))).contains("ML_PREDICT");
    }

    @Test
    void missingSourceIsNamed() {
        createModel("m", "f0 DOUBLE, f1 DOUBLE, f2 DOUBLE", "score DOUBLE", "'model.key' = 'eu'");
        assertThat(planError(predict("m", "f0, f1, f2")))
                .contains("Exactly one of the options 'snapshots.topic' and 'snapshots.file' must be set");
    }

    @Test
    void topicWithoutBootstrapServersIsNamed() {
        createModel("m", "f0 DOUBLE, f1 DOUBLE, f2 DOUBLE", "score DOUBLE", "'snapshots.topic' = 't'");
        assertThat(planError(predict("m", "f0, f1, f2"))).contains("'properties.bootstrap.servers' is required");
    }

    @Test
    void unknownOptionIsNamed() {
        createModel("m", "f0 DOUBLE, f1 DOUBLE, f2 DOUBLE", "score DOUBLE",
                "'snapshots.file' = '" + file + "', 'model.kee' = 'eu'");
        assertThat(planError(predict("m", "f0, f1, f2"))).contains("Unsupported options").contains("model.kee");
    }

    @Test
    void malformedDurationIsNamed() {
        createModel("m", "f0 DOUBLE, f1 DOUBLE, f2 DOUBLE", "score DOUBLE",
                "'snapshots.file' = '" + file + "', 'model.key' = 'eu', 'snapshots.read-timeout' = 'soon'");
        assertThat(planError(predict("m", "f0, f1, f2"))).contains("snapshots.read-timeout");
    }

    @Test
    void inputColumnCountMustMatchTheModel() {
        createModel("m", "f0 DOUBLE, f1 DOUBLE", "score DOUBLE", "'snapshots.file' = '" + file + "', 'model.key' = 'eu'");
        assertThat(planError(predict("m", "f0, f1")))
                .contains("the model takes 3 input values but the INPUT has 2 feature columns");
    }

    @Test
    void descriptorMustMatchTheModelInput() {
        createModel("m", "f0 DOUBLE, f1 DOUBLE, f2 DOUBLE", "score DOUBLE",
                "'snapshots.file' = '" + file + "', 'model.key' = 'eu'");
        assertThat(planError(predict("m", "f0, f1"))).contains("does not match model input size");
    }

    @Test
    void outputValueCountMustMatchTheModel() {
        createModel("m", "f0 DOUBLE, f1 DOUBLE, f2 DOUBLE", "a DOUBLE, b DOUBLE",
                "'snapshots.file' = '" + file + "', 'model.key' = 'eu'");
        assertThat(planError(predict("m", "f0, f1, f2")))
                .contains("the model has 1 outputs but the OUTPUT has 2 value columns");
    }

    @Test
    void classIndexNeedsAClassifier() {
        createModel("m", "f0 DOUBLE, f1 DOUBLE, f2 DOUBLE", "a DOUBLE, b DOUBLE, class_index INT",
                "'snapshots.file' = '" + file + "', 'model.key' = 'us'");
        assertThat(planError(predict("m", "f0, f1, f2"))).contains("'class_index' needs a classifier");
    }

    @Test
    void unusableColumnTypesAreNamed() {
        createModel("m", "f0 DOUBLE, f1 DOUBLE, f2 TIMESTAMP(3)", "score DOUBLE",
                "'snapshots.file' = '" + file + "', 'model.key' = 'eu'");
        env.executeSql("CREATE TEMPORARY VIEW stamped AS SELECT f0, f1, "
                + "CAST(TIMESTAMP '2024-01-01 00:00:00' AS TIMESTAMP(3)) AS ts FROM payments");
        assertThat(planError("SELECT * FROM ML_PREDICT(TABLE stamped, MODEL m, DESCRIPTOR(f0, f1, ts))"))
                .contains("INPUT column 'f2' has type TIMESTAMP(3)");
        createModel("m2", "f0 DOUBLE, f1 DOUBLE, f2 DOUBLE", "score DOUBLE, model_version INT",
                "'snapshots.file' = '" + file + "', 'model.key' = 'eu'");
        assertThat(planError(predict("m2", "f0, f1, f2"))).contains("OUTPUT column 'model_version' has type INT");
    }

    @Test
    void severalKeysNeedAKey() {
        createModel("m", "f0 DOUBLE, f1 DOUBLE, f2 DOUBLE", "score DOUBLE", "'snapshots.file' = '" + file + "'");
        assertThat(planError(predict("m", "f0, f1, f2"))).contains("holds models of several keys [eu, us]")
                .contains("'model.key'");
    }

    @Test
    void keyColumnAndFixedKeyConflict() {
        createModel("m", "region STRING, f0 DOUBLE, f1 DOUBLE, f2 DOUBLE", "model_version BIGINT",
                "'snapshots.file' = '" + file + "', 'model.key' = 'eu'");
        assertThat(planError(predict("m", "region, f0, f1, f2"))).contains("'model.key' cannot be combined");
    }

    @Test
    void keyColumnChecksEveryKnownModel() {
        createModel("m", "region STRING, f0 DOUBLE, f1 DOUBLE, f2 DOUBLE", "score DOUBLE",
                "'snapshots.file' = '" + file + "'");
        assertThat(planError(predict("m", "region, f0, f1, f2"))).contains("Model 'us'")
                .contains("the model has 2 outputs but the OUTPUT has 1 value columns");
    }

    @Test
    void unreadableSourceSaysHowToSkipTheCheck() {
        createModel("m", "f0 DOUBLE, f1 DOUBLE, f2 DOUBLE", "score DOUBLE",
                "'snapshots.file' = '" + dir.resolve("missing.json") + "', 'model.key' = 'eu'");
        assertThat(planError(predict("m", "f0, f1, f2"))).contains("'validate.at-planning' = 'false'");
        createModel("m2", "f0 DOUBLE, f1 DOUBLE, f2 DOUBLE", "score DOUBLE",
                "'snapshots.file' = '" + dir.resolve("missing.json") + "', 'model.key' = 'eu', "
                        + "'validate.at-planning' = 'false'");
        assertThat(env.explainSql(predict("m2", "f0, f1, f2"))).contains("ML_PREDICT");
    }

    @Test
    void noExceptionEscapesAsAnythingButAPlanningError() {
        createModel("m", "f0 DOUBLE, f1 DOUBLE, f2 DOUBLE", "score DOUBLE", "");
        assertThatThrownBy(() -> env.explainSql(predict("m", "f0, f1, f2")))
                .isInstanceOf(org.apache.flink.table.api.ValidationException.class);
    }
}
