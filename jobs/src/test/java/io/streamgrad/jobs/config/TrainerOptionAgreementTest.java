package io.streamgrad.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.TrainerOption;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The job YAML and the operator's builder share one definition of every option: same names, same defaults. */
class TrainerOptionAgreementTest {
    private static final Map<String, Class<? extends Record>> SECTIONS =
            Map.of("training", Training.class, "snapshots", Snapshots.class);

    @Test
    void everyYamlOptionIsAFieldOfItsSectionAndABuilderMethod() {
        List<String> jobSections = Arrays.stream(JobConfig.class.getRecordComponents()).map(RecordComponent::getName).toList();
        for (TrainerOption<?> o : TrainerOption.ALL) {
            assertThat(builderMethods()).as(o.name()).contains(o.name());
            if (o.yamlPath() == null) {
                continue;
            }
            String section = o.yamlPath().substring(0, o.yamlPath().indexOf('.'));
            assertThat(jobSections).as(o.yamlPath()).contains(section);
            assertThat(SECTIONS).as(o.yamlPath()).containsKey(section);
            assertThat(Arrays.stream(SECTIONS.get(section).getRecordComponents()).map(RecordComponent::getName))
                    .as(o.yamlPath()).contains(o.yamlField());
        }
        // and every field of the two sections is an operator option, except training.predictions: it
        // selects the trainer's predictions side output (TrainerPredictions), not an OnlineTrainerConfig option
        SECTIONS.forEach((section, type) -> {
            for (RecordComponent c : type.getRecordComponents()) {
                if (type == Training.class && c.getName().equals("predictions")) {
                    continue;
                }
                assertThat(TrainerOption.ALL.stream().map(TrainerOption::yamlPath))
                        .as(section + "." + c.getName()).contains(section + "." + c.getName());
            }
        });
    }

    @Test
    void theYamlTheBuilderAndTheDefinitionAgreeOnEveryDefault() throws Exception {
        JobConfig yaml = JobConfig.parse(JobConfigTest.BASE, List.of());
        OnlineTrainerConfig fromYaml = yaml.trainerBuilder().build();
        OnlineTrainerConfig fromBuilder = OnlineTrainerConfig.builder().model(yaml.model()).optimizer(yaml.optimizer())
                .build();
        for (TrainerOption<?> o : TrainerOption.ALL) {
            assertThat(o.valueIn().apply(fromBuilder)).as("builder " + o.name()).isEqualTo(o.defaultValue());
            assertThat(o.valueIn().apply(fromYaml)).as("job YAML " + o.name()).isEqualTo(o.defaultValue());
            if (o.yamlPath() != null) {
                String section = o.yamlPath().substring(0, o.yamlPath().indexOf('.'));
                Object record = JobConfig.class.getMethod(section).invoke(yaml);
                Object value = record.getClass().getMethod(o.yamlField()).invoke(record);
                assertThat(value).as(o.yamlPath()).isEqualTo(o.defaultValue());
            }
        }
    }

    @Test
    void theYamlReportsAnOptionsOwnCheckUnderItsPath() {
        for (TrainerOption<?> o : List.of(TrainerOption.BATCH_SIZE, TrainerOption.METRICS_EVERY_STEPS,
                TrainerOption.MAX_BATCH_DELAY_MS, TrainerOption.SNAPSHOT_EVERY_STEPS, TrainerOption.SNAPSHOT_INTERVAL_MS)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobConfigTest.parse(o.yamlPath() + "=-5"))
                    .isInstanceOf(ConfigException.class).hasMessageStartingWith(o.yamlPath() + ": must be >= ");
        }
    }

    private static List<String> builderMethods() {
        return Arrays.stream(OnlineTrainerConfig.Builder.class.getMethods()).map(Method::getName).toList();
    }
}
