package io.streamgrad.model.snapshot;

import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.state.ModelState;

/**
 * A published model: what a serving process or a warm start needs, without Flink.
 *
 * @param modelKey the key the model was trained under
 * @param version model version (monotonic per key)
 * @param step optimizer iteration counter
 * @param examplesSeen examples consumed so far
 * @param lastLoss loss of the last step (before its update)
 * @param stopped true when early stopping has stopped the model
 * @param stopReason why it stopped, or null
 * @param createdAtMillis when the snapshot was taken (processing time)
 * @param model the model specification
 * @param optimizer the optimizer specification
 * @param state full state (weights, BN statistics, optimizer slots, counters)
 * @param includesOptimizerState whether the serialized form carries the full state for resuming
 */
public record ModelSnapshot(String modelKey, long version, long step, long examplesSeen, double lastLoss,
                            boolean stopped, String stopReason, long createdAtMillis, ModelSpec model,
                            OptimizerSpec optimizer, ModelState state, boolean includesOptimizerState) {

    public ModelSnapshot {
        if (modelKey == null || model == null || optimizer == null || state == null) {
            throw new IllegalArgumentException("modelKey, model, optimizer and state are required");
        }
    }
}
