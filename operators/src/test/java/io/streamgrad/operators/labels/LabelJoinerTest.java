package io.streamgrad.operators.labels;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.operators.Example;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pairing rules without Flink: entries and timers as the shell would keep them. */
class LabelJoinerTest {
    private static final LabelJoinConfig CONFIG = LabelJoinConfig.builder().horizon(Duration.ofMillis(100))
            .labelWait(Duration.ofMillis(20)).defaultLabel(-1f).build();

    /** Records what the joiner reports. */
    private static final class Recorder implements LabelJoiner.Output {
        final List<String> log = new ArrayList<>();
        final List<Example> examples = new ArrayList<>();

        @Override
        public void joined(Example e, long pairTime) {
            examples.add(e);
            log.add("joined " + e.raw + " y=" + e.target[0]);
        }

        @Override
        public void defaulted(Example e) {
            log.add("defaulted " + e.raw + " y=" + e.target[0]);
        }

        @Override
        public void unmatched(ScoredEvent e) {
            log.add("unmatched " + e.eventId);
        }

        @Override
        public void rejected(LabelJoiner.Rejection why, String modelKey, String reason, String record) {
            log.add(why + " " + modelKey);
        }
    }

    private final LabelJoiner joiner = new LabelJoiner(CONFIG);
    private final Recorder out = new Recorder();

    @Test
    void rawFeatureValuesAsScoredBecomeTheExample() {
        Recorder keep = new Recorder();
        List<Example> joined = keep.examples;
        ScoredEvent e = new ScoredEvent("r", "m", null, 10);
        e.featureValues = new io.streamgrad.operators.FeatureValues(new double[] {2.5}, new String[] {"DE"},
                new long[] {7});
        PendingJoin p = joiner.onEvent(null, e, 0, keep);
        joiner.onLabel(p, new LabelRecord("r", new float[] {1}, 20), 0, keep);
        assertThat(joined).singleElement().satisfies(x -> {
            assertThat(x.features).isNull();
            assertThat(x.featureValues.strings).containsExactly("DE");
            assertThat(x.featureValues.integers).containsExactly(7L);
            assertThat(x.target).containsExactly(1f);
        });
        assertThat(LabelJoinRecords.eventProblem(e, 10)).isNull();
    }

    @Test
    void entriesAndTimersFollowTheRules() {
        PendingJoin p = joiner.onEvent(null, new ScoredEvent("x", "m", new float[] {1}, 10), 0, out);
        assertThat(p.timer).isEqualTo(110);
        assertThat(p.event.features).containsExactly(1f);

        p = joiner.onLabel(p, new LabelRecord("x", new float[] {5}, 110), 0, out); // exactly at the horizon: joins
        assertThat(p.joined).isTrue();
        assertThat(p.event).isNull();
        assertThat(p.timer).isEqualTo(110);

        p = joiner.onLabel(p, new LabelRecord("x", new float[] {6}, 50), 0, out);
        assertThat(joiner.onTimer(p, 109, out)).isSameAs(p); // not its timer
        assertThat(joiner.onTimer(p, 110, out)).isNull();
        assertThat(out.log).containsExactly("joined x y=5.0", "DUPLICATE_LABEL m");
    }

    @Test
    void labelFirstWaitsLabelWaitThenTheEventMovesTheTimerToItsHorizon() {
        PendingJoin p = joiner.onLabel(null, new LabelRecord("y", new float[] {2}, ScoredEvent.NO_TIMESTAMP), 40, out);
        assertThat(p.labelTime).isEqualTo(40);
        assertThat(p.timer).isEqualTo(60);
        p = joiner.onEvent(p, new ScoredEvent("y", "m", new float[] {1}, 30), 0, out);
        assertThat(p.joined).isTrue();
        assertThat(p.timer).isEqualTo(130);
        assertThat(out.log).containsExactly("joined y y=2.0");
    }

    @Test
    void expiryDefaultsAnEventAndDeadLettersALoneLabel() {
        PendingJoin e = joiner.onEvent(null, new ScoredEvent("z", "m", new float[] {1}, 0), 0, out);
        assertThat(joiner.onTimer(e, 100, out)).isNull();
        PendingJoin l = joiner.onLabel(null, new LabelRecord("w", new float[] {1}, 0), 0, out);
        assertThat(joiner.onTimer(l, 20, out)).isNull();
        assertThat(joiner.onTimer(null, 20, out)).isNull();
        assertThat(out.log).containsExactly("defaulted z y=-1.0", "LATE_LABEL null");
    }

    @Test
    void horizonNearTheEndOfTimeSaturates() {
        PendingJoin p = joiner.onEvent(null, new ScoredEvent("t", "m", new float[] {1}, Long.MAX_VALUE - 5), 0, out);
        assertThat(p.timer).isEqualTo(Long.MAX_VALUE);
    }
}
