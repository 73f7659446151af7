package io.streamgrad.operators.labels;

import static io.streamgrad.operators.labels.LabelJoinTestSupport.deadLetters;
import static io.streamgrad.operators.labels.LabelJoinTestSupport.event;
import static io.streamgrad.operators.labels.LabelJoinTestSupport.examples;
import static io.streamgrad.operators.labels.LabelJoinTestSupport.harness;
import static io.streamgrad.operators.labels.LabelJoinTestSupport.label;
import static io.streamgrad.operators.labels.LabelJoinTestSupport.metrics;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The pairing rules, one at a time, through Flink's keyed two-input harness. */
class LabelJoinOperatorTest {
    private static final long H = 1_000; // horizon, ms of event time

    private static LabelJoinConfig plain() {
        return LabelJoinConfig.builder().horizon(Duration.ofMillis(H)).build();
    }

    private static LabelJoinConfig withDefault() {
        return LabelJoinConfig.builder().horizon(Duration.ofMillis(H)).defaultLabel(0f).build();
    }

    private static void watermark(KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, LabelRecord, Example> h,
                                  long t) throws Exception {
        h.processBothWatermarks(new Watermark(t));
    }

    @Test
    void eventThenLabelEmitsTheFeaturesAsScored() throws Exception {
        try (var h = harness(plain())) {
            h.open();
            float[] x = {0.1f, Float.MIN_VALUE, -3.5e-20f};
            ScoredEvent e = event("a1", 100, x);
            e.prediction = new float[] {0.9f};
            e.modelVersion = 3;
            h.processElement1(e, 100);
            assertThat(examples(h)).isEmpty();
            h.processElement2(label("a1", 400, 1f), 400);

            List<Example> out = examples(h);
            assertThat(out).hasSize(1);
            Example ex = out.get(0);
            assertThat(ex.modelKey).isEqualTo("model-a");
            assertThat(LabelJoinTestSupport.bits(ex.features)).isEqualTo(LabelJoinTestSupport.bits(x));
            assertThat(ex.target).containsExactly(1f);
            assertThat(ex.eventTime).isEqualTo(100);
            assertThat(ex.raw).isEqualTo("a1");
            assertThat(ex.eventId).isEqualTo("a1");
            assertThat(h.extractOutputStreamRecords().get(0).getTimestamp()).isEqualTo(400);
            assertThat(metrics(h).joined()).isEqualTo(1);
            assertThat(deadLetters(h)).isEmpty();
            // the features are released at the match; a marker remains until the horizon
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            watermark(h, 100 + H);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(examples(h)).hasSize(1);
        }
    }

