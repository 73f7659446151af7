package io.streamgrad.sql.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgrad.jobs.config.ConfigException;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.state.ModelStateCodec;
import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.TrainerOption;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.table.api.ValidationException;
import org.junit.jupiter.api.Test;

/**
 * The job YAML's binding ({@link JobConfig}) and {@code STREAMGRAD_TRAIN}'s ({@link TrainConfig})
 * turn the same {@code model}, {@code optimizer}, {@code earlyStopping}, {@code training} and
 * {@code snapshots} sections into the same operator configuration, so the two cannot drift apart;
 * what only one of them accepts is asserted explicitly.
 */
class TrainConfigMatchesJobConfigTest {
    /** The job sections the SQL function has no use for (Kafka, topics, the input format). */
    private static final String JOB_FRAME = """
            kafka: {bootstrapServers: localhost:9092}
            topics: {input: examples}
            input:
              format: json
              key: {from: field, field: model}
              json: {features: x, label: y}
            """;

    private static final String MODEL = """
            model:
              inputDim: 3
              layers:
                - {type: dense, units: 4, activation: relu}
                - {type: dense, units: 1, activation: sigmoid}
              loss: binaryCrossentropy
            optimizer: {type: adam, learningRate: 0.01}
            """;

    @Test
    void defaults() {
        assertSameTrainer("defaults", MODEL);
    }

    @Test
    void everyOptionOfTheTrainingAndSnapshotsSectionsSet() {
        OnlineTrainerConfig sql = assertSameTrainer("every option", MODEL + """
                training: {batchSize: 8, maxBatchDelayMs: 250, endOfInput: drop, seed: 7, metricsEverySteps: 5}
                snapshots: {everySteps: 10, intervalMs: 0, onEarlyStop: false, includeOptimizerState: false}
                """);
        // not the defaults, so the comparison above saw every value carried over
        for (TrainerOption<?> o : TrainerOption.ALL) {
            if (o.yamlPath() != null && o != TrainerOption.SNAPSHOT_INTERVAL_MS) {
                assertThat(o.valueIn().apply(sql)).as(o.yamlPath()).isNotEqualTo(o.defaultValue());
            }
        }
    }

    @Test
    void batchNormalizationEarlyStoppingAndALearningRateSchedule() {
        assertSameTrainer("batch normalization", """
                model:
                  inputDim: 4
                  layers:
                    - {type: dense, units: 8, activation: relu}
                    - {type: batchNormalization}
                    - {type: dense, units: 3, activation: softmax}
                  loss: categoricalCrossentropy
                optimizer:
                  type: sgd
                  learningRate: {type: exponentialDecay, initialLearningRate: 0.05, decaySteps: 100, decayRate: 0.9}
                  momentum: 0.9
                earlyStopping: {monitor: loss, patience: 3, stepsPerEpoch: 10, restoreBestWeights: true}
                training: {batchSize: 16, maxBatchDelayMs: 0}
                """);
    }

    @Test
    void theShippedExampleJobs() {
        for (String example : List.of("binary", "multiclass")) {
            String job = example(example);
            compare(example, JobConfig.parse(job, List.of()).trainerBuilder().build(),
                    TrainConfig.parse(sharedSections(job).toString()).trainer());
        }
    }

