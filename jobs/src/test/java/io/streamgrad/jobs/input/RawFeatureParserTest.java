package io.streamgrad.jobs.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.jobs.config.ConfigException;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.operators.Example;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Named raw features from JSON fields and CSV columns, with defaults and dead-letter reasons. */
class RawFeatureParserTest {
    static final String FEATURES = """
            kafka: {bootstrapServers: localhost:9092}
            topics: {input: events}
            input:
              format: json
              key: {from: field, field: k}
              json: {label: y}
            model:
              features:
                - {name: amount, type: numeric, normalization: {adapt: online}}
                - {name: pos, type: numeric, size: 2}
                - {name: country, type: string, lookup: {vocabulary: [DE], maxTokens: 9, grow: true},
                   embedding: {outputDim: 2}}
                - {name: shop, type: integer, hashing: {numBins: 5}, encoding: oneHot}
                - {name: device, type: string, hashing: {numBins: 3}, encoding: oneHot}
              layers: [{type: dense, units: 1, activation: sigmoid}]
              loss: binaryCrossentropy
            optimizer: {type: adam}
            """;

    private static ExampleParser parser(String... overrides) {
        JobConfig c = JobConfig.parse(FEATURES, List.of(overrides));
        return new ExampleParser(c.input(), c.model());
    }

    private static String reason(ParseResult r) {
        assertThat(r.isOk()).as("expected a dead letter, got %s", r).isFalse();
        return r.deadLetter.reason;
    }

    @Test
    void jsonFieldsByNameInFeatureOrder() {
        ParseResult r = parser().parse((String) null, "{\"k\":\"eu\",\"amount\":12.5,\"pos\":[1,\"0.25\"],"
                + "\"country\":\"FR\",\"shop\":9007199254740993,\"device\":\"ios\",\"y\":1}", 0L);
        assertThat(r.isOk()).as("%s", r).isTrue();
        Example e = r.example;
        assertThat(e.features).isNull();
        assertThat(e.featureValues.numbers).containsExactly(12.5, 1.0, 0.25);
        assertThat(e.featureValues.strings).containsExactly("FR", "ios");
        assertThat(e.featureValues.integers).containsExactly(9007199254740993L); // exact, not through a double
        assertThat(e.target).containsExactly(1f);
        ParseResult text = parser().parse((String) null, "{\"k\":\"eu\",\"amount\":\"3\",\"pos\":[1,2],"
                + "\"country\":\"FR\",\"shop\":\"-42\",\"device\":\"ios\",\"y\":0}", 0L);
        assertThat(text.example.featureValues.integers).containsExactly(-42L);
        assertThat(text.example.featureValues.numbers[0]).isEqualTo(3.0);
    }

    @Test
    void missingAndWronglyTypedFeaturesAreNamed() {
        ExampleParser p = parser();
        String ok = "\"k\":\"eu\",\"y\":1";
        assertThat(reason(p.parse((String) null, "{" + ok + ",\"amount\":1,\"pos\":[1,2],\"shop\":1,"
                + "\"device\":\"a\"}", 0L))).isEqualTo("country: missing");
        assertThat(reason(p.parse((String) null, "{" + ok + ",\"amount\":1,\"pos\":[1,2],\"country\":7,\"shop\":1,"
                + "\"device\":\"a\"}", 0L))).isEqualTo("country: expected a string, got a number 7");
        assertThat(reason(p.parse((String) null, "{" + ok + ",\"amount\":1,\"pos\":[1,2],\"country\":\"x\","
                + "\"shop\":1.5,\"device\":\"a\"}", 0L))).isEqualTo("shop: expected an integer, got a number 1.5");
        assertThat(reason(p.parse((String) null, "{" + ok + ",\"amount\":1,\"pos\":[1],\"country\":\"x\","
                + "\"shop\":1,\"device\":\"a\"}", 0L))).isEqualTo("pos: expected 2 numbers, got 1");
        assertThat(reason(p.parse((String) null, "{" + ok + ",\"amount\":1e300,\"pos\":[1,2],\"country\":\"x\","
                + "\"shop\":1,\"device\":\"a\"}", 0L))).isEqualTo("amount: not a finite number (1.0E300)");
        assertThat(reason(p.parse((String) null, "{" + ok + ",\"amount\":1,\"pos\":[1,\"z\"],\"country\":\"x\","
                + "\"shop\":1,\"device\":\"a\"}", 0L))).isEqualTo("pos[1]: expected a number, got 'z'");
    }

    @Test
    void defaultsFillMissingValuesButNeverWrongTypes() {
        ExampleParser p = parser("input.defaults={device: unknown, pos: 0.5, shop: -1}");
        ParseResult r = p.parse((String) null, "{\"k\":\"eu\",\"amount\":1,\"country\":\"x\",\"device\":null,"
                + "\"y\":0}", 0L);
        assertThat(r.isOk()).as("%s", r).isTrue();
        assertThat(r.example.featureValues.numbers).containsExactly(1.0, 0.5, 0.5);
        assertThat(r.example.featureValues.strings).containsExactly("x", "unknown");
        assertThat(r.example.featureValues.integers).containsExactly(-1L);
        assertThat(reason(p.parse((String) null, "{\"k\":\"eu\",\"amount\":1,\"country\":\"x\",\"device\":true,"
                + "\"y\":0}", 0L))).isEqualTo("device: expected a string, got a boolean");
    }

    @Test
    void csvColumnsInFeatureOrder() {
        ExampleParser p = parser("input.format=csv", "input.json=null", "input.key.column=0",
                "input.csv={features: [1, 2, 3, 4, 5, 6], label: 7}", "input.defaults={device: none}");
        ParseResult r = p.parse((String) null, "eu,2.5,1,2,DE,12345678901234567,,1", 0L);
        assertThat(r.isOk()).as("%s", r).isTrue();
        assertThat(r.example.featureValues.numbers).containsExactly(2.5, 1.0, 2.0);
        assertThat(r.example.featureValues.strings).containsExactly("DE", "none");
        assertThat(r.example.featureValues.integers).containsExactly(12345678901234567L);
        assertThat(reason(p.parse((String) null, "eu,2.5,1,2,,5,ios,1", 0L))).isEqualTo("country: missing");
        assertThat(reason(p.parse((String) null, "eu,2.5,1,2,DE,5.5,ios,1", 0L)))
                .isEqualTo("shop: expected an integer, got '5.5'");
    }

    @Test
    void theInputSectionIsCheckedAgainstTheFeatures() {
        assertThatThrownBy(() -> parser("input.defaults={nope: 1}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("input.defaults.nope").hasMessageContaining("not a feature");
        assertThatThrownBy(() -> parser("input.defaults={shop: abc}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("input.defaults.shop").hasMessageContaining("64-bit integer");
        assertThatThrownBy(() -> parser("input.json={features: x, label: y}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("input.json.features");
        assertThatThrownBy(() -> parser("input.format=csv", "input.json=null", "input.key.column=0",
                "input.csv={features: [1, 2, 3], label: 7}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("input.csv.features").hasMessageContaining("take 6");
    }
}
