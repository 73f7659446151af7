package io.streamgrad.sql.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.operators.EndOfInput;
import io.streamgrad.operators.OnlineTrainerConfig;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A bad {@code config} or input columns that do not fit fail the statement at planning time (no
 * job starts), with a message naming the field or column.
 */
class TrainPlanningValidationTest {
    private static final String MODEL = "model: {inputDim: 3, layers: [{type: dense, units: 1, activation: sigmoid}], "
            + "loss: binaryCrossentropy}, optimizer: {type: adam, learningRate: 0.01}";

    private TableEnvironment env;

    @BeforeEach
    void setUp() {
        env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        env.executeSql("CREATE TEMPORARY FUNCTION STREAMGRAD_TRAIN AS '" + StreamgradTrainFunction.class.getName() + "'");
        env.executeSql("CREATE TEMPORARY VIEW examples AS SELECT * FROM (VALUES ('eu', 1, CAST(0.1 AS DOUBLE), "
                + "CAST(0.2 AS DOUBLE), CAST(0.3 AS DOUBLE), 'de', CAST(1 AS DOUBLE))) AS t(k, n, x0, x1, x2, country, y)");
    }

    private String plan(String config, String columns) {
        return plan(config, columns, "k");
    }

    private String plan(String config, String columns, String partitionBy) {
        env.dropTemporaryView("input_rows");
        env.createTemporaryView("input_rows", env.sqlQuery("SELECT " + columns + " FROM examples"));
        return env.explainSql("SELECT * FROM STREAMGRAD_TRAIN(input => TABLE input_rows PARTITION BY " + partitionBy
                + ", config => '" + config + "')");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "training: {batchSize: 0}|training.batchSize: must be >= 1, got 0",
        "training: {batchsize: 8}|training.batchsize: unknown field",
        "training: {endOfInput: later}|training.endOfInput: must be train or drop",
        "training: {seed: abc}|training.seed: must be an integer",
        "snapshots: {intervalMs: 1000}|snapshots.intervalMs: is not supported by STREAMGRAD_TRAIN",
        "snapshots: {onEarlyStop: 1}|snapshots.onEarlyStop: must be true or false",
        "columns: {label: target}|columns.label: the input has no column 'target'",
        "columns: {label: y, features: [x0, x1, nope]}|columns.features: the input has no column 'nope'",
        "columns: {label: y, features: [x0, x1]}|columns.features: the model takes 3 input values",
        "serving: {}|serving: unknown field",
    })
    void aBadConfigFailsAtPlanningNamingTheField(String section, String message) {
        String config = "{" + MODEL + ", " + section
                + (section.startsWith("columns") ? "" : ", columns: {label: y, features: [x0, x1, x2]}") + "}";
        assertThatThrownBy(() -> plan(config, "k, x0, x1, x2, y"))
                .hasStackTraceContaining("STREAMGRAD_TRAIN config: " + message);
    }

    @Test
    void modelAndOptimizerProblemsNameTheirPath() {
        assertThatThrownBy(() -> plan("{optimizer: {type: adam}}", "k, x0, x1, x2, y"))
                .hasStackTraceContaining("STREAMGRAD_TRAIN config: model: is required");
        assertThatThrownBy(() -> plan("{model: {inputDim: 3, layers: [{type: dense, units: -1}], loss: "
                + "meanSquaredError}, optimizer: {type: adam}}", "k, x0, x1, x2, y"))
                .hasStackTraceContaining("STREAMGRAD_TRAIN config: model.layers[0].units");
        assertThatThrownBy(() -> plan("{" + MODEL.replace("adam", "adamx") + "}", "k, x0, x1, x2, y"))
                .hasStackTraceContaining("STREAMGRAD_TRAIN config: optimizer");
    }

    @Test
    void columnsThatDoNotFitFailAtPlanningNamingTheColumn() {
        assertThatThrownBy(() -> plan("{" + MODEL + ", columns: {label: y}}", "k, x0, x1, country, y"))
                .hasStackTraceContaining("columns.features: column 'country' has type");
        assertThatThrownBy(() -> plan("{" + MODEL + ", columns: {label: country}}", "k, x0, x1, x2, country"))
                .hasStackTraceContaining("columns.label: column 'country' has type");
        assertThatThrownBy(() -> plan("{" + MODEL + ", columns: {label: y}}", "n, x0, x1, x2, y", "n"))
                .hasStackTraceContaining("input: PARTITION BY exactly one STRING column (the model key)");
    }

    @Test
    void aGoodConfigPlansAndBindsTheJobYamlFields() {
        assertThat(plan("{" + MODEL + ", columns: {label: y}}", "k, x0, x1, x2, y")).contains("STREAMGRAD_TRAIN");
        OnlineTrainerConfig c = TrainConfig.parse("model: {inputDim: 3, layers: [{type: dense, units: 1}], loss: "
                + "meanSquaredError}\noptimizer: {type: sgd, learningRate: 0.1}\ntraining:\n  batchSize: 16\n"
                + "  maxBatchDelayMs: 250\n  endOfInput: drop\n  seed: 3\n  metricsEverySteps: 2\nsnapshots:\n"
                + "  everySteps: 10\n  onEarlyStop: false\n  includeOptimizerState: false\n").trainer();
        assertThat(c.batchSize()).isEqualTo(16);
        assertThat(c.maxBatchDelayMillis()).isEqualTo(250);
        assertThat(c.endOfInput()).isEqualTo(EndOfInput.DROP);
        assertThat(c.seed()).isEqualTo(3);
        assertThat(c.metricsEverySteps()).isEqualTo(2);
        assertThat(c.snapshotEverySteps()).isEqualTo(10);
        assertThat(c.snapshotOnEarlyStop()).isFalse();
        assertThat(c.includeOptimizerState()).isFalse();
    }
}
