package io.streamgrad.model.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link SpecParser}: Keras defaults for omitted fields, errors that name the field, writer round trips. */
class SpecParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelSpec model(String text) {
        return SpecParser.model(SpecParser.readTree(text));
    }

    private static OptimizerSpec optimizer(String text) {
        return SpecParser.optimizer(SpecParser.readTree(text));
    }

    private static ScheduleSpec lr(String scheduleJson) {
        return optimizer("{\"type\": \"sgd\", \"learningRate\": " + scheduleJson + "}").learningRate();
    }

    // ---------------------------------------------------------------- valid input, defaults

    @Test
    void modelWithOmittedFieldsGetsKerasDefaults() {
        ModelSpec m = model("""
                {"inputDim": 3, "loss": "categoricalCrossentropy", "layers": [
                  {"type": "dense", "units": 8},
                  {"type": "batchNormalization"},
                  {"type": "activation", "activation": "relu"},
                  {"type": "dropout", "rate": 0.5},
                  {"type": "dense", "units": 4, "activation": "softmax", "useBias": false,
                   "kernelRegularizer": {"l2": 0.01}, "biasRegularizer": null}
                ]}""");
        assertThat(m.inputDim()).isEqualTo(3);
        assertThat(m.loss()).isEqualTo(LossKind.CATEGORICAL_CROSSENTROPY);
        assertThat(m.layers()).containsExactly(
                new LayerSpec.Dense(8, Activation.LINEAR, true, null, null),
                new LayerSpec.BatchNormalization(0.99, 0.001, true, true),
                new LayerSpec.ActivationLayer(Activation.RELU),
                new LayerSpec.Dropout(0.5),
                new LayerSpec.Dense(4, Activation.SOFTMAX, false, new RegularizerSpec(0.0, 0.01), null));
        assertThat(m.outputDim()).isEqualTo(4);
    }

    @Test
    void yamlParsesLikeJson() {
        ModelSpec fromYaml = model("""
                inputDim: 2
                loss: meanSquaredError
                layers:
                  - type: dense
                    units: 3
                    activation: tanh
                    kernelRegularizer: {l1: 0.001, l2: 0.002}
                  - type: batchNormalization
                    momentum: 0.9
                    center: false
                  - type: dense
                    units: 1
                """);
        ModelSpec fromJson = model("""
                {"inputDim": 2, "loss": "meanSquaredError", "layers": [
                  {"type": "dense", "units": 3, "activation": "tanh", "kernelRegularizer": {"l1": 0.001, "l2": 0.002}},
                  {"type": "batchNormalization", "momentum": 0.9, "center": false},
                  {"type": "dense", "units": 1}]}""");
        assertThat(fromYaml).isEqualTo(fromJson);
        assertThat(fromYaml.layers().get(1)).isEqualTo(new LayerSpec.BatchNormalization(0.9, 0.001, false, true));

        OptimizerSpec yamlOpt = optimizer("""
                type: adam
                learningRate:
                  type: exponentialDecay
                  initialLearningRate: 0.01
                  decaySteps: 100
                  decayRate: 0.5
                clipnorm: 1.0
                """);
        assertThat(yamlOpt).isEqualTo(new OptimizerSpec.Adam(new ScheduleSpec.ExponentialDecay(0.01, 100, 0.5, false),
                0.9, 0.999, 1e-7, false, new GradientOptions(1.0, null, null, null)));
    }

    static Stream<Arguments> optimizerDefaults() {
        GradientOptions none = GradientOptions.NONE;
        ScheduleSpec k = new ScheduleSpec.Constant(0.001);
        return Stream.of(
                Arguments.of("sgd", new OptimizerSpec.Sgd(new ScheduleSpec.Constant(0.01), 0.0, false, none)),
                Arguments.of("adagrad", new OptimizerSpec.Adagrad(k, 0.1, 1e-7, none)),
                Arguments.of("rmsprop", new OptimizerSpec.RmsProp(k, 0.9, 0.0, 1e-7, false, none)),
                Arguments.of("adam", new OptimizerSpec.Adam(k, 0.9, 0.999, 1e-7, false, none)),
                Arguments.of("adamax", new OptimizerSpec.Adamax(k, 0.9, 0.999, 1e-7, none)),
                Arguments.of("nadam", new OptimizerSpec.Nadam(k, 0.9, 0.999, 1e-7, none)),
                Arguments.of("adadelta", new OptimizerSpec.Adadelta(k, 0.95, 1e-7, none)),
                Arguments.of("ftrl", new OptimizerSpec.Ftrl(k, -0.5, 0.1, 0.0, 0.0, 0.0, 0.0, none)),
                Arguments.of("adamw", new OptimizerSpec.AdamW(k, 0.9, 0.999, 1e-7, false,
                        new GradientOptions(null, null, null, 0.004))),
                Arguments.of("lion", new OptimizerSpec.Lion(k, 0.9, 0.99, none)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizerDefaults")
    void optimizerWithOnlyATypeGetsKerasDefaults(String type, OptimizerSpec expected) {
        assertThat(optimizer("{\"type\": \"" + type + "\"}")).isEqualTo(expected);
        assertThat(optimizer("type: " + type + "\n")).isEqualTo(expected);
    }

    @Test
    void adamwWithoutWeightDecayUsesKerasDefault() {
        OptimizerSpec o = optimizer("{\"type\": \"adamw\", \"learningRate\": 0.01}");
        assertThat(o).isInstanceOf(OptimizerSpec.AdamW.class);
        assertThat(o.options().weightDecay()).isEqualTo(0.004);
        // an explicit null is "not given" as well; other optimizers have no weight decay by default
        assertThat(optimizer("{\"type\": \"adamw\", \"weightDecay\": null}").options().weightDecay()).isEqualTo(0.004);
        assertThat(optimizer("{\"type\": \"adamw\", \"weightDecay\": 0.1}").options().weightDecay()).isEqualTo(0.1);
        assertThat(optimizer("{\"type\": \"adam\"}").options().weightDecay()).isNull();
    }

    @Test
    void schedulesWithOmittedFieldsGetKerasDefaults() {
        assertThat(lr("0.05")).isEqualTo(new ScheduleSpec.Constant(0.05));
        assertThat(lr("{\"type\": \"piecewiseConstantDecay\", \"boundaries\": [3, 6], \"values\": [0.1, 0.05, 0.01]}"))
                .isEqualTo(new ScheduleSpec.PiecewiseConstantDecay(List.of(3L, 6L), List.of(0.1, 0.05, 0.01)));
        assertThat(lr("{\"type\": \"exponentialDecay\", \"initialLearningRate\": 0.1, \"decaySteps\": 4, \"decayRate\": 0.5}"))
                .isEqualTo(new ScheduleSpec.ExponentialDecay(0.1, 4, 0.5, false));
        assertThat(lr("{\"type\": \"inverseTimeDecay\", \"initialLearningRate\": 0.1, \"decaySteps\": 4, \"decayRate\": 0.5}"))
                .isEqualTo(new ScheduleSpec.InverseTimeDecay(0.1, 4, 0.5, false));
        assertThat(lr("{\"type\": \"polynomialDecay\", \"initialLearningRate\": 0.1, \"decaySteps\": 10}"))
                .isEqualTo(new ScheduleSpec.PolynomialDecay(0.1, 10, 0.0001, 1.0, false));
        assertThat(lr("{\"type\": \"cosineDecay\", \"initialLearningRate\": 0.1, \"decaySteps\": 10}"))
                .isEqualTo(new ScheduleSpec.CosineDecay(0.1, 10, 0.0, null, 0.0));
        assertThat(lr("{\"type\": \"cosineDecayRestarts\", \"initialLearningRate\": 0.1, \"firstDecaySteps\": 10}"))
                .isEqualTo(new ScheduleSpec.CosineDecayRestarts(0.1, 10, 2.0, 1.0, 0.0));
    }

    @Test
    void earlyStoppingDefaultsAreKeras() {
        EarlyStoppingSpec es = SpecParser.earlyStopping(SpecParser.readTree("{}"), "earlyStopping");
        assertThat(es).isEqualTo(new EarlyStoppingSpec("loss", 0.0, 0, "auto", null, false, 0, 1));
        assertThat(es.maximizes()).isFalse();
        EarlyStoppingSpec acc = SpecParser.earlyStopping(SpecParser.readTree("monitor: accuracy\npatience: 3\n"),
                "earlyStopping");
        assertThat(acc.maximizes()).as("auto mode on accuracy").isTrue();
        assertThat(acc.patience()).isEqualTo(3);
    }

    @Test
    void publicConformanceCaseSpecsParse() throws Exception {
        for (String name : List.of("adam_bn_dropout_l2", "sgd_momentum_piecewise")) {
            JsonNode c = JSON.readTree(getClass().getResource("/conformance/public/" + name + ".json"));
            // the case files carry "name"/"description" siblings: ignored, everything else known
            ModelSpec m = SpecParser.model(c.get("model"));
            OptimizerSpec o = SpecParser.optimizer(c.get("optimizer"));
            assertThat(m.layers()).isNotEmpty();
            assertThat(o.type()).isIn("adam", "sgd");
        }
    }

    // ---------------------------------------------------------------- invalid input

    static Stream<Arguments> invalidModels() {
        return Stream.of(
                Arguments.of("unknown layer type", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layers": [
                          {"type": "dense", "units": 2}, {"type": "conv2d", "filters": 3}]}""",
                        "model.layers[1].type"),
                Arguments.of("dropout rate 1", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layers": [
                          {"type": "dense", "units": 2}, {"type": "dropout", "rate": 1.0}]}""",
                        "model.layers[1].rate"),
                Arguments.of("dropout rate above 1", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layers": [
                          {"type": "dense", "units": 2}, {"type": "dropout", "rate": 1.5}]}""",
                        "model.layers[1].rate"),
                Arguments.of("negative dropout rate", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layers": [
                          {"type": "dense", "units": 2}, {"type": "dropout", "rate": -0.1}]}""",
                        "model.layers[1].rate"),
                Arguments.of("missing units", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layers": [
                          {"type": "dense", "activation": "relu"}]}""",
                        "model.layers[0].units"),
                Arguments.of("zero units", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layers": [{"type": "dense", "units": 0}]}""",
                        "model.layers[0].units"),
                Arguments.of("fractional units", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layers": [{"type": "dense", "units": 2.5}]}""",
                        "model.layers[0].units"),
                Arguments.of("typo in a layer field", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layers": [
                          {"type": "dense", "units": 2, "useBais": false}]}""",
                        "model.layers[0].useBais"),
                Arguments.of("typo in a model field", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layer": [], "layers": [
                          {"type": "dense", "units": 2}]}""",
                        "model.layer"),
                Arguments.of("unknown activation", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layers": [
                          {"type": "dense", "units": 2, "activation": "gelu"}]}""",
                        "model.layers[0].activation"),
                Arguments.of("unknown loss", """
                        {"inputDim": 2, "loss": "hinge", "layers": [{"type": "dense", "units": 2}]}""",
                        "model.loss"),
                Arguments.of("non-numeric momentum", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layers": [
                          {"type": "dense", "units": 2}, {"type": "batchNormalization", "momentum": "high"}]}""",
                        "model.layers[1].momentum"),
                Arguments.of("non-boolean useBias", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layers": [
                          {"type": "dense", "units": 2, "useBias": "yes"}]}""",
                        "model.layers[0].useBias"),
                Arguments.of("negative regularizer", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layers": [
                          {"type": "dense", "units": 2, "kernelRegularizer": {"l2": -0.1}}]}""",
                        "model.layers[0].kernelRegularizer.l2"),
                Arguments.of("typo in a regularizer", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layers": [
                          {"type": "dense", "units": 2, "kernelRegularizer": {"l3": 0.1}}]}""",
                        "model.layers[0].kernelRegularizer.l3"),
                Arguments.of("BN epsilon zero", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layers": [
                          {"type": "dense", "units": 2}, {"type": "batchNormalization", "epsilon": 0}]}""",
                        "model.layers[1].epsilon"),
                Arguments.of("missing inputDim", """
                        {"loss": "meanSquaredError", "layers": [{"type": "dense", "units": 2}]}""",
                        "model.inputDim"),
                Arguments.of("no dense layer", """
                        {"inputDim": 2, "loss": "meanSquaredError", "layers": [{"type": "dropout", "rate": 0.1}]}""",
                        "model.layers"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidModels")
    void invalidModelNamesTheField(String what, String text, String field) {
        SpecException e = catchThrowableOfType(SpecException.class, () -> model(text));
        assertThat(e).as(what).isNotNull();
        assertThat(e.field()).as("%s: %s", what, e.getMessage()).isEqualTo(field);
        assertThat(e.getMessage()).startsWith(field + ": ");
    }

    static Stream<Arguments> invalidOptimizers() {
        return Stream.of(
                Arguments.of("negative learning rate", "{\"type\": \"adam\", \"learningRate\": -0.1}",
                        "optimizer.learningRate"),
                Arguments.of("unknown optimizer type", "{\"type\": \"adamx\"}", "optimizer.type"),
                Arguments.of("missing type", "{\"learningRate\": 0.1}", "optimizer.type"),
                Arguments.of("clipnorm and clipvalue", "{\"type\": \"sgd\", \"clipnorm\": 1, \"clipvalue\": 0.5}",
                        "optimizer.clipvalue"),
                Arguments.of("clipnorm and globalClipnorm",
                        "{\"type\": \"sgd\", \"clipnorm\": 1, \"globalClipnorm\": 2}", "optimizer.globalClipnorm"),
                Arguments.of("clipvalue and globalClipnorm",
                        "{\"type\": \"adam\", \"clipvalue\": 1, \"globalClipnorm\": 2}", "optimizer.globalClipnorm"),
                Arguments.of("non-positive clipnorm", "{\"type\": \"sgd\", \"clipnorm\": 0}", "optimizer.clipnorm"),
                Arguments.of("typo: learningrate", "{\"type\": \"sgd\", \"learningrate\": 0.1}",
                        "optimizer.learningrate"),
                Arguments.of("typo: beta_1", "{\"type\": \"adam\", \"beta_1\": 0.8}", "optimizer.beta_1"),
                Arguments.of("option of another optimizer", "{\"type\": \"adam\", \"nesterov\": true}",
                        "optimizer.nesterov"),
                Arguments.of("non-numeric momentum", "{\"type\": \"sgd\", \"momentum\": \"fast\"}",
                        "optimizer.momentum"),
                Arguments.of("non-numeric learning rate", "{\"type\": \"sgd\", \"learningRate\": \"0.1\"}",
                        "optimizer.learningRate"),
                Arguments.of("momentum above 1", "{\"type\": \"sgd\", \"momentum\": 1.5}", "optimizer.momentum"),
                Arguments.of("beta1 of 1", "{\"type\": \"adam\", \"beta1\": 1.0}", "optimizer.beta1"),
                Arguments.of("negative weight decay", "{\"type\": \"sgd\", \"weightDecay\": -1}",
                        "optimizer.weightDecay"),
                Arguments.of("positive ftrl power", "{\"type\": \"ftrl\", \"learningRatePower\": 0.5}",
                        "optimizer.learningRatePower"),
                Arguments.of("useEma", "{\"type\": \"adam\", \"useEma\": true}", "optimizer.useEma"),
                Arguments.of("piecewise size mismatch", """
                        {"type": "sgd", "learningRate": {"type": "piecewiseConstantDecay",
                          "boundaries": [3, 6], "values": [0.1, 0.01]}}""", "optimizer.learningRate.values"),
                Arguments.of("piecewise boundaries not increasing", """
                        {"type": "sgd", "learningRate": {"type": "piecewiseConstantDecay",
                          "boundaries": [6, 3], "values": [0.1, 0.05, 0.01]}}""", "optimizer.learningRate.boundaries[1]"),
                Arguments.of("piecewise fractional boundary", """
                        {"type": "sgd", "learningRate": {"type": "piecewiseConstantDecay",
                          "boundaries": [2.5], "values": [0.1, 0.01]}}""", "optimizer.learningRate.boundaries[0]"),
                Arguments.of("piecewise non-numeric value", """
                        {"type": "sgd", "learningRate": {"type": "piecewiseConstantDecay",
                          "boundaries": [2], "values": [0.1, "low"]}}""", "optimizer.learningRate.values[1]"),
                Arguments.of("unknown schedule", "{\"type\": \"sgd\", \"learningRate\": {\"type\": \"stepDecay\"}}",
                        "optimizer.learningRate.type"),
                Arguments.of("schedule missing field", """
                        {"type": "sgd", "learningRate": {"type": "exponentialDecay", "initialLearningRate": 0.1,
                          "decayRate": 0.5}}""", "optimizer.learningRate.decaySteps"),
                Arguments.of("schedule zero decaySteps", """
                        {"type": "sgd", "learningRate": {"type": "cosineDecay", "initialLearningRate": 0.1,
                          "decaySteps": 0}}""", "optimizer.learningRate.decaySteps"),
                Arguments.of("schedule typo", """
                        {"type": "sgd", "learningRate": {"type": "exponentialDecay", "initialLearningRate": 0.1,
                          "decaySteps": 4, "decayRate": 0.5, "stairCase": true}}""",
                        "optimizer.learningRate.stairCase"),
                Arguments.of("negative schedule rate", """
                        {"type": "sgd", "learningRate": {"type": "inverseTimeDecay", "initialLearningRate": -0.1,
                          "decaySteps": 4, "decayRate": 0.5}}""", "optimizer.learningRate.initialLearningRate"),
                Arguments.of("warmup target without warmup steps", """
                        {"type": "sgd", "learningRate": {"type": "cosineDecay", "initialLearningRate": 0.0,
                          "decaySteps": 10, "warmupTarget": 0.1}}""", "optimizer.learningRate.warmupSteps"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidOptimizers")
    void invalidOptimizerNamesTheField(String what, String text, String field) {
        SpecException e = catchThrowableOfType(SpecException.class, () -> optimizer(text));
        assertThat(e).as(what).isNotNull();
        assertThat(e.field()).as("%s: %s", what, e.getMessage()).isEqualTo(field);
    }

    @Test
    void invalidEarlyStoppingNamesTheField() {
        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecParser.earlyStopping(
                SpecParser.readTree("{\"patience\": -1}"), "earlyStopping"));
        assertThat(e.field()).isEqualTo("earlyStopping.patience");
        e = catchThrowableOfType(SpecException.class, () -> SpecParser.earlyStopping(
                SpecParser.readTree("{\"monitor\": \"val_loss\"}"), "earlyStopping"));
        assertThat(e.field()).isEqualTo("earlyStopping.monitor");
        e = catchThrowableOfType(SpecException.class, () -> SpecParser.earlyStopping(
                SpecParser.readTree("{\"stepsPerEpoch\": 0}"), "earlyStopping"));
        assertThat(e.field()).isEqualTo("earlyStopping.stepsPerEpoch");
        e = catchThrowableOfType(SpecException.class, () -> SpecParser.earlyStopping(
                SpecParser.readTree("{\"restoreBestWeight\": true}"), "earlyStopping"));
        assertThat(e.field()).isEqualTo("earlyStopping.restoreBestWeight");
    }

    @Test
    void unparsableTextIsASpecException() {
        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecParser.readTree("{\"type\": "));
        assertThat(e.field()).isEqualTo("(document)");
        e = catchThrowableOfType(SpecException.class, () -> SpecParser.model(SpecParser.readTree("[1, 2]")));
        assertThat(e.field()).isEqualTo("model");
    }

    // ---------------------------------------------------------------- writer round trips

    static Stream<Arguments> schedules() {
        return Stream.of(
                new ScheduleSpec.Constant(0.02),
                new ScheduleSpec.PiecewiseConstantDecay(List.of(3L, 6L, 100L), List.of(0.1, 0.05, 0.01, 0.001)),
                new ScheduleSpec.ExponentialDecay(0.1, 4, 0.5, true),
                new ScheduleSpec.InverseTimeDecay(0.1, 7, 0.25, true),
                new ScheduleSpec.PolynomialDecay(0.1, 10, 0.001, 2.0, true),
                new ScheduleSpec.CosineDecay(0.1, 10, 0.1, null, 0.0),
                new ScheduleSpec.CosineDecay(0.0, 10, 0.0, 0.2, 3.0),
                new ScheduleSpec.CosineDecayRestarts(0.1, 5, 1.5, 0.8, 0.05)).map(Arguments::of);
    }

    static Stream<Arguments> optimizers() {
        ScheduleSpec cos = new ScheduleSpec.CosineDecay(0.05, 20, 0.1, 0.2, 5.0);
        ScheduleSpec k = new ScheduleSpec.Constant(0.003);
        return Stream.of(
                new OptimizerSpec.Sgd(k, 0.8, true, new GradientOptions(1.5, null, null, null)),
                new OptimizerSpec.Sgd(cos, 0.0, false, GradientOptions.NONE),
                new OptimizerSpec.Adagrad(k, 0.2, 1e-6, new GradientOptions(null, 0.5, null, 0.01)),
                new OptimizerSpec.RmsProp(cos, 0.8, 0.5, 1e-6, true, new GradientOptions(null, null, 2.0, null)),
                new OptimizerSpec.Adam(k, 0.85, 0.99, 1e-3, true, new GradientOptions(null, null, null, 0.001)),
                new OptimizerSpec.Adamax(cos, 0.8, 0.9, 1e-6, GradientOptions.NONE),
                new OptimizerSpec.Nadam(k, 0.8, 0.9, 1e-6, new GradientOptions(0.7, null, null, null)),
                new OptimizerSpec.Adadelta(k, 0.9, 1e-6, new GradientOptions(null, 0.1, null, null)),
                new OptimizerSpec.Ftrl(cos, -0.3, 0.2, 0.01, 0.02, 0.03, 0.1, GradientOptions.NONE),
                new OptimizerSpec.AdamW(k, 0.9, 0.99, 1e-7, false, new GradientOptions(null, null, 1.0, 0.02)),
                new OptimizerSpec.Lion(cos, 0.95, 0.98, new GradientOptions(null, null, null, 0.5))).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void everyOptimizerRoundTripsThroughTheWriter(OptimizerSpec spec) throws Exception {
        String text = JSON.writeValueAsString(SpecWriter.optimizer(spec));
        assertThat(SpecParser.optimizer(SpecParser.readTree(text))).as(text).isEqualTo(spec);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedules")
    void everyScheduleRoundTripsThroughTheWriter(ScheduleSpec schedule) throws Exception {
        OptimizerSpec spec = new OptimizerSpec.Adam(schedule, 0.9, 0.999, 1e-7, false, GradientOptions.NONE);
        String text = JSON.writeValueAsString(SpecWriter.optimizer(spec));
        assertThat(SpecParser.optimizer(SpecParser.readTree(text))).as(text).isEqualTo(spec);
        String scheduleText = JSON.writeValueAsString(SpecWriter.schedule(schedule));
        assertThat(SpecParser.schedule(SpecParser.readTree(scheduleText), "lr")).as(scheduleText).isEqualTo(schedule);
    }

    @Test
    void everyOptimizerTypeAndScheduleTypeIsCovered() {
        assertThat(optimizers().map(a -> ((OptimizerSpec) a.get()[0]).type()).distinct())
                .containsExactlyInAnyOrder("sgd", "adagrad", "rmsprop", "adam", "adamax", "nadam", "adadelta", "ftrl",
                        "adamw", "lion");
        assertThat(schedules().map(a -> ((ScheduleSpec) a.get()[0]).type()).distinct())
                .containsExactlyInAnyOrder("constant", "piecewiseConstantDecay", "exponentialDecay",
                        "inverseTimeDecay", "polynomialDecay", "cosineDecay", "cosineDecayRestarts");
    }

    @Test
    void modelAndEarlyStoppingRoundTripThroughTheWriter() throws Exception {
        ModelSpec m = new ModelSpec(5, List.of(
                new LayerSpec.Dense(8, Activation.RELU, false, new RegularizerSpec(0.01, 0.0), null),
                new LayerSpec.BatchNormalization(0.9, 1e-4, false, true),
                new LayerSpec.ActivationLayer(Activation.TANH),
                new LayerSpec.Dropout(0.3),
                new LayerSpec.Dense(3, Activation.SIGMOID, true, new RegularizerSpec(0.0, 0.02),
                        new RegularizerSpec(0.001, 0.002))), LossKind.BINARY_CROSSENTROPY);
        String text = JSON.writeValueAsString(SpecWriter.model(m));
        assertThat(SpecParser.model(SpecParser.readTree(text))).as(text).isEqualTo(m);

        EarlyStoppingSpec es = new EarlyStoppingSpec("dataLoss", 0.01, 3, "min", 0.5, true, 2, 10);
        String esText = JSON.writeValueAsString(SpecWriter.earlyStopping(es));
        assertThat(SpecParser.earlyStopping(SpecParser.readTree(esText), "earlyStopping")).isEqualTo(es);
    }

    @org.junit.jupiter.api.Test
    void yamlFlowMappingsAreReadEvenThoughTheyLookLikeJson() {
        EarlyStoppingSpec es = SpecParser.earlyStopping(
                SpecParser.readTree("{monitor: loss, patience: 3, stepsPerEpoch: 50, restoreBestWeights: true}"),
                "earlyStopping");
        org.assertj.core.api.Assertions.assertThat(es.patience()).isEqualTo(3);
        org.assertj.core.api.Assertions.assertThat(es.stepsPerEpoch()).isEqualTo(50);
        org.assertj.core.api.Assertions.assertThat(es.restoreBestWeights()).isTrue();
    }

    @org.junit.jupiter.api.Test
    void brokenJsonReportsTheJsonParsersMessage() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SpecParser.readTree("{\"inputDim\": 4,, }"))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith("(document): cannot parse");
    }
}
