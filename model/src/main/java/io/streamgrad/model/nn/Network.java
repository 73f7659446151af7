package io.streamgrad.model.nn;

import io.streamgrad.model.features.FeatureBatch;
import io.streamgrad.model.features.FrontEnd;
import io.streamgrad.model.optim.TouchedRows;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.RegularizerSpec;
import io.streamgrad.model.state.FrontEndState;
import io.streamgrad.model.state.Variable;
import io.streamgrad.model.state.VariableLayout;

/**
 * A sequential network built from a {@link ModelSpec}: forward and backward passes, loss and
 * regularisation penalties. It holds buffers and gradients only; weights live in the caller's
 * arrays (one per {@link Variable}, Keras layouts), so one network serves many models.
 * A model with features has a {@link FrontEnd} in front of the trunk: {@link #encode} turns raw
 * values into the trunk input, and {@link #backward} carries gradients on into its embeddings.
 * Not thread-safe.
 */
public final class Network {
    private final ModelSpec spec;
    private final VariableLayout layout;
    private final Layer[] layers;
    private final LossFunction loss;
    private final float[][] grads;
    /** dL/d(output of layer i). */
    private final float[][] dOut;
    /** {@code needsInputGradient[i]}: some layer below layer i has trainable variables. */
    private final boolean[] needsInputGradient;
    /** Null for a model fed ready vectors. */
    private final FrontEnd frontEnd;
    /** Trunk input of the last {@link #encode}, and dL/d(trunk input) for the embeddings. */
    private float[] encoded = new float[0];
    private float[] dInput = new float[0];
    private int capacity;

    public Network(ModelSpec spec) {
        this.spec = spec;
        this.layout = new VariableLayout(spec);
        this.loss = new LossFunction(spec.loss());
        this.frontEnd = spec.hasFeatures() ? new FrontEnd(spec.features(), layout) : null;
        this.layers = new Layer[spec.layers().size()];
        int width = spec.inputDim();
        for (int i = 0; i < layers.length; i++) {
            LayerSpec ls = spec.layers().get(i);
            Layer layer;
            if (ls instanceof LayerSpec.Dense d) {
                layer = new DenseLayer(width, d.units(), d.activation(), layout.indexOf(i, "kernel"),
                        layout.indexOf(i, "bias"));
            } else if (ls instanceof LayerSpec.BatchNormalization bn) {
                layer = new BatchNormLayer(width, bn.momentum(), bn.epsilon(), layout.indexOf(i, "gamma"),
                        layout.indexOf(i, "beta"), layout.indexOf(i, "movingMean"),
                        layout.indexOf(i, "movingVariance"));
            } else if (ls instanceof LayerSpec.ActivationLayer a) {
                layer = new ActivationLayer(width, a.activation());
            } else if (ls instanceof LayerSpec.Dropout dr) {
                layer = new DropoutLayer(i, width, dr.rate());
            } else {
                throw new IllegalStateException("unhandled layer " + ls);
            }
            layers[i] = layer;
            width = layer.outWidth;
        }
        grads = new float[layout.size()][];
        for (int v = 0; v < layout.size(); v++) {
            Variable var = layout.get(v);
            grads[v] = var.trainable() ? new float[var.size()] : null;
        }
        dOut = new float[layers.length][0];
        needsInputGradient = new boolean[layers.length];
        for (int i = 0; i < layers.length; i++) {
            needsInputGradient[i] = hasTrainableBelow(i);
        }
    }

    /** The feature front-end, or null when the model takes ready vectors. */
    public FrontEnd frontEnd() {
        return frontEnd;
    }

    /**
     * The trunk input of {@code batch} raw rows under the front-end state (no growth, no merging:
     * call {@link FrontEnd#adapt} first when training). Returns a buffer valid until the next call.
     */
    public float[] encode(float[][] weights, FrontEndState state, FeatureBatch raw, int batch) {
        if (frontEnd == null) {
            throw new IllegalStateException("the model has no feature front-end");
        }
        ensureCapacity(batch);
        frontEnd.encode(state, weights, raw, batch, encoded);
        return encoded;
    }

    /** Inference-mode outputs for raw rows: front-end (inference mode) then the trunk. */
    public float[] forward(float[][] weights, FrontEndState state, FeatureBatch raw, int batch) {
        return forward(weights, encode(weights, state, raw, batch), batch, false, null);
    }

    public ModelSpec spec() {
        return spec;
    }

    public VariableLayout layout() {
        return layout;
    }

    public int inputDim() {
        return spec.inputDim();
    }

    public int outputDim() {
        return layers[layers.length - 1].outWidth;
    }

    /**
     * Per variable, the rows of a sparse embedding the last {@link #encode} looked up (null for
     * every other variable), or null when no embedding has {@code sparseUpdates}. For such a
     * variable the gradient, the penalty and the update cover those rows only.
     */
    public TouchedRows[] sparseRows() {
        return frontEnd == null ? null : frontEnd.sparseRows();
    }

    /** Gradients of the last {@link #backward}, one array per variable (null if not trainable). */
    public float[][] gradients() {
        return grads;
    }

