package io.streamgrad.model.train;

import io.streamgrad.model.kernel.FloatKernels;
import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.model.features.FeatureBatch;
import io.streamgrad.model.features.FrontEnd;
import io.streamgrad.model.nn.DropoutMaskSource;
import io.streamgrad.model.nn.Network;
import io.streamgrad.model.optim.Optimizer;
import io.streamgrad.model.optim.TouchedRows;
import io.streamgrad.model.spec.EarlyStoppingSpec;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.state.FrontEndState;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.Variable;
import io.streamgrad.model.state.VariableLayout;
import io.streamgrad.model.util.SplitMix64;

/**
 * Trains models of one specification with one optimizer, Keras-exactly
 * ({@code docs/semantics.md} §1): forward in training mode with the pre-update weights, loss =
 * data loss + penalties (reported before the update), backward, then the optimizer with the
 * learning rate of the current counter. The trainer holds buffers only; every model's numbers
 * live in its {@link ModelState}, so one trainer serves any number of models (e.g. all keys of a
 * Flink subtask). Deterministic: the same state and batch give the same bits. Not thread-safe.
 *
 * <p>A model with a feature front-end (§12) trains on raw rows ({@link MiniBatch#forModel}): before
 * the forward pass its vocabularies grow and its online statistics absorb the batch.
 *
 * <p>A step whose loss, gradients, batch statistics or resulting update are not finite changes nothing but the
 * skipped-update and examples counters (front-end growth and statistics are undone too): the last
 * finite weights survive a divergence.
 */
public final class Trainer {
    private static final FloatKernels KERNELS = KernelProvider.get();
    private final Network network;
    private final Optimizer optimizer;
    private final EarlyStopping earlyStopping;
    private final EarlyStoppingSpec earlyStoppingSpec;
    private final RngMasks rngMasks = new RngMasks();
    private final UpdateGuard updateGuard;
    /** Initial value per optimizer slot, for embedding rows that expire; null when none can. */
    private final float[] slotInitialValues;

    public Trainer(ModelSpec model, OptimizerSpec optimizer, EarlyStoppingSpec earlyStopping) {
        this.network = new Network(model);
        this.optimizer = new Optimizer(optimizer);
        this.earlyStoppingSpec = earlyStopping;
        this.earlyStopping = earlyStopping == null ? null : new EarlyStopping(earlyStopping);
        this.updateGuard = new UpdateGuard(network.layout(), this.optimizer.slotCount(),
                this.optimizer.scalarCount());
        FrontEnd fe = network.frontEnd();
        if (fe != null && fe.expires()) {
            slotInitialValues = new float[this.optimizer.slotCount()];
            for (int k = 0; k < slotInitialValues.length; k++) {
                slotInitialValues[k] = this.optimizer.slotInitialValue(k);
            }
        } else {
            slotInitialValues = null;
        }
    }

    public Trainer(ModelSpec model, OptimizerSpec optimizer) {
        this(model, optimizer, null);
    }