    @Test
    void labelThenEventJoins() throws Exception {
        try (var h = harness(plain())) {
            h.open();
            h.processElement2(label("b1", 300, 2f, 3f), 300);
            assertThat(examples(h)).isEmpty();
            h.processElement1(event("b1", 250, 7f), 250);
            List<Example> out = examples(h);
            assertThat(out).hasSize(1);
            assertThat(out.get(0).features).containsExactly(7f);
            assertThat(out.get(0).target).containsExactly(2f, 3f);
            assertThat(out.get(0).eventTime).isEqualTo(250);
            // stamped with the pair's time (the later label), as if the event had come first
            assertThat(h.extractOutputStreamRecords().get(0).getTimestamp()).isEqualTo(300);
            assertThat(metrics(h).joined()).isEqualTo(1);
            // one timer only: the label's wait timer was replaced by the event's horizon
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            watermark(h, 250 + H);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void labelThatCameFirstIsLateWhenItsTimeIsPastTheEventsHorizon() throws Exception {
        try (var h = harness(withDefault())) {
            h.open();
            h.processElement2(label("c1", 5_000, 1f), 5_000);
            h.processElement1(event("c1", 100, 7f), 100);
            assertThat(metrics(h).lateLabels()).isEqualTo(1);
            assertThat(deadLetters(h).get(0).reason).contains("after the horizon");
            watermark(h, 100 + H);
            assertThat(examples(h)).singleElement().satisfies(e -> assertThat(e.target).containsExactly(0f));
            assertThat(metrics(h).defaulted()).isEqualTo(1);
        }
    }

    @Test
    void unmatchedEventGetsTheDefaultLabelAtTheHorizon() throws Exception {
        try (var h = harness(withDefault())) {
            h.open();
            h.processElement1(event("d1", 100, 1f, 2f), 100);
            watermark(h, 100 + H - 1);
            assertThat(examples(h)).isEmpty();
            watermark(h, 100 + H);
            List<Example> out = examples(h);
            assertThat(out).hasSize(1);
            assertThat(out.get(0).features).containsExactly(1f, 2f);
            assertThat(out.get(0).target).containsExactly(0f);
            assertThat(h.extractOutputStreamRecords().get(0).getTimestamp()).isEqualTo(100 + H);
            assertThat(metrics(h).defaulted()).isEqualTo(1);
            assertThat(metrics(h).joined()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void unmatchedEventWithoutDefaultIsOnlyCounted() throws Exception {
        try (var h = harness(plain())) {
            h.open();
            h.processElement1(event("e1", 100, 1f), 100);
            watermark(h, 100 + H);
            assertThat(examples(h)).isEmpty();
            assertThat(deadLetters(h)).isEmpty();
            assertThat(metrics(h).unmatchedEvents()).isEqualTo(1);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void labelPastTheHorizonIsDeadLetteredAndTheEventDefaults() throws Exception {
        try (var h = harness(withDefault())) {
            h.open();
            h.processElement1(event("f1", 100, 1f), 100);
            h.processElement2(label("f1", 100 + H + 1, 1f), 100 + H + 1); // arrives before the watermark, but too late
            assertThat(examples(h)).isEmpty();
            List<DeadLetter> dl = deadLetters(h);
            assertThat(dl).hasSize(1);
            assertThat(dl.get(0).stage).isEqualTo(LabelJoin.STAGE);
            assertThat(dl.get(0).modelKey).isEqualTo("model-f");
            assertThat(dl.get(0).reason).isEqualTo("eventTime: label at 1101 is after the horizon of its event (100 + 1000 ms)");
            assertThat(metrics(h).lateLabels()).isEqualTo(1);
            watermark(h, 100 + H);
            assertThat(examples(h)).singleElement().satisfies(e -> assertThat(e.target).containsExactly(0f));
        }
    }

    @Test
    void labelAfterItsEventExpiredIsDeadLetteredAfterLabelWait() throws Exception {
        LabelJoinConfig c = LabelJoinConfig.builder().horizon(Duration.ofMillis(H)).labelWait(Duration.ofMillis(50))
                .defaultLabel(0f).build();
        try (var h = harness(c)) {
            h.open();
            h.processElement1(event("g1", 100, 1f), 100);
            watermark(h, 2_000);
            assertThat(metrics(h).defaulted()).isEqualTo(1);
            h.processElement2(label("g1", 900, 1f), 900); // within the horizon by time, but the event is gone
            assertThat(deadLetters(h)).isEmpty();
            watermark(h, 2_001); // its wait (900 + 50) is already behind the watermark
            List<DeadLetter> dl = deadLetters(h);
            assertThat(dl).hasSize(1);
            assertThat(dl.get(0).reason).startsWith("eventId: no scored event g1 within labelWait (50 ms)");
            assertThat(dl.get(0).record).isEqualTo("LabelRecord{id=g1, t=900, y=[1.0]}");
            assertThat(metrics(h).lateLabels()).isEqualTo(1);
            assertThat(examples(h)).hasSize(1);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void firstLabelWinsAndDuplicatesAreDeadLettered() throws Exception {
        try (var h = harness(plain())) {
            h.open();
            h.processElement1(event("h1", 100, 1f), 100);
            h.processElement2(label("h1", 200, 1f), 200);
            h.processElement2(label("h1", 300, 0f), 300);
            h.processElement2(label("h2", 200, 5f), 200);
            h.processElement2(label("h2", 210, 6f), 210);
            h.processElement1(event("h2", 150, 2f), 150);
            h.processElement1(event("h2", 160, 3f), 160);

            assertThat(examples(h)).extracting(e -> e.target[0]).containsExactly(1f, 5f);
            assertThat(metrics(h).duplicateLabels()).isEqualTo(2);
            assertThat(metrics(h).duplicateEvents()).isEqualTo(1);
            assertThat(deadLetters(h)).extracting(d -> d.reason).containsExactly(
                    "eventId: duplicate label for h1, the first one was joined",
                    "eventId: duplicate label for h2, the first one is kept",
                    "eventId: duplicate scored event h2, the first one is kept");
            assertThat(deadLetters(h).get(0).modelKey).isEqualTo("model-h");
        }
    }

    @Test
    void expiryFollowsTheSlowerInputsWatermark() throws Exception {
        try (var h = harness(withDefault())) {
            h.open();
            h.processElement1(event("i1", 100, 1f), 100);
            h.processWatermark1(new Watermark(5_000)); // the labels are still behind
            assertThat(examples(h)).isEmpty();
            h.processElement2(label("i1", 900, 1f), 900);
            h.processWatermark2(new Watermark(5_000));
            assertThat(examples(h)).singleElement().satisfies(e -> assertThat(e.target).containsExactly(1f));
            assertThat(metrics(h).defaulted()).isZero();
            h.processElement1(event("i2", 6_000, 2f), 6_000);
            h.processWatermark2(new Watermark(8_000));
            assertThat(examples(h)).hasSize(1);
            h.processWatermark1(new Watermark(7_000));
            assertThat(examples(h)).hasSize(2);
            assertThat(metrics(h).defaulted()).isEqualTo(1);
        }
    }

    @Test
    void classIndexLabelsBecomeOneHotTargets() throws Exception {
        LabelJoinConfig c = LabelJoinConfig.builder().horizon(Duration.ofMillis(H)).numClasses(3).build();
        try (var h = harness(c)) {
            h.open();
            h.processElement1(event("j1", 100, 1f), 100);
            h.processElement2(LabelRecord.ofClass("j1", 2, 200), 200);
            h.processElement2(LabelRecord.ofClass("j2", 3, 200), 200);
            assertThat(examples(h)).singleElement().satisfies(e -> assertThat(e.target).containsExactly(0f, 0f, 1f));
            assertThat(deadLetters(h)).extracting(d -> d.reason).containsExactly("classIndex: 3 out of range [0, 3)");
            assertThat(metrics(h).invalidRecords()).isEqualTo(1);
        }
    }

    @Test
    void invalidRecordsAreDeadLetteredWithTheirField() throws Exception {
        try (var h = harness(plain())) {
            h.open();
            h.processElement1(new ScoredEvent(null, "m", new float[] {1}, 100), 100);
            h.processElement1(new ScoredEvent("k1", null, new float[] {1}, 100), 100);
            h.processElement1(new ScoredEvent("k2", "m", null, 100), 100);
            h.processElement1(new StreamRecord<>(new ScoredEvent("k3", "m", new float[] {1}, ScoredEvent.NO_TIMESTAMP)));
            h.processElement2(new LabelRecord("k4", null, 100), 100);
            h.processElement2(LabelRecord.ofClass("k5", 0, 100), 100);
            h.processElement1(new StreamRecord<>(
                    new ScoredEvent("k6", "m", new float[] {1}, ScoredEvent.NO_TIMESTAMP), 100));
            assertThat(deadLetters(h)).extracting(d -> d.reason).containsExactly(
                    "eventId: missing", "modelKey: missing", "features: missing",
                    "eventTime: missing (the horizon is measured in event time)",
                    "target: missing (give a target or a classIndex)",
                    "classIndex: given, but the join has no numClasses configured");
            assertThat(metrics(h).invalidRecords()).isEqualTo(6);
            // k6 had no time field: its record timestamp is used
            h.processElement2(label("k6", 150, 1f), 150);
            assertThat(examples(h)).singleElement().satisfies(e -> assertThat(e.eventTime).isEqualTo(100));
        }
    }

    @Test
    void stateTtlDropsEntriesWhenWatermarksStall() throws Exception {
        LabelJoinConfig c = LabelJoinConfig.builder().horizon(Duration.ofMillis(H)).stateTtl(Duration.ofMillis(H * 2))
                .build();
        try (var h = harness(c)) {
            h.open();
            h.setStateTtlProcessingTime(0);
            h.processElement1(event("l1", 100, 1f), 100);
            h.setStateTtlProcessingTime(H * 2 + 1);
            h.processElement2(label("l1", 200, 1f), 200); // the event is gone: the label now waits for one
            assertThat(examples(h)).isEmpty();
            watermark(h, Long.MAX_VALUE);
            assertThat(metrics(h).unmatchedEvents()).isZero();
            assertThat(metrics(h).lateLabels()).isEqualTo(1);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