    /** Grows the batch buffers to hold {@code batch} rows (no-op once large enough). */
    public void ensureCapacity(int batch) {
        if (batch <= capacity) {
            return;
        }
        for (int i = 0; i < layers.length; i++) {
            layers[i].ensureCapacity(batch);
            dOut[i] = new float[batch * layers[i].outWidth];
        }
        if (frontEnd != null) {
            encoded = new float[batch * spec.inputDim()];
            dInput = frontEnd.hasEmbeddings() ? new float[batch * spec.inputDim()] : dInput;
        }
        capacity = batch;
    }

    /**
     * Forward pass. In training mode BatchNormalization uses batch statistics (applied to the
     * moving statistics only by {@link #commit}) and dropout asks {@code masks} for its keep mask.
     *
     * @return the output buffer {@code [batch][outputDim]}, valid until the next pass
     */
    public float[] forward(float[][] weights, float[] x, int batch, boolean training, DropoutMaskSource masks) {
        ensureCapacity(batch);
        float[] in = x;
        for (Layer layer : layers) {
            if (layer instanceof DropoutLayer d && d.active(training)) {
                masks.fill(d.layerIndex, d.rate, d.mask, batch, d.outWidth);
            }
            layer.forward(in, batch, training, weights);
            in = layer.out;
        }
        return in;
    }

    /** Output of the last forward pass. */
    public float[] output() {
        return layers[layers.length - 1].out;
    }

    /**
     * Mean data loss of the last forward pass against {@code target}; with {@code withGradient}
     * also seeds the backward pass.
     */
    public double dataLoss(float[] target, int batch, boolean withGradient) {
        return loss.evaluate(output(), target, batch, outputDim(), withGradient ? dOut[layers.length - 1] : null);
    }

    /** Accuracy of the last forward pass (NaN for regression losses). */
    public double accuracy(float[] target, int batch) {
        return loss.accuracy(output(), target, batch, outputDim());
    }

    /**
     * Backward pass after {@link #dataLoss} with gradient; adds regulariser gradients. For a model
     * with embeddings {@code x} must be the buffer of the last {@link #encode}.
     */
    public void backward(float[][] weights, float[] x, int batch) {
        for (int i = layers.length - 1; i >= 0; i--) {
            float[] in = i == 0 ? x : layers[i - 1].out;
            float[] dIn = !needsInputGradient[i] ? null : i == 0 ? dInput : dOut[i - 1];
            layers[i].backward(in, dOut[i], batch, dIn, weights, grads);
            if (dIn == null && i > 0) {
                break; // nothing below this layer is trainable
            }
        }
        if (needsInputGradient[0]) {
            frontEnd.backward(dInput, batch, grads);
        }
        for (int v = 0; v < layout.size(); v++) {
            RegularizerSpec r = layout.get(v).regularizer();
            if (r != null) {
                addPenaltyGradient(r, weights[v], grads[v], rowsOf(v));
            }
        }
    }

    /**
     * True when some layer below {@code layer}, or an embedding in front of the trunk, has trainable
     * variables (constructor only: allocates).
     */
    private boolean hasTrainableBelow(int layer) {
        if (frontEnd != null && frontEnd.hasEmbeddings()) {
            return true;
        }
        for (int i = 0; i < layer; i++) {
            for (int v : layout.ofLayer(i)) {
                if (layout.get(v).trainable()) {
                    return true;
                }
            }
        }
        return false;
    }

    private TouchedRows rowsOf(int v) {
        TouchedRows[] sparse = sparseRows();
        return sparse == null ? null : sparse[v];
    }

    /**
     * Sum of all regularisation penalties on the given weights; a sparse embedding counts the rows
     * of the last {@link #encode} only.
     */
    public double penalty(float[][] weights) {
        double sum = 0;
        for (int v = 0; v < layout.size(); v++) {
            RegularizerSpec r = layout.get(v).regularizer();
            if (r != null) {
                float[] w = weights[v];
                TouchedRows rows = rowsOf(v);
                double l1 = 0;
                double l2 = 0;
                for (int k = 0, n = rows == null ? 1 : rows.count(); k < n; k++) {
                    int from = rows == null ? 0 : rows.row(k) * rows.rowWidth();
                    int to = rows == null ? w.length : from + rows.rowWidth();
                    for (int i = from; i < to; i++) {
                        l1 += Math.abs(w[i]);
                        l2 += (double) w[i] * w[i];
                    }
                }
                sum += r.l1() * l1 + r.l2() * l2;
            }
        }
        return sum;
    }

    private static void addPenaltyGradient(RegularizerSpec r, float[] w, float[] g, TouchedRows rows) {
        double l1 = r.l1();
        double l2x2 = 2 * r.l2();
        for (int k = 0, n = rows == null ? 1 : rows.count(); k < n; k++) {
            int from = rows == null ? 0 : rows.row(k) * rows.rowWidth();
            int to = rows == null ? w.length : from + rows.rowWidth();
            for (int i = from; i < to; i++) {
                g[i] = (float) (g[i] + l1 * Math.signum(w[i]) + l2x2 * w[i]);
            }
        }
    }

    /** Applies the BatchNormalization moving-statistics updates of the last training pass. */
    public void commit(float[][] weights) {
        for (Layer layer : layers) {
            layer.commit(weights);
        }
    }

    /** True when every batch statistic of the last training pass is finite. */
    public boolean batchStatisticsFinite() {
        for (Layer layer : layers) {
            if (layer instanceof BatchNormLayer bn && !bn.statisticsFinite()) {
                return false;
            }
        }
        return true;
    }
}
