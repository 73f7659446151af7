package io.streamgrad.operators.labels;

import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/** Harness construction and bit-exact renderings of the join's outputs. */
final class LabelJoinTestSupport {
    static final int MAX_PARALLELISM = 128;

    private LabelJoinTestSupport() {}

    static KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, LabelRecord, Example> harness(
            LabelJoinConfig config) throws Exception {
        return harness(config, null);
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, LabelRecord, Example> harness(
            LabelJoinConfig config, int parallelism, int subtask) throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new LabelJoinOperator(config), new LabelJoin.EventIdOfEvent(),
                new LabelJoin.EventIdOfLabel(), Types.STRING, MAX_PARALLELISM, parallelism, subtask);
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, LabelRecord, Example> harness(
            LabelJoinConfig config, StateBackend backend) throws Exception {
        var h = harness(config, 1, 0);
        if (backend != null) {
            h.setStateBackend(backend);
        }
        return h;
    }

    static LabelJoinMetrics metrics(KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, LabelRecord, Example> h) {
        return ((LabelJoinOperator) h.getOperator()).metrics();
    }

    /** Event ids with join state, counted through the keyed backend (works for heap and RocksDB). */
    static long stateEntries(KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, LabelRecord, Example> h) {
        var op = (AbstractStreamOperator<?>) h.getOperator();
        try (Stream<Object> keys = op.getKeyedStateBackend().getKeys(LabelJoinOperator.STATE, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    static List<Example> examples(KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, LabelRecord, Example> h) {
        return h.extractOutputValues();
    }

    static List<DeadLetter> deadLetters(
            KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, LabelRecord, Example> h) {
        var q = h.getSideOutput(LabelJoin.DEAD_LETTERS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    static ScoredEvent event(String id, long time, float... x) {
        return new ScoredEvent(id, "model-" + id.charAt(0), x, time);
    }

    static LabelRecord label(String id, long time, float... y) {
        return new LabelRecord(id, y, time);
    }

    /** Every example with its record timestamp, floats as raw bits. */
    static List<String> renderExamples(
            KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, LabelRecord, Example> h) {
        List<String> out = new ArrayList<>();
        for (StreamRecord<? extends Example> r : h.extractOutputStreamRecords()) {
            Example e = r.getValue();
            out.add("example " + r.getTimestamp() + " " + e.modelKey + " " + bits(e.features) + " " + bits(e.target)
                    + " " + e.eventTime + " " + e.raw);
        }
        return out;
    }

    /** Every dead letter with its record timestamp. */
    static List<String> renderDeadLetters(
            KeyedTwoInputStreamOperatorTestHarness<String, ScoredEvent, LabelRecord, Example> h) {
        List<String> out = new ArrayList<>();
        var q = h.getSideOutput(LabelJoin.DEAD_LETTERS);
        if (q != null) {
            for (StreamRecord<DeadLetter> r : q) {
                DeadLetter d = r.getValue();
                out.add("dead " + r.getTimestamp() + " " + d.modelKey + " " + d.stage + " " + d.reason + " "
                        + d.record + " " + d.rawLength + " " + d.timestamp);
            }
        }
        return out;
    }

    static String bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return Arrays.toString(b);
    }
}
