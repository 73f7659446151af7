package io.streamgrad.operators;

import static io.streamgrad.operators.TestSupport.MAX_PARALLELISM;
import static io.streamgrad.operators.TestSupport.harness;
import static io.streamgrad.operators.TestSupport.metrics;
import static io.streamgrad.operators.TestSupport.snapshots;
import static io.streamgrad.operators.TestSupport.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.state.ModelState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoint at several points (with partial mini-batches pending), restore with another
 * parallelism (1 -> 2 -> 3 -> 1), continue, and compare the final model states bit for bit with
 * an uninterrupted run; also the stream of metrics.
 */
class ExactResumeTest {
    private static final String[] KEYS = {"alpha", "beta", "gamma", "delta", "epsilon"};
    private static final int[] PARALLELISM = {1, 2, 3, 1};
    private static final int[] CUTS = {0, 37, 101, 163, 220};

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? TestSupport.rocksDb() : null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void resumesBitExactAcrossRescaledRestores(String backendName) throws Exception {
        OnlineTrainerConfig config = TestSupport.rich(5).maxCachedModels(3).build();
        resumesBitExact(config, TestSupport.stream(KEYS, CUTS[CUTS.length - 1], 21, true), backendName);
    }

    /** The same with named raw features: pending raw rows, vocabularies and statistics resume exactly. */
    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void resumesAFeaturesModelBitExactAcrossRescaledRestores(String backendName) throws Exception {
        OnlineTrainerConfig config = TestSupport.features(5).maxCachedModels(3).build();
        Map<String, ModelState> models = resumesBitExact(config,
                TestSupport.featuresStream(KEYS, CUTS[CUTS.length - 1], 22), backendName);
        for (ModelState m : models.values()) {
            assertThat(m.frontEnd().vocabulary(1).size()).isEqualTo(3); // grown to maxTokens 5 - 2 OOV indices
            assertThat(m.frontEnd().moments(0).count()).isEqualTo(m.examplesSeen());
        }
    }

    private Map<String, ModelState> resumesBitExact(OnlineTrainerConfig config, List<Example> xs, String backendName)
            throws Exception {

        // uninterrupted run
        Map<String, ModelState> expected = new TreeMap<>();
        List<String> expectedMetrics = new ArrayList<>();
        try (var h = harness(config, 1, 0, backend(backendName))) {
            h.open();
            for (Example e : xs) {
                h.processElement(e, 0L);
            }
            h.endInput();
            for (SnapshotRecord s : snapshots(h)) {
                expected.put(s.modelKey, state(s));
            }
            metrics(h).forEach(m -> expectedMetrics.add(describe(m)));
        }
        assertThat(expected).hasSize(KEYS.length);

        // interrupted, rescaled run
        Map<String, ModelState> actual = new TreeMap<>();
        List<String> actualMetrics = new ArrayList<>();
        OperatorSubtaskState carried = null;
        int previousParallelism = 1;
        for (int phase = 0; phase < PARALLELISM.length; phase++) {
            int par = PARALLELISM[phase];
            List<KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric>> hs = new ArrayList<>();
            for (int i = 0; i < par; i++) {
                var h = harness(config, par, i, backend(backendName));
                if (carried == null) {
                    h.initializeEmptyState();
                } else {
                    h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            carried, MAX_PARALLELISM, previousParallelism, par, i));
                }
                h.open();
                hs.add(h);
            }
            for (Example e : xs.subList(CUTS[phase], CUTS[phase + 1])) {
                int target = KeyGroupRangeAssignment.assignKeyToParallelOperator(e.modelKey, MAX_PARALLELISM, par);
                hs.get(target).processElement(e, 0L);
            }
            boolean last = phase == PARALLELISM.length - 1;
            OperatorSubtaskState[] parts = new OperatorSubtaskState[par];
            for (int i = 0; i < par; i++) {
                var h = hs.get(i);
                if (last) {
                    h.endInput();
                    for (SnapshotRecord s : snapshots(h)) {
                        if (s.trigger.equals(SnapshotTrigger.END_OF_INPUT)) {
                            actual.put(s.modelKey, state(s));
                        }
                    }
                } else {
                    parts[i] = h.snapshot(phase + 1, phase + 1);
                }
                metrics(h).forEach(m -> actualMetrics.add(describe(m)));
                h.close();
            }
            if (!last) {
                carried = AbstractStreamOperatorTestHarness.repackageState(parts);
                previousParallelism = par;
            }
        }

        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (String k : expected.keySet()) {
            assertThat(actual.get(k).bitEquals(expected.get(k)))
                    .as("model %s: resumed %s vs uninterrupted %s", k, actual.get(k), expected.get(k)).isTrue();
        }
        // same metrics, per key in the same order (subtasks interleave keys differently)
        assertThat(sortedByKeyStable(actualMetrics)).isEqualTo(sortedByKeyStable(expectedMetrics));
        return expected;
    }

    private static String describe(LossMetric m) {
        return m.modelKey + " v" + m.version + " n" + m.examplesSeen + " b" + m.batchSize + " loss="
                + Double.doubleToRawLongBits(m.loss) + " lr=" + m.learningRate + " g=" + m.gradientNorm;
    }

    private static List<String> sortedByKeyStable(List<String> xs) {
        List<String> c = new ArrayList<>(xs);
        c.sort((a, b) -> a.substring(0, a.indexOf(' ')).compareTo(b.substring(0, b.indexOf(' '))));
        return c;
    }
}
