package io.streamgrad.it;

import io.streamgrad.operators.Example;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Fault injection: passes examples through unchanged, and in attempts {@code 0 .. failures-1}
 * throws once this subtask has passed {@code afterRecords[attempt]} records <i>and</i> seen
 * {@code afterCheckpoints[attempt]} completed checkpoints in that attempt (seeded random points).
 * While failures are still to come it sleeps {@code throttleMillis} per record (four times that
 * while only checkpoints are awaited), so the bounded input spans several checkpoints and
 * outlasts all failures. The attempts that threw are recorded per run in a static set (the
 * MiniCluster runs every attempt in this JVM).
 */
final class FailingMap extends RichMapFunction<Example, Example> implements CheckpointListener {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Set<Integer>> FIRED = new ConcurrentHashMap<>();

    private final String run;
    private final int failures;
    private final int[] afterRecords;
    private final int[] afterCheckpoints;
    private final long throttleMillis;

    private transient int attempt;
    private transient long records;
    private transient volatile int checkpoints;

    FailingMap(String run, int failures, long seed, int maxRecords, int maxCheckpoints, long throttleMillis) {
        this.run = run;
        this.failures = failures;
        this.throttleMillis = throttleMillis;
        Random r = new Random(seed);
        afterRecords = new int[failures];
        afterCheckpoints = new int[failures];
        for (int i = 0; i < failures; i++) {
            afterRecords[i] = 1 + r.nextInt(maxRecords);
            afterCheckpoints[i] = 1 + r.nextInt(maxCheckpoints);
        }
        FIRED.put(run, ConcurrentHashMap.newKeySet());
    }

    /** The attempts in which a failure was thrown (by any subtask). */
    static Set<Integer> firedInAttempts(String run) {
        return new TreeSet<>(FIRED.get(run));
    }

    String plan() {
        return "fail in attempts 0.." + (failures - 1) + " after records " + Arrays.toString(afterRecords)
                + " and completed checkpoints " + Arrays.toString(afterCheckpoints);
    }

    @Override
    public void open(OpenContext ctx) {
        attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
        records = 0;
        checkpoints = 0;
    }

    @Override
    public Example map(Example e) throws Exception {
        if (attempt < failures) {
            records++;
            if (records >= afterRecords[attempt] && checkpoints >= afterCheckpoints[attempt]) {
                FIRED.get(run).add(attempt);
                throw new InjectedFailure("injected failure in attempt " + attempt + " of subtask "
                        + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + " after " + records
                        + " records and " + checkpoints + " completed checkpoints");
            }
            // slower once only checkpoints are awaited: the input must outlast slow checkpoints on a busy machine
            Thread.sleep(records >= afterRecords[attempt] ? 4 * throttleMillis : throttleMillis);
        }
        return e;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpoints++;
    }

    /** The injected exception (recognisable in logs). */
    static final class InjectedFailure extends Exception {
        private static final long serialVersionUID = 1L;

        InjectedFailure(String message) {
            super(message);
        }
    }
}
