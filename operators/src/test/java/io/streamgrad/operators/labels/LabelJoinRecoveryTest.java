package io.streamgrad.operators.labels;

import static io.streamgrad.operators.labels.LabelJoinTestSupport.harness;
import static io.streamgrad.operators.labels.LabelJoinTestSupport.renderDeadLetters;
import static io.streamgrad.operators.labels.LabelJoinTestSupport.renderExamples;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.operators.Example;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A mixed, out-of-order workload (labels before and after their events, late, duplicate and
 * missing labels): interrupted by snapshots and restores it gives bit for bit the output of an
 * uninterrupted run, and leaves no state or timer behind once the watermark passes every horizon.
 */
class LabelJoinRecoveryTest {
    private static final long H = 1_000;
    private static final LabelJoinConfig CONFIG = LabelJoinConfig.builder().horizon(Duration.ofMillis(H))
            .labelWait(Duration.ofMillis(300)).defaultLabel(0f, 1f).build();
    private static final int[] CUTS = {157, 400, 401, 777};

    /** One input: an event, a label or a watermark, in arrival order. */
    private record Step(long arrival, ScoredEvent event, LabelRecord label, long watermark) {}

    private static List<Step> workload(long seed, int ids) {
        Random r = new Random(seed);
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < ids; i++) {
            String id = "e" + i;
            long t = i * 20L + r.nextInt(50);
            float[] x = {(float) r.nextGaussian(), (float) r.nextGaussian(), Float.intBitsToFloat(r.nextInt(1 << 23))};
            steps.add(new Step(t + r.nextInt(30), new ScoredEvent(id, "m" + (i % 3), x, t), null, 0));
            double p = r.nextDouble();
            if (p < 0.75) { // labelled, sometimes past the horizon, sometimes arriving first
                long lt = t + (long) (r.nextDouble() * H * 1.2);
                long arrival = p < 0.1 ? t - 10 : lt + r.nextInt(100);
                steps.add(new Step(arrival, null, new LabelRecord(id, new float[] {1f, 0f}, lt), 0));
                if (p < 0.2) { // a duplicate
                    steps.add(new Step(arrival + r.nextInt(500), null,
                            new LabelRecord(id, new float[] {0.5f, 0.5f}, lt + 1), 0));
                }
            }
        }
        steps.sort(Comparator.comparingLong(Step::arrival));
        List<Step> withWatermarks = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            withWatermarks.add(steps.get(i));
            if (i % 10 == 9) {
                withWatermarks.add(new Step(0, null, null, steps.get(i).arrival() - 150));
            }
        }
        withWatermarks.add(new Step(0, null, null, Long.MAX_VALUE));
        return withWatermarks;
    }

    private static void play(KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, LabelRecord, Example> h,
                             List<Step> steps) throws Exception {
        play(h, steps, 1, 0);
    }

    /** Plays the steps of the ids that subtask {@code subtask} of {@code parallelism} owns (and every watermark). */
    private static void play(KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, LabelRecord, Example> h,
                             List<Step> steps, int parallelism, int subtask) throws Exception {
        for (Step s : steps) {
            String id = s.event() != null ? s.event().eventId : s.label() != null ? s.label().eventId : null;
            if (id != null && KeyGroupRangeAssignment.assignKeyToParallelOperator(
                    id, LabelJoinTestSupport.MAX_PARALLELISM, parallelism) != subtask) {
                continue;
            }
            if (s.event() != null) {
                h.processElement1(s.event(), s.event().eventTime);
            } else if (s.label() != null) {
                h.processElement2(s.label(), s.label().eventTime);
            } else {
                h.processBothWatermarks(new Watermark(s.watermark()));
            }
        }
    }

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void snapshotAndRestoreMidwayGivesTheUninterruptedOutput(String backendName) throws Exception {
        List<Step> steps = workload(42, 500);
        assertThat(steps.size()).isGreaterThan(CUTS[CUTS.length - 1] + 100);
        List<String> expectedExamples;
        List<String> expectedDead;
        LabelJoinMetrics m;
        try (var h = harness(CONFIG, backend(backendName))) {
            h.open();
            play(h, steps);
            expectedExamples = renderExamples(h);
            expectedDead = renderDeadLetters(h);
            m = LabelJoinTestSupport.metrics(h);
            assertThat(LabelJoinTestSupport.stateEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
        // the workload exercises every path
        assertThat(m.joined()).isPositive();
        assertThat(m.defaulted()).isPositive();
        assertThat(m.lateLabels()).isPositive();
        assertThat(m.duplicateLabels()).isPositive();
        assertThat(expectedExamples).hasSize((int) (m.joined() + m.defaulted()));

        List<String> actualExamples = new ArrayList<>();
        List<String> actualDead = new ArrayList<>();
        OperatorSubtaskState carried = null;
        int from = 0;
        for (int phase = 0; phase <= CUTS.length; phase++) {
            int to = phase < CUTS.length ? Math.min(CUTS[phase], steps.size()) : steps.size();
            try (var h = harness(CONFIG, backend(backendName))) {
                if (carried == null) {
                    h.initializeEmptyState();
                } else {
                    h.initializeState(carried);
                }
                h.open();
                play(h, steps.subList(from, to));
                if (to < steps.size()) {
                    assertThat(LabelJoinTestSupport.stateEntries(h)).as("pending ids at the cut").isPositive();
                }
                carried = h.snapshot(phase, phase);
                actualExamples.addAll(renderExamples(h));
                actualDead.addAll(renderDeadLetters(h));
                if (to == steps.size()) {
                    assertThat(LabelJoinTestSupport.stateEntries(h)).isZero();
                    assertThat(h.numEventTimeTimers()).isZero();
                }
            }
            from = to;
        }
        assertThat(actualExamples).containsExactlyElementsOf(expectedExamples);
        assertThat(actualDead).containsExactlyElementsOf(expectedDead);
    }

    @Test
    void restoreWithAnotherParallelismGivesTheSameRecords() throws Exception {
        List<Step> steps = workload(5, 200);
        int cut = steps.size() / 2;
        List<String> expected = new ArrayList<>();
        try (var h = harness(CONFIG)) {
            h.open();
            play(h, steps);
            expected.addAll(renderExamples(h));
            expected.addAll(renderDeadLetters(h));
        }
        List<String> actual = new ArrayList<>();
        OperatorSubtaskState carried;
        try (var h = harness(CONFIG)) {
            h.open();
            play(h, steps.subList(0, cut));
            carried = h.snapshot(1, 1);
            actual.addAll(renderExamples(h));
            actual.addAll(renderDeadLetters(h));
        }
        int parallelism = 2;
        for (int i = 0; i < parallelism; i++) {
            try (var h = harness(CONFIG, parallelism, i)) {
                h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
                        carried, LabelJoinTestSupport.MAX_PARALLELISM, 1, parallelism, i));
                h.open();
                play(h, steps.subList(cut, steps.size()), parallelism, i);
                actual.addAll(renderExamples(h));
                actual.addAll(renderDeadLetters(h));
                assertThat(LabelJoinTestSupport.stateEntries(h)).isZero();
            }
        }
        // each subtask keeps its ids' order; across subtasks only the set is defined
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void stateIsEmptyOnceTheWatermarkPassesEveryHorizon() throws Exception {
        List<Step> steps = workload(7, 80);
        long lastTime = steps.stream().filter(s -> s.event() != null || s.label() != null)
                .mapToLong(s -> s.event() != null ? s.event().eventTime : s.label().eventTime).max().orElseThrow();
        try (var h = harness(CONFIG)) {
            h.open();
            play(h, steps.subList(0, steps.size() - 1)); // all but the final watermark
            assertThat(LabelJoinTestSupport.stateEntries(h)).isPositive();
            h.processBothWatermarks(new Watermark(lastTime + H));
            assertThat(LabelJoinTestSupport.stateEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void stateAndRecordTypesUseFlinksPojoSerializerWithoutKryo() {
        SerializerConfigImpl noGenerics = new SerializerConfigImpl();
        noGenerics.setGenericTypes(false);
        for (Class<?> c : List.of(PendingJoin.class, ScoredEvent.class, LabelRecord.class, Example.class)) {
            TypeInformation<?> ti = TypeInformation.of(c);
            assertThat(ti).as(c.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            assertThat(ti.createSerializer(noGenerics)).isNotNull(); // throws if anything would fall back to Kryo
        }
    }
}
