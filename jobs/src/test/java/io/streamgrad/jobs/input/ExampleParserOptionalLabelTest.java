package io.streamgrad.jobs.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.JobConfigTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With an optional label (scoring), a record without label is an event; a bad label is still a reject. */
class ExampleParserOptionalLabelTest {
    private static ExampleParser parser(boolean optional, String... overrides) {
        JobConfig c = JobConfig.parse(JobConfigTest.BASE, List.of(overrides));
        return new ExampleParser(c.input(), c.model(), optional);
    }

    @Test
    void jsonWithoutLabelIsAnEvent() {
        ParseResult r = parser(true).parse((String) null, "{\"model\":\"eu\",\"x\":[1,2,3],\"ts\":7}", 0L);
        assertThat(r.isOk()).isTrue();
        assertThat(r.example.target).isNull();
        assertThat(r.example.features).containsExactly(1f, 2f, 3f);
        assertThat(r.example.eventTime).isEqualTo(7);
        assertThat(parser(true).parse((String) null, "{\"model\":\"eu\",\"x\":[1,2,3],\"y\":null}", 0L).example.target)
                .isNull();
        assertThat(parser(true).parse((String) null, "{\"model\":\"eu\",\"x\":[1,2,3],\"y\":1}", 0L).example.target)
                .containsExactly(0f, 1f, 0f);
        assertThat(parser(true).parse((String) null, "{\"model\":\"eu\",\"x\":[1,2,3],\"y\":7}", 0L).isOk()).isFalse();
        assertThat(parser(false).parse((String) null, "{\"model\":\"eu\",\"x\":[1,2,3]}", 0L).deadLetter.reason)
                .isEqualTo("y: missing label");
    }

    @Test
    void csvWithoutOrWithBlankLabelIsAnEvent() {
        String[] csv = {"input.format=csv", "input.json=null", "input.key={from: field, column: 0}",
                "input.csv={features: \"1-3\", label: 4}"};
        ExampleParser p = parser(true, csv);
        for (String line : List.of("eu,1,2,3", "eu,1,2,3,", "eu,1,2,3, ")) {
            ParseResult r = p.parse((String) null, line, 0L);
            assertThat(r.isOk()).as(line).isTrue();
            assertThat(r.example.target).as(line).isNull();
        }
        assertThat(p.parse((String) null, "eu,1,2,3,2", 0L).example.target).containsExactly(0f, 0f, 1f);
        assertThat(parser(false, csv).parse((String) null, "eu,1,2,3", 0L).isOk()).isFalse();
        assertThat(parser(false, csv).parse((String) null, "eu,1,2,3,", 0L).isOk()).isFalse();
    }
}
