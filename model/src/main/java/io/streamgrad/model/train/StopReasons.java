package io.streamgrad.model.train;

import io.streamgrad.model.spec.EarlyStoppingSpec;
import io.streamgrad.model.state.EarlyStoppingState;

/** Human-readable text of why early stopping stopped a model, for snapshots and logs. */
public final class StopReasons {
    private StopReasons() {}

    /**
     * Why the model stopped: the monitored quantity and the patience rule (when the specification
     * is known), the best value and its epoch, and whether the best weights were restored.
     */
    public static String describe(EarlyStoppingSpec spec, EarlyStoppingState state) {
        StringBuilder b = new StringBuilder("early stopping: ");
        if (spec != null) {
            b.append('\'').append(spec.monitor()).append("' did not improve (minDelta ").append(spec.minDelta())
                    .append(", patience ").append(spec.patience()).append(" epochs of ").append(spec.stepsPerEpoch())
                    .append(" steps)");
        } else {
            b.append("stopped");
        }
        b.append("; best ").append(state.best()).append(" at epoch ").append(state.bestEpoch())
                .append(", stopped at epoch ").append(state.stoppedEpoch());
        if (spec != null && spec.restoreBestWeights() && state.bestWeights() != null) {
            b.append("; best weights restored");
        }
        return b.toString();
    }
}
