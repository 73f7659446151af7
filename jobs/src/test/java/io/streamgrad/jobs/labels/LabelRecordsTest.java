package io.streamgrad.jobs.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.JobConfigTest;
import io.streamgrad.jobs.config.LabelTargets;
import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.jobs.input.ParseResult;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.operators.labels.LabelRecord;
import io.streamgrad.operators.labels.ScoredEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading label records and event ids, and encoding a joined label for its model. */
class LabelRecordsTest {
    static final JobConfig CFG = JobConfig.parse(JobConfigTest.BASE, List.of("training.predictions=unlabelled",
            "labels.topic=l", "labels.horizonMs=1000", "labels.eventTimeField=at", "input.label.classes=[a, b, c]"));

    private static LabelDeserializer labels() {
        return new LabelDeserializer(CFG.labels(), CFG.input().classes(), 100);
    }

    @Test
    void labelRecords() {
        LabelRecord l = labels().parse("{\"id\": \"e1\", \"label\": 2, \"at\": 1700000000000}");
        assertThat(l.eventId).isEqualTo("e1");
        assertThat(l.target).containsExactly(2f);
        assertThat(l.classIndex).isEqualTo(LabelRecord.NO_CLASS);
        assertThat(l.eventTime).isEqualTo(1_700_000_000_000L);
        assertThat(labels().parse("{\"id\": 7, \"label\": \"b\", \"at\": \"2023-11-14T22:13:20Z\"}"))
                .satisfies(r -> {
                    assertThat(r.eventId).isEqualTo("7");
                    assertThat(r.target).containsExactly(1f);
                    assertThat(r.eventTime).isEqualTo(1_700_000_000_000L);
                });
        assertThat(labels().parse("{\"id\": \"e\", \"label\": [0, \"1\", 0], \"at\": \"5\"}").target)
                .containsExactly(0f, 1f, 0f);
        LabelDeserializer noTime = new LabelDeserializer(JobConfig.parse(JobConfigTest.BASE, List.of(
                "training.predictions=unlabelled", "labels.topic=l", "labels.horizonMs=1000")).labels(), List.of(), 100);
        assertThat(noTime.parse("{\"id\": \"e\", \"label\": 0.25}").eventTime).isEqualTo(ScoredEvent.NO_TIMESTAMP);
    }

    @Test
    void unreadableLabelRecordsNameTheField() {
        assertThatThrownBy(() -> labels().parse("nope")).hasMessage("label record is not valid JSON");
        assertThatThrownBy(() -> labels().parse("[1]")).hasMessage("label record: expected a JSON object");
        assertThatThrownBy(() -> labels().parse("{\"label\": 1, \"at\": 1}")).hasMessage("id: missing event id");
        assertThatThrownBy(() -> labels().parse("{\"id\": \"e\", \"at\": 1}")).hasMessage("label: missing label");
        assertThatThrownBy(() -> labels().parse("{\"id\": \"e\", \"label\": \"z\", \"at\": 1}"))
                .hasMessage("label: expected a number or one of [a, b, c], got 'z'");
        assertThatThrownBy(() -> labels().parse("{\"id\": \"e\", \"label\": {}, \"at\": 1}"))
                .hasMessage("label: expected a number, a class name or an array");
        assertThatThrownBy(() -> labels().parse("{\"id\": \"e\", \"label\": 1}")).hasMessage("at: missing event time");
        assertThatThrownBy(() -> labels().parse("{\"id\": \"e\", \"label\": 1, \"at\": \"soon\"}"))
                .hasMessage("at: expected epoch milliseconds or an ISO-8601 instant, got 'soon'");
    }

    @Test
    void eventIdsComeFromTheConfiguredField() {
        EventIdParser p = new EventIdParser(new ExampleParser(CFG.input(), CFG.model(), true), CFG.input(), CFG.labels());
        ParseResult r = p.parse(null, "{\"model\": \"m\", \"id\": \"imp-1\", \"x\": [1, 2, 3], \"ts\": 5}"
                .getBytes(StandardCharsets.UTF_8), 0L);
        assertThat(r.example.eventId).isEqualTo("imp-1");
        assertThat(r.example.target).isNull();
        ParseResult noId = p.parse(null, "{\"model\": \"m\", \"x\": [1, 2, 3], \"y\": 1}"
                .getBytes(StandardCharsets.UTF_8), 0L);
        assertThat(noId.example.eventId).isNull();
        assertThat(noId.example.target).containsExactly(0f, 1f, 0f);
        assertThat(p.parse(null, "{\"model\": \"m\"}".getBytes(StandardCharsets.UTF_8), 0L).isOk()).isFalse();
    }

    @Test
    void labelsAreEncodedForTheModelThatTrainsTheKey() {
        LabelTargets categorical = new LabelTargets(CFG.model());
        assertThat(categorical.encode(new float[] {2})).containsExactly(0f, 0f, 1f);
        assertThat(categorical.encode(new float[] {0, 1, 0})).containsExactly(0f, 1f, 0f);
        assertThatThrownBy(() -> categorical.encode(new float[] {1, 1}))
                .hasMessage("label: expected a class index or 3 values (the model's outputs), got 2");
        LabelTargets binary = new LabelTargets(SpecParser.model(SpecParser.readTree(
                "{\"inputDim\": 2, \"layers\": [{\"type\": \"dense\", \"units\": 1, \"activation\": \"sigmoid\"}],"
                        + " \"loss\": \"binaryCrossentropy\"}")));
        assertThat(binary.encode(new float[] {1})).containsExactly(1f);
        assertThatThrownBy(() -> binary.encode(new float[] {2}))
                .hasMessage("label: a binary label must be in [0, 1], got 2.0");
    }
}
