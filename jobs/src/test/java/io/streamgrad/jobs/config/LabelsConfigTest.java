package io.streamgrad.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.operators.labels.LabelJoinConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code labels} section: defaults, the join's configuration, and errors naming the dotted path. */
class LabelsConfigTest {
    private static JobConfig parse(String... overrides) {
        List<String> all = new ArrayList<>(List.of("training.predictions=unlabelled", "labels.topic=clicks",
                "labels.horizonMs=60000"));
        all.addAll(Arrays.asList(overrides));
        return JobConfig.parse(JobConfigTest.BASE, all);
    }

    @Test
    void withoutTheSectionThereAreNoLabels() {
        assertThat(JobConfig.parse(JobConfigTest.BASE, List.of()).labels()).isNull();
    }

    @Test
    void defaults() {
        Labels l = parse().labels();
        assertThat(l.topic()).isEqualTo("clicks");
        assertThat(l.eventIdField()).isEqualTo("id");
        assertThat(l.eventIdColumn()).isNull();
        assertThat(l.labelField()).isEqualTo("label");
        assertThat(l.eventTimeField()).isNull();
        assertThat(l.labelWaitMs()).isEqualTo(60_000);
        assertThat(l.defaultLabel()).isNull();
        assertThat(l.maxOutOfOrdernessMs()).isZero();
        assertThat(l.idleTimeoutMs()).isEqualTo(10_000);
        LabelJoinConfig j = l.joinConfig();
        assertThat(j.horizonMillis()).isEqualTo(60_000);
        assertThat(j.labelWaitMillis()).isEqualTo(60_000);
        assertThat(j.stateTtlMillis()).isEqualTo(240_000);
        assertThat(j.hasDefaultLabel()).isFalse();
        assertThat(parse().describe()).contains("labels from clicks (event id field id, label label, horizon 60000 ms");
    }

    @Test
    void explicitValues() {
        Labels l = parse("labels.eventIdField=impression", "labels.labelField=clicked", "labels.eventTimeField=ts",
                "labels.labelWaitMs=0", "labels.defaultLabel=[0, 0, 1]", "labels.stateTtlMs=0",
                "labels.maxOutOfOrdernessMs=500", "labels.idleTimeoutMs=10000").labels();
        assertThat(l.eventIdField()).isEqualTo("impression");
        assertThat(l.labelField()).isEqualTo("clicked");
        assertThat(l.eventTimeField()).isEqualTo("ts");
        assertThat(l.defaultLabel()).containsExactly(0f, 0f, 1f);
        assertThat(l.joinConfig().labelWaitMillis()).isZero();
        assertThat(l.joinConfig().stateTtlMillis()).isZero();
        assertThat(l.joinConfig().defaultLabel()).containsExactly(0f, 0f, 1f);
        assertThat(l.maxOutOfOrdernessMs()).isEqualTo(500);
        assertThat(l.idleTimeoutMs()).isEqualTo(10_000);
        // a class index is a default label of a categorical model too
        assertThat(parse("labels.defaultLabel=2").labels().defaultLabel()).containsExactly(2f);
        assertThat(parse("labels.defaultLabel=[0, 0, 1]").labels()).isEqualTo(parse("labels.defaultLabel=[0, 0, 1]").labels())
                .isNotEqualTo(parse("labels.defaultLabel=[0, 1, 0]").labels()).isNotEqualTo(parse().labels());
        assertThat(parse("labels.idleTimeoutMs=5").labels()).isNotEqualTo(parse().labels());
    }

    @Test
    void errorsNameTheField() {
        assertThatThrownBy(() -> JobConfig.parse(JobConfigTest.BASE, List.of("training.predictions=unlabelled",
                "labels.topic=clicks"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("labels.horizonMs: is required");
        assertThatThrownBy(() -> JobConfig.parse(JobConfigTest.BASE, List.of("labels.horizonMs=5")))
                .hasMessage("labels.topic: is required");
        assertThatThrownBy(() -> parse("labels.horizonMs=0")).hasMessage("labels.horizonMs: must be >= 1, got 0");
        assertThatThrownBy(() -> parse("labels.horizonMs=1.5")).hasMessageStartingWith("labels.horizonMs: must be an integer");
        assertThatThrownBy(() -> parse("labels.labelWaitMs=-1")).hasMessage("labels.labelWaitMs: must be >= 0, got -1");
        assertThatThrownBy(() -> parse("labels.stateTtlMs=1000"))
                .hasMessageStartingWith("labels.stateTtlMs: must be 0 (off) or >= horizon + labelWait");
        assertThatThrownBy(() -> parse("labels.maxOutOfOrdernessMs=-5"))
                .hasMessage("labels.maxOutOfOrdernessMs: must be >= 0, got -5");
        assertThatThrownBy(() -> parse("labels.defaultLabel=yes"))
                .hasMessageStartingWith("labels.defaultLabel: must be a number or a non-empty list of numbers");
        assertThatThrownBy(() -> parse("labels.defaultLabel=[0, x]"))
                .hasMessageStartingWith("labels.defaultLabel[1]: must be a number");
        assertThatThrownBy(() -> parse("labels.defaultLabel=3"))
                .hasMessage("labels.defaultLabel: label: class index must be an integer in [0, 3), got 3.0");
        assertThatThrownBy(() -> parse("labels.defaultLabel=[1, 1, 0]"))
                .hasMessage("labels.defaultLabel: label: one-hot label must contain exactly one 1, got 2");
        assertThatThrownBy(() -> parse("labels.eventIdField=")).hasMessage("labels.eventIdField: must not be empty");
        assertThatThrownBy(() -> parse("labels.eventIdColumn=2"))
                .hasMessageStartingWith("labels.eventIdColumn: is only used with input.format csv");
        assertThatThrownBy(() -> parse("labels.topic=examples"))
                .hasMessageStartingWith("labels.topic: must differ from the job's input and output topics");
        assertThatThrownBy(() -> parse("labels.topic=streamgrad-dead-letters"))
                .hasMessageStartingWith("labels.topic: must differ");
        assertThatThrownBy(() -> parse("labels.horizon=5")).hasMessageStartingWith("labels.horizon: unknown field");
        assertThatThrownBy(() -> parse("training.predictions='off'"))
                .hasMessageStartingWith("training.predictions: must be unlabelled or prequential with a labels section");
    }

    @Test
    void theDefaultLabelMustFitEveryModel() {
        String yaml = JobConfigModelsTest.JOB + JobConfigModelsTest.MODELS;
        assertThatThrownBy(() -> JobConfig.parse(yaml, List.of("training.predictions=unlabelled",
                "labels.topic=l", "labels.horizonMs=10", "labels.defaultLabel=0.5")))
                .hasMessageStartingWith("labels.defaultLabel: model '");
    }

    @Test
    void csvInputNeedsTheEventIdColumn() {
        String csv = JobConfigTest.BASE.replace("format: json", "format: csv")
                .replace("json: {features: x, label: y, eventTime: ts}", "csv: {features: [1, 2, 3], label: [4]}")
                .replace("key: {from: field, field: model}", "key: {from: field, column: 0}");
        List<String> o = List.of("training.predictions=unlabelled", "labels.topic=l", "labels.horizonMs=10");
        assertThatThrownBy(() -> JobConfig.parse(csv, o)).hasMessageStartingWith("labels.eventIdColumn: is required");
        List<String> withColumn = new ArrayList<>(o);
        withColumn.add("labels.eventIdColumn=5");
        assertThat(JobConfig.parse(csv, withColumn).labels().eventIdColumn()).isEqualTo(5);
    }
}
