package io.streamgrad.jobs.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.JobConfigTest;
import io.streamgrad.operators.Example;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExampleParserTest {
    private static ExampleParser parser(String... overrides) {
        JobConfig c = JobConfig.parse(JobConfigTest.BASE, List.of(overrides));
        return new ExampleParser(c.input(), c.model());
    }

    private static String reason(ParseResult r) {
        assertThat(r.isOk()).as("expected a dead letter, got %s", r).isFalse();
        assertThat(r.deadLetter.stage).isEqualTo("parse");
        return r.deadLetter.reason;
    }

    @Test
    void jsonWithFeatureArrayClassIndexAndEventTime() {
        ParseResult r = parser().parse((String) null, "{\"model\":\"eu\",\"x\":[1,2.5,\"3\"],\"y\":2,\"ts\":1700000000000}", 5L);
        assertThat(r.isOk()).isTrue();
        Example e = r.example;
        assertThat(e.modelKey).isEqualTo("eu");
        assertThat(e.features).containsExactly(1f, 2.5f, 3f);
        assertThat(e.target).containsExactly(0f, 0f, 1f);
        assertThat(e.eventTime).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void jsonOneHotNamedFieldsIsoTimeAndRecordKey() {
        ExampleParser p = parser("input.json={featureFields: [a, b, c], label: y, eventTime: t}", "input.key.from=recordKey");
        ParseResult r = p.parse("k1", "{\"a\":1,\"b\":2,\"c\":3,\"y\":[0,1,0],\"t\":\"2024-01-01T00:00:00Z\"}", 0L);
        assertThat(r.example.modelKey).isEqualTo("k1");
        assertThat(r.example.features).containsExactly(1f, 2f, 3f);
        assertThat(r.example.target).containsExactly(0f, 1f, 0f);
        assertThat(r.example.eventTime).isEqualTo(1_704_067_200_000L);
        assertThat(reason(p.parse((String) null, "{\"a\":1,\"b\":2,\"c\":3,\"y\":1}", 0L))).contains("no key");
    }

    @Test
    void classNames() {
        ExampleParser p = parser("input.label.classes=[cat, dog, fish]");
        assertThat(p.parse((String) null, "{\"model\":\"m\",\"x\":[1,2,3],\"y\":\"fish\"}", 0L).example.target)
                .containsExactly(0f, 0f, 1f);
        assertThat(reason(p.parse((String) null, "{\"model\":\"m\",\"x\":[1,2,3],\"y\":\"cow\"}", 0L)))
                .contains("unknown class 'cow'");
    }

    @Test
    void badJsonRecordsBecomeDeadLettersWithReasons() {
        ExampleParser p = parser();
        assertThat(reason(p.parse((String) null, "{not json", 0L))).startsWith("not valid JSON");
        assertThat(reason(p.parse((String) null, "[1,2]", 0L))).contains("expected a JSON object");
        assertThat(reason(p.parse((String) null, "{\"x\":[1,2,3],\"y\":0}", 0L))).contains("model key");
        assertThat(reason(p.parse((String) null, "{\"model\":\"m\",\"x\":[1,2],\"y\":0}", 0L)))
                .isEqualTo("x: expected 3 values, got 2");
        assertThat(reason(p.parse((String) null, "{\"model\":\"m\",\"x\":[1,\"a\",3],\"y\":0}", 0L))).startsWith("x[1]: expected a number");
        assertThat(reason(p.parse((String) null, "{\"model\":\"m\",\"x\":[1,2,3]}", 0L))).contains("missing label");
        assertThat(reason(p.parse((String) null, "{\"model\":\"m\",\"x\":[1,2,3],\"y\":3}", 0L))).contains("class index must be");
        assertThat(reason(p.parse((String) null, "{\"model\":\"m\",\"x\":[1,2,3],\"y\":1.5}", 0L))).contains("class index must be");
        assertThat(reason(p.parse((String) null, "{\"model\":\"m\",\"x\":[1,2,3],\"y\":[0,1,1]}", 0L))).contains("exactly one 1");
        assertThat(reason(p.parse((String) null, "{\"model\":\"m\",\"x\":[1,2,3],\"y\":[0,1]}", 0L))).contains("expected 3 values");
        assertThat(reason(p.parse((String) null, "{\"model\":\"m\",\"x\":[1,1e999,3],\"y\":0}", 0L))).contains("finite");
        assertThat(reason(p.parse((String) null, "{\"model\":\"m\",\"x\":[1,2,3],\"y\":0,\"ts\":\"soon\"}", 0L))).contains("event time");
        ParseResult nul = p.parse((byte[]) null, null, 0L);
        assertThat(reason(nul)).contains("null value");
    }

    @Test
    void deadLetterKeepsRawRecordTruncated() {
        ExampleParser p = parser("input.maxRecordChars=20");
        String raw = "{\"model\":\"m\",\"x\":[1,2],\"y\":0,\"padding\":\"" + "z".repeat(100) + "\"}";
        ParseResult r = p.parse((String) null, raw, 0L);
        assertThat(r.deadLetter.record).isEqualTo(raw.substring(0, 20));
        assertThat(r.deadLetter.rawLength).isEqualTo(raw.length());
        assertThat(r.deadLetter.modelKey).isEqualTo("m");
    }

    @Test
    void nothingFromARecordMakesADeadLetterLarge() {
        String huge = "K".repeat(2 << 20);
        // an oversized model key (JSON field, CSV column, Kafka record key) is rejected and not repeated
        ParseResult j = parser().parse((String) null, "{\"model\":\"" + huge + "\",\"x\":[1,2,3],\"y\":0}", 0L);
        assertThat(reason(j)).startsWith("model key: " + huge.length() + " characters, longer than the maximum of "
                + ExampleParser.MAX_KEY_CHARS);
        assertThat(j.deadLetter.modelKey).isNull();
        assertThat(reason(csv().parse((String) null, huge, 0L))).startsWith("model key: ");
        ParseResult rk = parser("input.key.from=recordKey").parse(huge, "{\"x\":[1,2],\"y\":0}", 0L);
        assertThat(rk.deadLetter.modelKey).isNull();
        assertThat(parser().parse((String) null, "{\"model\":\"" + "k".repeat(ExampleParser.MAX_KEY_CHARS)
                + "\",\"x\":[1,2,3],\"y\":0}", 0L).isOk()).isTrue();
        // values quoted in reasons are abbreviated; reasons are capped
        ParseResult obj = parser().parse((String) null, "{\"model\":\"m\",\"x\":[{\"p\":\"" + huge + "\"},2,3],\"y\":0}", 0L);
        assertThat(reason(obj)).isEqualTo("x[0]: expected a number, got an object");
        ParseResult cls = csv().parse((String) null, "m,1,2,3," + "9".repeat(100_000), 0L);
        assertThat(reason(cls).length()).isLessThanOrEqualTo(ExampleParser.MAX_REASON_CHARS);
        for (ParseResult r : List.of(j, rk, obj, cls)) {
            assertThat(r.deadLetter.reason.length()).isLessThanOrEqualTo(ExampleParser.MAX_REASON_CHARS);
            assertThat(r.deadLetter.record.length()).isLessThanOrEqualTo(10_000);
        }
    }

    private static ExampleParser csv(String... extra) {
        String[] base = {"input.format=csv", "input.json=null", "input.key={from: field, column: 0}",
                "input.csv={features: \"1-3\", label: 4, eventTime: 5}"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return parser(all);
    }

    @Test
    void csvLines() {
        ExampleParser p = csv();
        ParseResult r = p.parse((String) null, "us, 0.5,-1,2e1, 1, 1000\n", 0L);
        assertThat(r.example.modelKey).isEqualTo("us");
        assertThat(r.example.features).containsExactly(0.5f, -1f, 20f);
        assertThat(r.example.target).containsExactly(0f, 1f, 0f);
        assertThat(r.example.eventTime).isEqualTo(1000L);
        assertThat(p.parse((String) null, "\"a,b\",1,2,3,0,", 0L).example.modelKey).isEqualTo("a,b");
        assertThat(reason(p.parse((String) null, "us,1,2", 0L))).startsWith("column 3: missing");
        assertThat(reason(p.parse((String) null, "us,1,x,3,0", 0L))).startsWith("column 2: expected a number, got 'x'");
        assertThat(reason(p.parse((String) null, "  ", 0L))).isEqualTo("empty line");
        assertThat(reason(p.parse((String) null, ",1,2,3,0", 0L))).contains("model key");
    }

    @Test
    void csvOneHotColumnsAndRegression() {
        ExampleParser oneHot = csv("input.csv={features: [1, 2, 3], label: \"4-6\"}");
        assertThat(oneHot.parse((String) null, "k,1,2,3,0,0,1", 0L).example.target).containsExactly(0f, 0f, 1f);
        ExampleParser reg = parser("model.layers[1]={type: dense, units: 1}", "model.loss=meanSquaredError");
        assertThat(reg.parse((String) null, "{\"model\":\"m\",\"x\":[1,2,3],\"y\":-7.25}", 0L).example.target)
                .containsExactly(-7.25f);
        ExampleParser bin = parser("model.layers[1]={type: dense, units: 1, activation: sigmoid}", "model.loss=binaryCrossentropy");
        assertThat(bin.parse((String) null, "{\"model\":\"m\",\"x\":[1,2,3],\"y\":1}", 0L).example.target).containsExactly(1f);
        assertThat(reason(bin.parse((String) null, "{\"model\":\"m\",\"x\":[1,2,3],\"y\":2}", 0L))).contains("[0, 1]");
    }
}
