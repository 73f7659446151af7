package io.streamgrad.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.model.spec.LossKind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code models} list: binding, inheritance of the job-level sections, and the checks across entries. */
public class JobConfigModelsTest {
    public static final String JOB = """
            kafka: {bootstrapServers: localhost:9092}
            topics: {input: shared}
            input:
              format: json
              key: {from: field, field: model}
              json: {features: x, label: y}
            training: {batchSize: 16, seed: 7}
            snapshots: {everySteps: 5}
            """;
    public static final String MODELS = """
            unclaimedKeys: deadLetter
            models:
              - name: prices
                keys: [house, flat]
                model: {inputDim: 4, layers: [{type: dense, units: 1}], loss: meanSquaredError}
                optimizer: {type: sgd, learningRate: 0.01}
              - name: churn
                keyPatterns: ['churn-.*']
                model: {inputDim: 3, layers: [{type: dense, units: 1, activation: sigmoid}], loss: binaryCrossentropy}
                optimizer: {type: adam, learningRate: 0.001}
                earlyStopping: {patience: 3}
                training: {batchSize: 8}
                input: {label: {encoding: index}}
              - name: digits
                keys: [digits]
                keyPatterns: ['digits-v[0-9]+']
                model: {inputDim: 5, layers: [{type: dense, units: 3, activation: softmax}], loss: categoricalCrossentropy}
                optimizer: {type: adam, learningRate: 0.01}
                snapshots: {everySteps: 100, includeOptimizerState: false}
            """;

    static JobConfig parse(String yaml, String... overrides) {
        return JobConfig.parse(yaml, List.of(overrides));
    }