    public Network network() {
        return network;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public ModelSpec modelSpec() {
        return network.spec();
    }

    public EarlyStoppingSpec earlyStoppingSpec() {
        return earlyStoppingSpec;
    }

    /**
     * A fresh model: Keras default initializers (Glorot-uniform kernels, zero biases, BN gamma 1,
     * beta 0, moving mean 0, moving variance 1, embeddings uniform in [-0.05, 0.05]) drawn from
     * {@code seed}, the front-end state of the specification; optimizer slots at their
     * initial values; the dropout RNG seeded from {@code seed} as well.
     */
    public ModelState newState(long seed) {
        VariableLayout layout = network.layout();
        float[][] weights = new float[layout.size()][];
        long rng = seed;
        for (int v = 0; v < layout.size(); v++) {
            Variable var = layout.get(v);
            float[] w = new float[var.size()];
            switch (var.name()) {
                case "kernel" -> {
                    double limit = Math.sqrt(6.0 / (var.rows() + var.cols()));
                    for (int i = 0; i < w.length; i++) {
                        rng = SplitMix64.advance(rng);
                        w[i] = (float) ((SplitMix64.unitDouble(SplitMix64.mix(rng)) * 2 - 1) * limit);
                    }
                }
                case Variable.EMBEDDINGS -> {
                    for (int i = 0; i < w.length; i++) {
                        rng = SplitMix64.advance(rng);
                        w[i] = (float) ((SplitMix64.unitDouble(SplitMix64.mix(rng)) * 2 - 1) * 0.05);
                    }
                }
                case "gamma", "movingVariance" -> java.util.Arrays.fill(w, 1f);
                default -> { } // bias, beta, movingMean: zeros
            }
            weights[v] = w;
        }
        ModelState state = withWeights(weights);
        state.setRngState(SplitMix64.mix(seed ^ 0x5DEECE66DL));
        return state;
    }

    /**
     * A model with the given weights (get_weights order, used as is), the specification's initial
     * front-end state and fresh optimizer state.
     */
    public ModelState withWeights(float[][] weights) {
        FrontEnd fe = network.frontEnd();
        return withWeights(weights, fe == null ? null : fe.initialState());
    }

    /** A model with the given weights and front-end state (used as is) and fresh optimizer state. */
    public ModelState withWeights(float[][] weights, FrontEndState frontEnd) {
        VariableLayout layout = network.layout();
        if (weights.length != layout.size()) {
            throw new IllegalArgumentException("expected " + layout.size() + " weight arrays, got " + weights.length);
        }
        float[][][] slots = new float[layout.size()][][];
        for (int v = 0; v < layout.size(); v++) {
            Variable var = layout.get(v);
            if (weights[v].length != var.size()) {
                throw new IllegalArgumentException("layer " + var.layer() + " " + var.name() + ": expected "
                        + var.size() + " values, got " + weights[v].length);
            }
            int k = var.trainable() ? optimizer.slotCount() : 0;
            slots[v] = new float[k][];
            for (int s = 0; s < k; s++) {
                slots[v][s] = new float[var.size()];
                java.util.Arrays.fill(slots[v][s], optimizer.slotInitialValue(s));
            }
        }
        double[] scalars = new double[optimizer.scalarCount()];
        optimizer.initScalars(scalars);
        return new ModelState(weights, slots, scalars, null, frontEnd);
    }

    /**
     * True when the optimizer part of {@code state} (slot arrays per variable, scalars) has the
     * shape this trainer's optimizer uses.
     */
    public boolean optimizerStateFits(ModelState state) {
        VariableLayout layout = network.layout();
        if (state.weights().length != layout.size() || state.scalars().length != optimizer.scalarCount()) {
            return false;
        }
        for (int v = 0; v < layout.size(); v++) {
            int expected = layout.get(v).trainable() ? optimizer.slotCount() : 0;
            if (state.slots()[v].length != expected) {
                return false;
            }
        }
        return true;
    }

    /**
     * The same model under this trainer's optimizer, started afresh — what Keras does when a model
     * is recompiled with a new optimizer: weights, BN statistics, version, examples seen, skipped
     * updates, last loss, dropout RNG and early-stopping progress are kept; optimizer slots and
     * scalars start at their initial values and the iteration counter at 0. The weights arrays are
     * shared with {@code state}.
     */
    public ModelState withFreshOptimizer(ModelState state) {
        ModelState fresh = withWeights(state.weights(), state.frontEnd());
        ModelState s = new ModelState(fresh.weights(), fresh.slots(), fresh.scalars(), state.earlyStopping(),
                state.frontEnd());
        s.setVersion(state.version());
        s.setExamplesSeen(state.examplesSeen());
        s.setSkippedUpdates(state.skippedUpdates());
        s.setLastLoss(state.lastLoss());
        s.setRngState(state.rngState());
        return s;
    }

    /** One training step; allocates the result. */
    public StepResult step(ModelState state, MiniBatch batch) {
        StepResult r = new StepResult();
        step(state, batch, r);
        return r;
    }

    /** One training step on {@code batch}, updating {@code state} in place; fills {@code out}. */
    public void step(ModelState state, MiniBatch batch, StepResult out) {
        int b = batch.size();
        if (b == 0) {
            throw new IllegalArgumentException("empty mini-batch");
        }
        FrontEnd frontEnd = network.frontEnd();
        if ((frontEnd != null) != (batch.raw() != null)) {
            throw new IllegalArgumentException(frontEnd != null
                    ? "the model has a feature front-end: the batch must carry raw rows (MiniBatch.forModel)"
                    : "the model takes ready vectors, the batch carries raw rows");
        }
        if (frontEnd != null && !state.frontEnd().fits(frontEnd.specs())) {
            throw new IllegalArgumentException("the state's front-end (vocabularies, statistics) does not fit the model");
        }
        if (batch.inputDim() != network.inputDim() || batch.outputDim() != network.outputDim()) {
            throw new IllegalArgumentException("batch shape [" + batch.inputDim() + " -> " + batch.outputDim()
                    + "] does not match the model [" + network.inputDim() + " -> " + network.outputDim() + "]");
        }
        float[][] w = state.weights();
        out.batchSize = b;
        out.iteration = state.iterations();
        out.earlyStopTriggered = false;
        state.setExamplesSeen(state.examplesSeen() + b);

        if (state.earlyStopping().stopped()) {
            network.forward(w, input(state, batch), b, false, null);
            fillLosses(out, network.dataLoss(batch.targets(), b, false), w, batch);
            out.learningRate = Double.NaN;
            out.gradientNorm = Double.NaN;
            out.outcome = StepResult.Outcome.STOPPED;
            out.version = state.version();
            state.setLastLoss(out.loss);
            return;
        }

        DropoutMaskSource masks = batch.masks();
        long rngBefore = state.rngState();
        if (masks == null) {
            rngMasks.state = state;
            masks = rngMasks;
        }
        if (frontEnd != null) {
            frontEnd.remember(state.frontEnd());
            frontEnd.adapt(state.frontEnd(), batch.raw(), b);
        }
        float[] x = input(state, batch);
        network.forward(w, x, b, true, masks);
        fillLosses(out, network.dataLoss(batch.targets(), b, true), w, batch);
        network.backward(w, x, b);
        float[][] grads = network.gradients();
        TouchedRows[] sparse = network.sparseRows();
        double sq = 0;
        for (int v = 0; v < grads.length; v++) {
            if (grads[v] != null) {
                // a sparse embedding's gradient is zero outside its touched rows: the same norm
                sq += sparse != null && sparse[v] != null ? Optimizer.sumSquares(grads[v], sparse[v])
                        : KERNELS.sumSquares(grads[v]);
            }
        }
        out.gradientNorm = Math.sqrt(sq);

        if (!Double.isFinite(out.loss) || !Double.isFinite(out.gradientNorm) || !network.batchStatisticsFinite()) {
            skip(state, out, rngBefore);
            return;
        }

        double lr = updateGuard.apply(optimizer, state, grads, out.gradientNorm, sparse);
        if (Double.isNaN(lr)) { // the update would overflow: the last finite model stays
            skip(state, out, rngBefore);
            return;
        }
        state.setLastLoss(out.loss);
        out.learningRate = lr;
        network.commit(w);
        state.setIterations(state.iterations() + 1);
        if (slotInitialValues != null) { // our extension: expireAfterSteps (docs/semantics.md 12.9)
            frontEnd.expire(state.frontEnd(), w, state.slots(), state.iterations(), slotInitialValues);
        }
        state.setVersion(state.version() + 1);
        out.outcome = StepResult.Outcome.APPLIED;
        out.version = state.version();
        if (earlyStopping != null) {
            out.earlyStopTriggered = earlyStopping.afterStep(state, out);
        }
    }

    /** The trunk input of a batch: its vectors, or its raw rows through the front-end as it is now. */
    private float[] input(ModelState state, MiniBatch batch) {
        return batch.raw() == null ? batch.features()
                : network.encode(state.weights(), state.frontEnd(), batch.raw(), batch.size());
    }

    /**
     * Leaves no trace of a non-finite step but the counters: the dropout draws of this step are
     * not consumed, front-end growth and statistics are undone, and lastLoss keeps the last finite loss.
     */
    private void skip(ModelState state, StepResult out, long rngBefore) {
        if (network.frontEnd() != null) {
            network.frontEnd().rollback(state.frontEnd());
        }
        state.setRngState(rngBefore);
        state.setSkippedUpdates(state.skippedUpdates() + 1);
        out.learningRate = Double.NaN;
        out.outcome = StepResult.Outcome.SKIPPED_NON_FINITE;
        out.version = state.version();
    }

    private void fillLosses(StepResult out, double dataLoss, float[][] w, MiniBatch batch) {
        out.dataLoss = dataLoss;
        out.regularizationLoss = network.penalty(w);
        out.loss = dataLoss + out.regularizationLoss;
        out.accuracy = network.accuracy(batch.targets(), batch.size());
    }

    /** Inference-mode outputs ({@code [batch][outputDim]}, moving BN statistics, no dropout). */
    public float[] predict(ModelState state, float[] x, int batch) {
        float[] out = new float[batch * network.outputDim()];
        predict(state, x, batch, out);
        return out;
    }

    public void predict(ModelState state, float[] x, int batch, float[] out) {
        float[] y = network.forward(state.weights(), x, batch, false, null);
        System.arraycopy(y, 0, out, 0, batch * network.outputDim());
    }

    /**
     * Inference-mode outputs for raw rows ({@code [batch][outputDim]}): the front-end in inference
     * mode (current vocabularies and statistics, no growth, no merging), then the trunk.
     */
    public void predict(ModelState state, FeatureBatch raw, int batch, float[] out) {
        float[] y = network.forward(state.weights(), state.frontEnd(), raw, batch);
        System.arraycopy(y, 0, out, 0, batch * network.outputDim());
    }

    /** Inference-mode loss of a batch without changing anything. */
    public double evaluate(ModelState state, MiniBatch batch) {
        network.forward(state.weights(), input(state, batch), batch.size(), false, null);
        return network.dataLoss(batch.targets(), batch.size(), false) + network.penalty(state.weights());
    }

    /** Draws keep masks from the model state's SplitMix64 stream (keep with probability 1 − rate). */
    private static final class RngMasks implements DropoutMaskSource {
        ModelState state;

        @Override
        public void fill(int layerIndex, double rate, float[] mask, int batch, int width) {
            long s = state.rngState();
            float r = (float) rate;
            for (int i = 0, n = batch * width; i < n; i++) {
                s = SplitMix64.advance(s);
                mask[i] = SplitMix64.unitFloat(SplitMix64.mix(s)) >= r ? 1f : 0f;
            }
            state.setRngState(s);
        }
    }
}
