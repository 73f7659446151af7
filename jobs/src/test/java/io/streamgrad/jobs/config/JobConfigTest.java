package io.streamgrad.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

public class JobConfigTest {
    public static final String BASE = """
            kafka:
              bootstrapServers: localhost:9092
              properties:
                security.protocol: SASL_SSL
                sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="hunter2";
            topics:
              input: examples
            input:
              format: json
              key: {from: field, field: model}
              json: {features: x, label: y, eventTime: ts}
            model:
              inputDim: 3
              layers:
                - {type: dense, units: 4, activation: relu}
                - {type: dense, units: 3, activation: softmax}
              loss: categoricalCrossentropy
            optimizer: {type: adam, learningRate: 0.01}
            """;

    @TempDir
    Path tmp;

    static JobConfig parse(String... overrides) {
        return JobConfig.parse(BASE, Arrays.asList(overrides));
    }

    @Test
    void defaultsAndValues() {
        JobConfig c = parse();
        assertThat(c.kafka().deliveryGuarantee()).isEqualTo(Kafka.DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(c.kafka().transactionalIdPrefix()).isEqualTo("streamgrad-online-training");
        assertThat(c.topics().snapshots()).isEqualTo("streamgrad-snapshots");
        assertThat(c.input().jsonFeatures()).isEqualTo("x");
        assertThat(c.model().outputDim()).isEqualTo(3);
        assertThat(c.training().batchSize()).isEqualTo(32);
        assertThat(c.earlyStopping()).isNull();
        assertThat(c.clientProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("bootstrap.servers", "localhost:9092");
    }

    @Test
    void overridesApplyToNestedPathsAndArrays() {
        JobConfig c = parse("training.batchSize=8", "model.layers[0].units=16", "kafka.deliveryGuarantee=at-least-once",
                "earlyStopping={patience: 3}", "input.label.classes=[a, b, c]");
        assertThat(c.training().batchSize()).isEqualTo(8);
        assertThat(c.model().inputWidthOf(1)).isEqualTo(16);
        assertThat(c.kafka().deliveryGuarantee()).isEqualTo(Kafka.DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(c.earlyStopping().patience()).isEqualTo(3);
        assertThat(c.input().classes()).containsExactly("a", "b", "c");
    }

    @Test
    void endOfInputIsTrainOrDropAndReachesTheOperator() {
        assertThat(parse().training().endOfInput()).isEqualTo(io.streamgrad.operators.EndOfInput.TRAIN);
        JobConfig c = parse("training.endOfInput=drop");
        assertThat(c.trainerBuilder().build().endOfInput()).isEqualTo(io.streamgrad.operators.EndOfInput.DROP);
        assertThatThrownBy(() -> parse("training.endOfInput=sometimes")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("training.endOfInput");
    }

    @Test
    void overridesAcceptJsonPointers() {
        JobConfig c = parse("/training/batchSize=16", "/model/layers/0/units=8", "/kafka/properties/ssl.truststore.type=PKCS12",
                "/input/label/classes=[a, b, c]", "/earlyStopping={patience: 2}");
        assertThat(c.training().batchSize()).isEqualTo(16);
        assertThat(c.model().inputWidthOf(1)).isEqualTo(8);
        assertThat(c.kafka().properties()).containsEntry("ssl.truststore.type", "PKCS12");
        assertThat(c.input().classes()).containsExactly("a", "b", "c");
        assertThat(c.earlyStopping().patience()).isEqualTo(2);
        assertThatThrownBy(() -> parse("model.layers[7].units=3")).hasMessageStartingWith("model.layers[7].units: index [7] is out of range");
        assertThatThrownBy(() -> parse("training..batchSize=3")).hasMessageStartingWith("training..batchSize: is not a valid override path");
    }

    @Test
    void bindingErrorsSayWhatIsExpected() {
        assertThatThrownBy(() -> parse("kafka.startingOffsets=yesterday")).hasMessage(
                "kafka.startingOffsets: unknown value 'yesterday', expected one of earliest, latest, committedOrEarliest");
        assertThatThrownBy(() -> parse("training.batchSize=many")).hasMessage("training.batchSize: must be an integer, got many");
        assertThatThrownBy(() -> parse("training.batchSize=2.5")).hasMessage("training.batchSize: must be an integer, got 2.5");
        assertThatThrownBy(() -> parse("training.batchSize=0")).hasMessage("training.batchSize: must be >= 1, got 0");
        assertThatThrownBy(() -> parse("snapshots.onEarlyStop=maybe")).hasMessage("snapshots.onEarlyStop: must be true or false, got maybe");
        assertThatThrownBy(() -> parse("topics.extra=x"))
                .hasMessage("topics.extra: unknown field (known: deadLetters, input, metrics, predictions, snapshots)");
        assertThatThrownBy(() -> parse("training=5")).hasMessage("training: must be a mapping");
        assertThatThrownBy(() -> parse("kafka.properties.a={b: [1]}"))
                .hasMessage("kafka.properties.a.b: must be a string, number or boolean");
    }

    @Test
    void choicesAreEnums() {
        JobConfig c = parse("kafka.startingOffsets=latest", "input.label.encoding=oneHot", "input.key.from=recordKey");
        assertThat(c.kafka().startingOffsets()).isEqualTo(Kafka.StartingOffsets.LATEST);
        assertThat(c.input().labelEncoding()).isEqualTo(InputFormat.LabelEncoding.ONE_HOT);
        assertThat(c.input().keyFrom()).isEqualTo(InputFormat.KeySource.RECORD_KEY);
        assertThat(c.input().format()).isEqualTo(InputFormat.Format.JSON);
        assertThat(c.warmStart().source()).isEqualTo(WarmStart.Source.NONE);
        assertThat(c.warmStart().topic()).isEqualTo("streamgrad-snapshots");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"regression", "binary", "multiclass", "multi-model",
            "click-through", "click-through-delayed-labels"})
    void theShippedExamplesLoad(String name) throws Exception {
        try (var in = JobConfigTest.class.getClassLoader().getResourceAsStream("examples/" + name + ".yaml")) {
            JobConfig c = JobConfig.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), List.of());
            assertThat(c.describe()).startsWith("job ");
        }
    }

    @Test
    void describeNeverShowsSecrets() {
        String d = parse("kafka.properties.ssl.truststore.password=s3cret").describe();
        assertThat(d).doesNotContain("hunter2").doesNotContain("s3cret").contains("SASL_SSL").contains("******");
    }

    @Test
    void describeMasksByValueNotByName() {
        String home = System.getenv().containsKey("HOME") ? "${env:HOME}" : "${env:STREAMGRAD_NOPE:-from-env}";
        JobConfig c = parse("kafka.properties.basic.auth.user.info=user:hunter3",
                "kafka.properties.sasl.kerberos.service.name=" + home,
                "kafka.properties.client.id=tenant-a",
                "kafka.properties.linger.ms=5",
                "kafka.secretProperties=[linger.ms]");
        String d = c.describe();
        assertThat(d).as("a setting not known to be safe").doesNotContain("hunter3").contains("basic.auth.user.info=******");
        assertThat(d).as("a safe setting whose value came from the environment").contains("sasl.kerberos.service.name=******");
        assertThat(d).as("a safe setting the user marked secret").contains("linger.ms=******");
        assertThat(d).as("a safe setting").contains("client.id=tenant-a");
        assertThat(c.clientProperties()).containsEntry("basic.auth.user.info", "user:hunter3").containsEntry("linger.ms", "5");
    }

    @Test
    void environmentVariablesInClientSettings() {
        String path = System.getenv().containsKey("PATH") ? "PATH" : null;
        if (path != null) {
            JobConfig c = parse("kafka.properties.x.custom=${env:PATH}", "kafka.properties.y.custom=${env:STREAMGRAD_NOPE:-dflt}");
            assertThat(c.kafka().properties()).containsEntry("x.custom", System.getenv("PATH")).containsEntry("y.custom", "dflt");
        }
        assertThatThrownBy(() -> parse("kafka.properties.z.custom=${env:STREAMGRAD_UNSET_VAR}"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("kafka.properties.z.custom:");
    }

    @Test
    void csvFormat() {
        JobConfig c = parse("input.format=csv", "input.json=null", "input.key={from: field, column: 0}",
                "input.csv={features: \"1-3\", label: 4, eventTime: 5, delimiter: ';'}");
        assertThat(c.input().csvFeatures()).containsExactly(1, 2, 3);
        assertThat(c.input().csvLabel()).containsExactly(4);
        assertThat(c.input().csvDelimiter()).isEqualTo(';');
        assertThat(c.input().keyColumn()).isZero();
    }

    @Test
    void boundedInputIsOptIn() {
        assertThat(JobConfig.parse(BASE, List.of()).kafka().bounded()).isFalse();
        JobConfig c = JobConfig.parse(BASE, List.of("kafka.stoppingOffsets=latest"));
        assertThat(c.kafka().bounded()).isTrue();
        assertThat(c.describe()).contains("bounded");
    }

    @Test
    void loadsFromFileAndReportsMissingFile() throws Exception {
        Path f = tmp.resolve("job.yaml");
        Files.writeString(f, BASE);
        assertThat(JobConfig.load(f, List.of()).topics().input()).isEqualTo("examples");
        assertThatThrownBy(() -> JobConfig.load(tmp.resolve("nope.yaml"), List.of()))
                .hasMessageContaining("not found");
    }

    static Stream<Arguments> invalidFields() {
        List<Arguments> a = new ArrayList<>();
        a.add(Arguments.of("kafka.bootstrapServers=null", "kafka.bootstrapServers"));
        a.add(Arguments.of("kafka.startingOffsets=yesterday", "kafka.startingOffsets"));
        a.add(Arguments.of("kafka.stoppingOffsets=earliest", "kafka.stoppingOffsets"));
        a.add(Arguments.of("kafka.deliveryGuarantee=twice", "kafka.deliveryGuarantee"));
        a.add(Arguments.of("kafka.transactionalIdPrefix=has space", "kafka.transactionalIdPrefix"));
        a.add(Arguments.of("kafka.transactionTimeoutMs=5", "kafka.transactionTimeoutMs"));
        a.add(Arguments.of("kafka.properties.bootstrap.servers=x:1", "kafka.properties.bootstrap.servers"));
        a.add(Arguments.of("kafka.properties.isolation.level=read_uncommitted", "kafka.properties.isolation.level"));
        a.add(Arguments.of("kafka.propertys={}", "kafka.propertys"));
        a.add(Arguments.of("topics.input=null", "topics.input"));
        a.add(Arguments.of("topics.metrics=\"\"", "topics.metrics"));
        a.add(Arguments.of("topics.extra=x", "topics.extra"));
        a.add(Arguments.of("job.parallelism=0", "job.parallelism"));
        a.add(Arguments.of("job.maxParallelism=-1", "job.maxParallelism"));
        a.add(Arguments.of("job.maxParallelism=40000", "job.maxParallelism"));
        a.add(Arguments.of("input.format=xml", "input.format"));
        a.add(Arguments.of("input.key.from=header", "input.key.from"));
        a.add(Arguments.of("input.label.encoding=ordinal", "input.label.encoding"));
        a.add(Arguments.of("input.label.classes=[a, b]", "input.label.classes"));
        a.add(Arguments.of("input.json.featureFields=[a, b]", "input.json.featureFields"));
        a.add(Arguments.of("input.json.labl=y", "input.json.labl"));
        a.add(Arguments.of("input.csv.features=[1,2,3]", "input.csv"));
        a.add(Arguments.of("input.maxRecordChars=1", "input.maxRecordChars"));
        a.add(Arguments.of("training.batchSize=0", "training.batchSize"));
        a.add(Arguments.of("training.batchSize=many", "training.batchSize"));
        a.add(Arguments.of("training.maxBatchDelayMs=-1", "training.maxBatchDelayMs"));
        a.add(Arguments.of("snapshots.everySteps=-2", "snapshots.everySteps"));
        a.add(Arguments.of("snapshots.onEarlyStop=maybe", "snapshots.onEarlyStop"));
        a.add(Arguments.of("checkpointing.intervalMs=-1", "checkpointing.intervalMs"));
        a.add(Arguments.of("warmStart.source=s3", "warmStart.source"));
        a.add(Arguments.of("warmStart.source=file", "warmStart.file"));
        a.add(Arguments.of("model.inputDim=0", "model.inputDim"));
        a.add(Arguments.of("model.layers[1].units=-3", "model.layers[1].units"));
        a.add(Arguments.of("model.layers[0].activation=swish", "model.layers[0].activation"));
        a.add(Arguments.of("model.loss=hinge", "model.loss"));
        a.add(Arguments.of("model=null", "model"));
        a.add(Arguments.of("optimizer.type=sgdd", "optimizer.type"));
        a.add(Arguments.of("optimizer.learningRate=-1", "optimizer.learningRate"));
        a.add(Arguments.of("earlyStopping={patience: -1}", "earlyStopping.patience"));
        a.add(Arguments.of("earlyStopping={monitor: auc}", "earlyStopping.monitor"));
        a.add(Arguments.of("unknownSection={}", "unknownSection"));
        return a.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("invalidFields")
    void everyInvalidFieldIsNamed(String override, String field) {
        assertThatThrownBy(() -> parse(override))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).field()).isEqualTo(field))
                .hasMessageStartingWith(field + ": ");
    }

    @Test
    void csvSpecificErrors() {
        String[] csv = {"input.format=csv", "input.json=null", "input.key={from: field, column: 0}"};
        assertThatThrownBy(() -> JobConfig.parse(BASE, List.of(csv[0], csv[1], csv[2], "input.csv={label: 4}")))
                .hasMessageStartingWith("input.csv.features: is required");
        assertThatThrownBy(() -> JobConfig.parse(BASE, List.of(csv[0], csv[1], csv[2], "input.csv={features: [1, 2], label: 4}")))
                .hasMessageStartingWith("input.csv.features: lists 2 columns but model.inputDim is 3");
        assertThatThrownBy(() -> JobConfig.parse(BASE, List.of(csv[0], csv[1], csv[2], "input.csv={features: [1, 2, -3], label: 4}")))
                .hasMessageStartingWith("input.csv.features[2]:");
        assertThatThrownBy(() -> JobConfig.parse(BASE, List.of(csv[0], csv[1], csv[2], "input.csv={features: [1, 2, 3]}")))
                .hasMessageStartingWith("input.csv.label: is required");
        assertThatThrownBy(() -> JobConfig.parse(BASE, List.of(csv[0], csv[1], csv[2], "input.csv={features: [1, 2, 3], label: 4, delimiter: ab}")))
                .hasMessageStartingWith("input.csv.delimiter:");
    }

    @Test
    void exactlyOnceNeedsCheckpointing() {
        assertThatThrownBy(() -> parse("checkpointing.intervalMs=0", "kafka.deliveryGuarantee=exactly-once"))
                .hasMessageStartingWith("kafka.deliveryGuarantee: exactly-once needs checkpointing");
        assertThat(parse("checkpointing.intervalMs=0").kafka().deliveryGuarantee()).isEqualTo(Kafka.DeliveryGuarantee.AT_LEAST_ONCE);
    }

    @Test
    void documentLevelErrors() {
        assertThatThrownBy(() -> JobConfig.parse("a: [1, 2", List.of())).hasMessageStartingWith("(document): is not valid YAML");
        assertThatThrownBy(() -> JobConfig.parse("- 1\n- 2\n", List.of())).hasMessageStartingWith("(document): must be a YAML mapping");
        assertThatThrownBy(() -> parse("noequals")).isInstanceOf(ConfigException.class).hasMessageContaining("path=value");
    }
}
