package io.streamgrad.bench.operator;

import io.streamgrad.operators.Example;
import io.streamgrad.operators.LossMetric;
import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.OnlineTrainerOperator;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** The trainer operator in Flink's keyed one-input test harness: one subtask, no cluster. */
final class OperatorHarness {
    private static final int MAX_PARALLELISM = 128;

    /** The state backends the benchmarks compare. */
    enum Backend {
        HEAP, ROCKSDB;

        StateBackend create() {
            return this == HEAP ? null : new EmbeddedRocksDBStateBackend();
        }
    }

    private OperatorHarness() {}

    /** A harness (not yet opened) around a new operator for {@code config} on {@code backend}. */
    static KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric> create(OnlineTrainerConfig config,
                                                                                        Backend backend)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new OnlineTrainerOperator(config), e -> e.modelKey,
                        Types.STRING, MAX_PARALLELISM, 1, 0);
        StateBackend state = backend.create();
        if (state != null) {
            h.setStateBackend(state);
        }
        return h;
    }
}
