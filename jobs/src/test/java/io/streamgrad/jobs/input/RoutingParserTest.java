package io.streamgrad.jobs.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.jobs.config.JobConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Routing by model key before parsing: each record is checked against the model that claims its key. */
class RoutingParserTest {
    static final String JOB = """
            kafka: {bootstrapServers: localhost:9092}
            topics: {input: shared}
            input:
              format: json
              key: {from: field, field: k}
              json: {features: x, label: y}
            models:
              - name: reg
                keys: [house]
                keyPatterns: ['house-.*']
                model: {inputDim: 4, layers: [{type: dense, units: 1}], loss: meanSquaredError}
                optimizer: {type: sgd, learningRate: 0.01}
              - name: cls
                keyPatterns: ['.*-cls', 'house-special']
                model: {inputDim: 2, layers: [{type: dense, units: 3, activation: softmax}], loss: categoricalCrossentropy}
                optimizer: {type: sgd, learningRate: 0.01}
                input: {label: {encoding: index}}
            """;

    static RoutingParser parser(String... overrides) {
        return new RoutingParser(JobConfig.parse(JOB, List.of(overrides)));
    }

    @Test
    void eachKeyIsParsedWithTheDimensionsOfItsModel() {
        RoutingParser p = parser();
        ParseResult reg = p.parse(null, "{\"k\":\"house\",\"x\":[1,2,3,4],\"y\":5}", 0L);
        assertThat(reg.example.features).containsExactly(1f, 2f, 3f, 4f);
        assertThat(reg.example.target).containsExactly(5f);
        ParseResult cls = p.parse(null, "{\"k\":\"a-cls\",\"x\":[1,2],\"y\":2}", 0L);
        assertThat(cls.example.modelKey).isEqualTo("a-cls");
        assertThat(cls.example.target).containsExactly(0f, 0f, 1f);
        // the dimensions of the model that claims the key, not of another model
        assertThat(p.parse(null, "{\"k\":\"a-cls\",\"x\":[1,2,3,4],\"y\":1}", 0L).deadLetter.reason)
                .isEqualTo("x: expected 2 values, got 4");
    }

    @Test
    void theFirstModelThatClaimsAKeyWins() {
        // house-special matches reg's 'house-.*' (declared first) and cls's exact pattern
        ParseResult r = parser().parse(null, "{\"k\":\"house-special\",\"x\":[1,2,3,4],\"y\":1}", 0L);
        assertThat(r.isOk()).as("%s", r).isTrue();
        assertThat(r.example.features).hasSize(4);
    }

    @Test
    void unclaimedKeysAreSkippedOrDeadLettered() {
        String record = "{\"k\":\"flat\",\"x\":[1],\"y\":1}";
        ParseResult skipped = parser().parse(null, record, 0L);
        assertThat(skipped.unclaimed).isTrue();
        assertThat(skipped.example).isNull();
        assertThat(skipped.deadLetter).isNull();
        ParseResult dead = parser("unclaimedKeys=deadLetter").parse(null, record, 0L);
        assertThat(dead.deadLetter.reason).isEqualTo("model key 'flat': no model claims it");
        assertThat(dead.deadLetter.modelKey).isEqualTo("flat");
        assertThat(dead.deadLetter.stage).isEqualTo("parse");
        assertThat(dead.deadLetter.record).isEqualTo(record);
    }

    @Test
    void aRecordWithoutAReadableKeyGetsTheParsersReason() {
        RoutingParser p = parser();
        assertThat(p.parse(null, "{broken", 0L).deadLetter.reason).startsWith("not valid JSON");
        assertThat(p.parse(null, "{\"x\":[1,2],\"y\":1}", 0L).deadLetter.reason).isEqualTo("model key: field 'k' is missing");
        assertThat(p.parse(null, (String) null, 0L).deadLetter.reason).isEqualTo("empty record (null value)");
    }

    @Test
    void csvAndRecordKeysAreRoutedToo() {
        RoutingParser csv = parser("input.format=csv", "input.json=null", "input.key={from: field, column: 0}",
                "input.csv={features: \"1-4\", label: 5}", "models[1].input={csv: {features: \"1-2\", label: 3}}");
        assertThat(csv.parse(null, "house,1,2,3,4,9", 0L).example.features).containsExactly(1f, 2f, 3f, 4f);
        assertThat(csv.parse(null, "b-cls,1,2,0", 0L).example.target).containsExactly(1f, 0f, 0f);
        assertThat(csv.parse(null, "other,1,2,0", 0L).unclaimed).isTrue();
        RoutingParser byRecordKey = parser("input.key={from: recordKey}");
        assertThat(byRecordKey.parse("x-cls", "{\"x\":[1,2],\"y\":0}", 0L).example.modelKey).isEqualTo("x-cls");
        assertThat(byRecordKey.parse(null, "{\"x\":[1,2],\"y\":0}", 0L).deadLetter.reason)
                .isEqualTo("model key: the Kafka record has no key");
    }
}
