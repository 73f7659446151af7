package io.streamgrad.operators;

import static io.streamgrad.operators.TestSupport.harness;
import static io.streamgrad.operators.TestSupport.snapshots;
import static io.streamgrad.operators.TestSupport.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A job restored from a savepoint with another optimizer: its models continue from their weights
 * with the new optimizer started afresh (Keras: recompile with a new optimizer); versions and
 * counters continue; nothing crashes and no old slot is reinterpreted by the new optimizer.
 */
class OptimizerChangeOnRestoreTest {
    private static final String[] KEYS = {"a", "b", "c"};
    private static final int BATCH = 5;
    private static final int CUT = 53;
    private static final int TOTAL = 131;

    @ParameterizedTest(name = "{0} -> {1} on {2}")
    @CsvSource({
        // slot count differs (0 -> 2)
        "'{\"type\": \"sgd\", \"learningRate\": 0.05}', '{\"type\": \"adam\", \"learningRate\": 0.01}', heap",
        "'{\"type\": \"sgd\", \"learningRate\": 0.05}', '{\"type\": \"adam\", \"learningRate\": 0.01}', rocksdb",
        // same slot count (2), different meaning: v (Adam) is not u (Adamax)
        "'{\"type\": \"adam\", \"learningRate\": 0.01}', '{\"type\": \"adamax\", \"learningRate\": 0.01}', heap",
        "'{\"type\": \"adam\", \"learningRate\": 0.01}', '{\"type\": \"adamax\", \"learningRate\": 0.01}', rocksdb"
    })
    void restoredModelsContinueWithTheNewOptimizerStartedAfresh(String before, String after, String backend)
            throws Exception {
        OnlineTrainerConfig first = config(before);
        OnlineTrainerConfig second = config(after);
        List<Example> xs = TestSupport.stream(KEYS, TOTAL, 17, false);

        OperatorSubtaskState savepoint;
        try (var h = harness(first, 1, 0, backend(backend))) {
            h.open();
            for (Example e : xs.subList(0, CUT)) {
                h.processElement(e, 0L);
            }
            savepoint = h.snapshot(1, 1);
        }
        Map<String, ModelState> resumed = new TreeMap<>();
        long resets;
        try (var h = harness(second, 1, 0, backend(backend))) {
            h.initializeState(savepoint);
            h.open();
            for (Example e : xs.subList(CUT, TOTAL)) {
                h.processElement(e, 0L);
            }
            h.endInput();
            for (SnapshotRecord s : snapshots(h)) {
                if (s.trigger.equals(SnapshotTrigger.END_OF_INPUT)) {
                    resumed.put(s.modelKey, state(s));
                }
            }
            resets = TestSupport.operator(h).metrics().optimizerResets().getCount();
        }

        assertThat(resets).as("every restored key was reset once").isEqualTo(KEYS.length);
        for (String key : KEYS) {
            ModelState expected = reference(first, second, xs, key);
            ModelState actual = resumed.get(key);
            assertThat(actual.bitEquals(expected)).as("key %s: %s vs engine %s", key, actual, expected).isTrue();
            assertThat(actual.version()).as("versions continue").isGreaterThan(actual.iterations());
        }
    }

    /** The engine alone: full batches under the first optimizer, then afresh under the second. */
    private static ModelState reference(OnlineTrainerConfig first, OnlineTrainerConfig second, List<Example> xs,
                                        String key) {
        Trainer t1 = first.newTrainer();
        Trainer t2 = second.newTrainer();
        List<Example> rows = new ArrayList<>();
        int beforeCut = 0;
        for (int i = 0; i < xs.size(); i++) {
            if (xs.get(i).modelKey.equals(key)) {
                rows.add(xs.get(i));
                if (i < CUT) {
                    beforeCut++;
                }
            }
        }
        int trainedBefore = beforeCut / BATCH * BATCH; // the rest was pending in the savepoint
        ModelState s = t1.newState(first.seedFor(key));
        train(t1, s, rows.subList(0, trainedBefore));
        s = t2.withFreshOptimizer(s);
        train(t2, s, rows.subList(trainedBefore, rows.size()));
        return s;
    }

    /** Batches of {@link #BATCH}; a final partial batch too (end of input, no BatchNormalization). */
    private static void train(Trainer t, ModelState s, List<Example> rows) {
        MiniBatch b = new MiniBatch(3, 1, BATCH);
        for (int i = 0; i < rows.size(); i++) {
            b.add(rows.get(i).features, rows.get(i).target);
            if (b.size() == BATCH || i == rows.size() - 1) {
                t.step(s, b);
                b.clear();
            }
        }
    }

    private static OnlineTrainerConfig config(String optimizer) {
        return OnlineTrainerConfig.builder().model(TestSupport.LINEAR_MODEL).optimizer(optimizer).batchSize(BATCH)
                .seed(7).build();
    }

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? TestSupport.rocksDb() : null;
    }
}