    @Test
    void modelsBindInDeclarationOrderAndInheritTheJobLevelSections() {
        JobConfig c = parse(JOB + MODELS);
        assertThat(c.hasModelList()).isTrue();
        assertThat(c.model()).isNull();
        assertThat(c.unclaimedKeys()).isEqualTo(UnclaimedKeys.DEAD_LETTER);
        assertThat(c.models()).extracting(JobModel::name).containsExactly("prices", "churn", "digits");
        JobModel prices = c.models().get(0);
        JobModel churn = c.models().get(1);
        JobModel digits = c.models().get(2);
        assertThat(prices.keys()).containsExactly("house", "flat");
        assertThat(prices.training().batchSize()).isEqualTo(16);
        assertThat(prices.training().seed()).isEqualTo(7L);
        assertThat(prices.snapshots().everySteps()).isEqualTo(5L);
        assertThat(prices.input().jsonFeatures()).isEqualTo("x");
        // a field set by the entry replaces the job's, the others stay the job's
        assertThat(churn.training().batchSize()).isEqualTo(8);
        assertThat(churn.training().seed()).isEqualTo(7L);
        assertThat(churn.model().loss()).isEqualTo(LossKind.BINARY_CROSSENTROPY);
        assertThat(churn.earlyStopping().patience()).isEqualTo(3);
        assertThat(churn.input().labelEncoding()).isEqualTo(InputFormat.LabelEncoding.INDEX);
        assertThat(churn.input().jsonLabel()).isEqualTo("y");
        assertThat(digits.snapshots().everySteps()).isEqualTo(100L);
        assertThat(digits.snapshots().includeOptimizerState()).isFalse();
        assertThat(digits.keyPatterns()).containsExactly("digits-v[0-9]+");
        assertThat(digits.trainerBuilder().build().batchSize()).isEqualTo(16);
        assertThat(c.describe()).contains("3 models (the first that claims a key trains it; unclaimed keys: deadLetter)")
                .contains("churn: patterns [churn-.*]; inputDim 3");
        assertThatThrownBy(c::trainerBuilder).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unclaimedKeysAreSkippedByDefault() {
        JobConfig c = parse(JOB + MODELS.replace("unclaimedKeys: deadLetter\n", ""));
        assertThat(c.unclaimedKeys()).isEqualTo(UnclaimedKeys.SKIP);
    }

    @Test
    void overridesReachTheEntries() {
        JobConfig c = parse(JOB + MODELS, "models[0].training.batchSize=4", "unclaimedKeys=skip");
        assertThat(c.models().get(0).training().batchSize()).isEqualTo(4);
        assertThat(c.models().get(1).training().batchSize()).isEqualTo(8);
        assertThat(c.unclaimedKeys()).isEqualTo(UnclaimedKeys.SKIP);
    }

    @Test
    void theSingleModelFormIsOneModelClaimingEveryKey() {
        JobConfig c = JobConfig.parse(JobConfigTest.BASE, List.of());
        assertThat(c.hasModelList()).isFalse();
        assertThat(c.models()).hasSize(1);
        JobModel only = c.models().get(0);
        assertThat(only.name()).isEqualTo(JobModel.SINGLE);
        assertThat(only.claimsEveryKey()).isTrue();
        assertThat(only.model()).isSameAs(c.model());
        assertThat(only.training()).isEqualTo(c.training());
        assertThat(c.unclaimedKeys()).isEqualTo(UnclaimedKeys.SKIP);
        assertThat(c.describe()).contains("  model: inputDim 3, 2 layers, loss categoricalCrossentropy, optimizer adam\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // both forms at once
        "model: {inputDim: 1, layers: [{type: dense, units: 1}], loss: meanSquaredError}|models: give either a models list or the top-level model",
        "optimizer: {type: sgd, learningRate: 0.1}|models: give either a models list or the top-level optimizer",
        "unclaimedKeys: sometimes|unclaimedKeys: unknown value 'sometimes', expected one of skip, deadLetter",
    })
    void topLevelProblems(String extra, String message) {
        assertThatThrownBy(() -> parse(JOB + MODELS.replace("unclaimedKeys: deadLetter\n", "") + extra))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "models[1].name=prices|models[1].name: 'prices' is also the name of models[0]",
        "models[1].name=has space|models[1].name: must be 1 to 100 letters, digits",
        "models[2].keys=[house]|models[2].keys[0]: 'house' is already claimed by models[0] ('prices')",
        "models[0].keys=[a, a]|models[0].keys[1]: 'a' is listed twice",
        "models[2].keys=[churn-x]|models[2].keys[0]: 'churn-x' is already claimed by models[1].keyPatterns[0] ('churn-.*'), which comes first",
        "models[1].keyPatterns=['churn-(']|models[1].keyPatterns[0]: is not a valid regular expression: Unclosed group",
        "models[0].keys=[]|models[0]: claims no key: give keys and/or keyPatterns",
        "models[1].model.layers[0].units=0|models[1].model.layers[0].units",
        "models[2].optimizer.type=nope|models[2].optimizer.type: unknown optimizer type 'nope'",
        "models[0].training.batchSize=0|models[0].training.batchSize: must be >= 1",
        "models[2].snapshots.everySteps=-1|models[2].snapshots.everySteps",
        "models[1].input.key={from: recordKey}|models[1].input.key: is shared by all models",
        "models[1].input.label.classes=[a, b, c]|models[1].input.label.classes: must list 2 class names",
        "models[0].colour=red|models[0].colour: unknown field",
        "models=[]|models: must list at least one model",
        "models[0].model=null|models[0].model: is required",
        "models[0].model=|models[0].model: must be an object",
    })
    void entryProblemsNameTheirPath(String override, String message) {
        assertThatThrownBy(() -> parse(JOB + MODELS, override)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void anEntryWithoutJobLevelSectionsTakesTheirDefaults() {
        JobConfig c = parse("""
                kafka: {bootstrapServers: localhost:9092}
                topics: {input: t}
                models:
                  - name: a
                    keys: [a]
                    model: {inputDim: 2, layers: [{type: dense, units: 1}], loss: meanSquaredError}
                    optimizer: {type: sgd, learningRate: 0.1}
                """);
        JobModel a = c.models().get(0);
        assertThat(a.training()).isEqualTo(c.training());
        assertThat(a.snapshots()).isEqualTo(c.snapshots());
        assertThat(a.input()).isEqualTo(c.input());
    }

    @Test
    void unclaimedKeysNeedAModelsList() {
        assertThatThrownBy(() -> JobConfig.parse(JobConfigTest.BASE, List.of("unclaimedKeys=skip")))
                .hasMessageStartingWith("unclaimedKeys: is only used with a models list");
    }

    @Test
    void theModelsExampleLoads() throws Exception {
        try (var in = getClass().getClassLoader().getResourceAsStream("examples/multi-model.yaml")) {
            JobConfig c = JobConfig.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), List.of());
            assertThat(c.models()).hasSizeGreaterThan(1);
        }
    }
}