    @Test
    void snapshotIntervalsAreTheJobsOnly() {
        String job = example("regression"); // snapshots.intervalMs: 60000
        assertThat(JobConfig.parse(job, List.of()).trainerBuilder().build().snapshotIntervalMillis()).isEqualTo(60_000);
        assertThatThrownBy(() -> TrainConfig.parse(sharedSections(job).toString()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("snapshots.intervalMs");
        // without it, the rest of the example binds alike
        ObjectNode sections = sharedSections(job);
        ((ObjectNode) sections.get("snapshots")).put("intervalMs", 0);
        compare("regression", JobConfig.parse(job, List.of("snapshots.intervalMs=0")).trainerBuilder().build(),
                TrainConfig.parse(sections.toString()).trainer());
    }

    @Test
    void namedFeaturesAreTheJobsOnly() {
        String job = example("click-through");
        assertThat(JobConfig.parse(job, List.of()).trainerBuilder().build().modelSpec().hasFeatures()).isTrue();
        assertThatThrownBy(() -> TrainConfig.parse(sharedSections(job).toString()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("model.features");
    }

    @Test
    void sectionsAndFieldsOfOnlyOneBinding() {
        // the job's predictions of the live model and its warm starts: SQL names them as unknown
        assertThat(JobConfig.parse(JOB_FRAME + MODEL + "training: {predictions: prequential}\n", List.of())
                .trainerBuilder().build()).isNotNull();
        assertThatThrownBy(() -> TrainConfig.parse(MODEL + "training: {predictions: prequential}\n"))
                .isInstanceOf(ValidationException.class).hasMessageContaining("training.predictions: unknown field");
        assertThatThrownBy(() -> TrainConfig.parse(MODEL + "warmStart: {source: none}\n"))
                .isInstanceOf(ValidationException.class).hasMessageContaining("warmStart: unknown field");
        // the SQL function's columns: the job reads them from its input section instead
        assertThat(TrainConfig.parse(MODEL + "columns: {features: [a, b, c], label: y}\n").features())
                .containsExactly("a", "b", "c");
        assertThatThrownBy(() -> JobConfig.parse(JOB_FRAME + MODEL + "columns: {label: y}\n", List.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("columns");
    }

    /** Binds {@code sections} both ways (the job with its other sections added) and compares. */
    private static OnlineTrainerConfig assertSameTrainer(String name, String sections) {
        OnlineTrainerConfig job = JobConfig.parse(JOB_FRAME + sections, List.of()).trainerBuilder().build();
        OnlineTrainerConfig sql = TrainConfig.parse(sections).trainer();
        compare(name, job, sql);
        return sql;
    }

    /** Every option, the specs, and the initial model a key starts from. */
    private static void compare(String what, OnlineTrainerConfig job, OnlineTrainerConfig sql) {
        for (TrainerOption<?> o : TrainerOption.ALL) {
            assertThat(o.valueIn().apply(sql)).as(what + ": " + o.name()).isEqualTo(o.valueIn().apply(job));
        }
        assertThat(sql.modelSpecJson()).as(what + ": model").isEqualTo(job.modelSpecJson());
        assertThat(sql.optimizerSpecJson()).as(what + ": optimizer").isEqualTo(job.optimizerSpecJson());
        assertThat(sql.earlyStoppingSpecJson()).as(what + ": earlyStopping").isEqualTo(job.earlyStoppingSpecJson());
        assertThat(sql.hasBatchNormalization()).as(what).isEqualTo(job.hasBatchNormalization());
        assertThat(sql.warmStarts()).as(what + ": warm starts").isEmpty();
        assertThat(job.warmStarts()).as(what + ": warm starts").isEmpty();
        assertThat(ModelStateCodec.encode(sql.initialState(sql.newTrainer(), "k"))).as(what + ": initial model")
                .isEqualTo(ModelStateCodec.encode(job.initialState(job.newTrainer(), "k")));
    }

    /** The sections both bindings read, cut out of a job YAML. */
    private static ObjectNode sharedSections(String jobYaml) {
        JsonNode root = SpecParser.readTree(jobYaml);
        ObjectNode out = ((ObjectNode) root).objectNode();
        for (String section : List.of("model", "optimizer", "earlyStopping", "training", "snapshots")) {
            if (root.hasNonNull(section)) {
                out.set(section, root.get(section).deepCopy());
            }
        }
        ObjectNode training = (ObjectNode) out.get("training");
        if (training != null) {
            training.remove("predictions"); // the job's side output, asserted on its own above
        }
        return out;
    }

    private static String example(String name) {
        try (InputStream in = JobConfig.class.getResourceAsStream("/examples/" + name + ".yaml")) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
