package io.streamgrad.model.snapshot;

import io.streamgrad.model.spec.EarlyStoppingSpec;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.StopReasons;
import io.streamgrad.model.train.Trainer;

/**
 * Builds the {@link ModelSnapshot} of a live {@link ModelState}, so that callers (the Flink
 * operator) need not know which parts of a state a published model carries.
 */
public final class SnapshotBuilder {
    private final ModelSpec model;
    private final OptimizerSpec optimizer;
    private final EarlyStoppingSpec earlyStopping;
    private final boolean includeOptimizerState;

    /**
     * @param trainer the trainer the states belong to (its model, optimizer and early-stopping
     *                specifications)
     * @param includeOptimizerState full, resumable state; else weights and BN statistics only
     */
    public SnapshotBuilder(Trainer trainer, boolean includeOptimizerState) {
        this.model = trainer.modelSpec();
        this.optimizer = trainer.optimizer().spec();
        this.earlyStopping = trainer.earlyStoppingSpec();
        this.includeOptimizerState = includeOptimizerState;
    }

    /**
     * The snapshot of {@code state} at {@code createdAtMillis}. With optimizer state it shares
     * {@code state}'s arrays, so serialize it before the state trains on.
     */
    public ModelSnapshot build(String modelKey, ModelState state, long createdAtMillis) {
        boolean stopped = state.earlyStopping().stopped();
        return new ModelSnapshot(modelKey, state.version(), state.iterations(), state.examplesSeen(),
                state.lastLoss(), stopped, stopped ? stopReason(state) : null, createdAtMillis, model, optimizer,
                includeOptimizerState ? state : weightsOnly(state), includeOptimizerState);
    }

    private String stopReason(ModelState state) {
        return StopReasons.describe(earlyStopping, state.earlyStopping());
    }

    /**
     * Weights, BN statistics and the front-end state (vocabularies, normalisation statistics) with
     * the counters, without optimizer slots or early-stopping state: what a consumer that only
     * predicts (or restarts the optimizer) needs.
     */
    public static ModelState weightsOnly(ModelState m) {
        float[][] w = new float[m.weights().length][];
        float[][][] slots = new float[w.length][][];
        for (int v = 0; v < w.length; v++) {
            w[v] = m.weights()[v];
            slots[v] = new float[0][];
        }
        ModelState s = new ModelState(w, slots, new double[0], null, m.frontEnd().copy());
        s.setVersion(m.version());
        s.setIterations(m.iterations());
        s.setExamplesSeen(m.examplesSeen());
        s.setSkippedUpdates(m.skippedUpdates());
        s.setRngState(m.rngState());
        s.setLastLoss(m.lastLoss());
        return s;
    }
}
