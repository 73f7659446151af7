package io.streamgrad.operators;

import static io.streamgrad.operators.TestSupport.harness;
import static io.streamgrad.operators.TestSupport.operator;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.state.ModelState;
import java.util.List;
import org.apache.flink.runtime.checkpoint.CheckpointOptions;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.memory.MemCheckpointStreamFactory;
import org.apache.flink.streaming.api.operators.OperatorSnapshotFinalizer;
import org.apache.flink.streaming.api.operators.OperatorSnapshotFutures;
import org.junit.jupiter.api.Test;

/**
 * On the heap backend the operator mutates the state map's own model objects in place (no cache,
 * no second copy). That is only safe because the copy-on-write state map hands out a deep copy
 * of an entry still referenced by a running asynchronous snapshot: a checkpoint whose
 * asynchronous part runs AFTER further training must still hold the models of the moment it
 * was taken.
 */
class HeapInPlaceStateTest {

    @Test
    void anAsynchronousSnapshotIsNotChangedByTrainingThatRunsWhileItIsWritten() throws Exception {
        OnlineTrainerConfig config = TestSupport.rich(4).build();
        String[] keys = {"a", "b", "c"};
        List<Example> before = TestSupport.stream(keys, 60, 1, true);
        List<Example> during = TestSupport.stream(keys, 60, 2, true);

        ModelState[] atCheckpoint = new ModelState[keys.length];
        ModelState[] afterwards = new ModelState[keys.length];
        OperatorSubtaskState checkpoint;
        try (var h = harness(config)) {
            h.open();
            assertThat(operator(h).cachedModels()).isZero();
            for (Example e : before) {
                h.processElement(e, 0L);
            }
            for (int i = 0; i < keys.length; i++) {
                atCheckpoint[i] = operator(h).cachedModel(keys[i]).copy();
            }
            // synchronous part only; the asynchronous part (serialising the heap state) waits
            OperatorSnapshotFutures futures = h.getOperator().snapshotState(1L, 1L,
                    CheckpointOptions.forCheckpointWithDefaultLocation(), new MemCheckpointStreamFactory(64 << 20));
            for (Example e : during) {
                h.processElement(e, 0L);
            }
            assertThat(operator(h).cachedModels()).as("heap backend: no write-back cache").isZero();
            for (int i = 0; i < keys.length; i++) {
                afterwards[i] = operator(h).cachedModel(keys[i]).copy();
                assertThat(afterwards[i].version()).as("key %s trained on", keys[i])
                        .isGreaterThan(atCheckpoint[i].version());
            }
            checkpoint = OperatorSnapshotFinalizer.create(futures).getJobManagerOwnedState();
        }

        try (var h = harness(config)) {
            h.initializeState(checkpoint);
            h.open();
            for (int i = 0; i < keys.length; i++) {
                ModelState restored = operator(h).cachedModel(keys[i]);
                assertThat(restored.bitEquals(atCheckpoint[i])).as("key %s restored as checkpointed", keys[i])
                        .isTrue();
            }
            // and training on from the checkpoint reproduces the live run bit for bit
            for (Example e : during) {
                h.processElement(e, 0L);
            }
            for (int i = 0; i < keys.length; i++) {
                assertThat(operator(h).cachedModel(keys[i]).bitEquals(afterwards[i])).isTrue();
            }
        }
    }
}
