package io.streamgrad.model.serve;

import io.streamgrad.model.features.FeatureBatch;
import io.streamgrad.model.nn.Network;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.state.FrontEndState;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import io.streamgrad.model.state.StateFormatException;
import io.streamgrad.model.state.VariableLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Inference with a published model, without Flink: loads a {@code streamgrad-snapshot/1} JSON
 * snapshot or the binary model state ({@link ModelStateCodec}) with its model specification,
 * and predicts in inference mode (BatchNormalization moving statistics, no dropout) through the
 * engine's own {@link Network}, so its outputs are bit-identical to the engine's inference
 * ({@code Trainer.predict}) on the same kernels.
 *
 * <p>Thread-safe: the weights are a private copy, validated on load and never written. Each
 * call borrows a scratch {@link Network} (activation buffers) from a lock-free pool and returns
 * it, so concurrent calls never share buffers; the pool starts empty, grows to the peak number
 * of concurrent calls, and a warmed-up call at a batch size seen before allocates only its
 * result. Callers that keep their own scratch per thread use
 * {@link #predictValues(float[], int, float[], Network)}.
 *
 * <p>Inputs are rows of {@link #inputDim()} floats, in the order the model was trained on. A model
 * with a feature front-end ({@code model.features}) also takes raw rows, {@link #predict(Map)} or
 * {@link #predictValues(FeatureBatch, int, float[], Network)}: the front-end runs in inference mode
 * with the snapshot's vocabularies and statistics (no growth, no merging), so the result is the
 * engine's {@code Trainer.predict} on the same raw rows.
 */
public final class Predictor {
    /** {@link #createdAtMillis()} of a model loaded without that metadata. */
    public static final long UNKNOWN_TIME = Long.MIN_VALUE;

    private final String modelKey;
    private final long version;
    private final long createdAtMillis;
    private final ModelSpec model;
    private final float[][] weights;
    /** Vocabularies and statistics of the front-end (a private copy, never written). */
    private final FrontEndState frontEnd;
    private final OutputKind kind;
    private final List<String> classNames;
    private final int inputDim;
    private final int outputDim;
    private final ConcurrentLinkedQueue<Network> idle = new ConcurrentLinkedQueue<>();

    private Predictor(String modelKey, long version, long createdAtMillis, ModelSpec model, float[][] weights,
                      FrontEndState frontEnd, List<String> classNames) {
        this.modelKey = modelKey;
        this.version = version;
        this.createdAtMillis = createdAtMillis;
        this.model = model;
        this.weights = weights;
        this.frontEnd = frontEnd;
        this.kind = OutputKind.of(model);
        this.classNames = classNames;
        this.inputDim = model.inputDim();
        this.outputDim = model.outputDim();
    }

    private static Predictor checked(String key, long version, long createdAt, ModelSpec model, float[][] weights,
                                     FrontEndState frontEnd) {
        WeightsCheck.check(new VariableLayout(model), weights, "weights"); // before a Network sizes buffers by it
        if (model.hasFeatures() && !frontEnd.fits(model.features())) {
            throw new SpecException("features", "the state's front-end does not fit the model's features");
        }
        return new Predictor(key, version, createdAt, model, weights, frontEnd, List.of());
    }

    /** A predictor of {@code snapshot}'s weights (copied: a live snapshot may share its arrays). */
    public static Predictor of(ModelSnapshot snapshot) {
        return checked(snapshot.modelKey(), snapshot.version(), snapshot.createdAtMillis(), snapshot.model(),
                deepCopy(snapshot.state().weights()), snapshot.state().frontEnd().copy());
    }

    /**
     * A predictor of {@code state}'s weights (copied) for {@code model}, with the metadata a
     * snapshot carries besides the state; the version is the state's own.
     */
    public static Predictor of(ModelSpec model, ModelState state, String modelKey, long createdAtMillis) {
        return checked(modelKey, state.version(), createdAtMillis, model, deepCopy(state.weights()),
                state.frontEnd().copy());
    }

    /**
     * Loads a {@code streamgrad-snapshot/1} JSON snapshot ({@code docs/snapshot-format.md}).
     *
     * @throws SpecException naming the field when the snapshot is malformed or its weights unusable
     */
    public static Predictor fromJson(byte[] json) {
        ModelSnapshot s = SnapshotJson.fromBytes(json);
        return checked(s.modelKey(), s.version(), s.createdAtMillis(), s.model(), s.state().weights(),
                s.state().frontEnd());
    }

    public static Predictor fromJson(String json) {
        return fromJson(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Loads a JSON snapshot file (one snapshot, as written by {@code SnapshotJson}). */
    public static Predictor load(Path snapshotJson) {
        try {
            return fromJson(Files.readAllBytes(snapshotJson));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read snapshot " + snapshotJson, e);
        }
    }

    /** Loads the binary model state ({@link ModelStateCodec}, full or weights only) of {@code model}. */
    public static Predictor fromState(ModelSpec model, byte[] state) {
        return fromState(model, state, null, UNKNOWN_TIME);
    }

    /**
     * Like {@link #fromState(ModelSpec, byte[])}, with the metadata a snapshot record carries
     * besides the state; the version is the state's own.
     *
     * @throws SpecException when the bytes are not a model state of {@code model}
     */
    public static Predictor fromState(ModelSpec model, byte[] state, String modelKey, long createdAtMillis) {
        WeightsCheck.checkFits(model, state.length / 4, "model");
        ModelState s;
        try {
            s = ModelStateCodec.decode(state);
        } catch (StateFormatException e) {
            throw new SpecException("state", "is not a valid model state: " + e.getMessage());
        }
        return checked(modelKey, s.version(), createdAtMillis, model, s.weights(), s.frontEnd());
    }

    /**
     * The same model with class names ({@link OutputKind#classCount} of them: 2 for a binary
     * classifier, one per output for a categorical one), reported with each prediction.
     */
    public Predictor withClassNames(List<String> names) {
        List<String> copy = List.copyOf(names);
        int expected = kind.classCount(outputDim);
        if (copy.size() != expected) {
            throw new IllegalArgumentException(expected == 0
                    ? "classNames: a " + kind + " model has no classes"
                    : "classNames: expected " + expected + " names, got " + copy.size());
        }
        return new Predictor(modelKey, version, createdAtMillis, model, weights, frontEnd, copy);
    }

    /**
     * The binary form {@link #fromState} reads: a weights-only model state
     * ({@link ModelStateCodec}, with the front-end state of a model with features) with this
     * predictor's version.
     */
    public byte[] toState() {
        float[][][] noSlots = new float[weights.length][0][];
        ModelState s = new ModelState(weights, noSlots, new double[0], null, frontEnd);
        s.setVersion(version);
        return ModelStateCodec.encode(s);
    }

    /** Predicts one row of {@link #inputDim()} features. */
    public Prediction predict(float[] features) {
        checkRow(features, "features");
        float[] out = new float[outputDim];
        predictValues(features, 1, out);
        return prediction(out);
    }

    /** Predicts several rows in one inference pass. */
    public List<Prediction> predictBatch(float[][] rows) {
        float[] x = new float[rows.length * inputDim];
        for (int r = 0; r < rows.length; r++) {
            checkRow(rows[r], "rows[" + r + "]");
            System.arraycopy(rows[r], 0, x, r * inputDim, inputDim);
        }
        float[] out = new float[rows.length * outputDim];
        predictValues(x, rows.length, out);
        List<Prediction> list = new ArrayList<>(rows.length);
        for (int r = 0; r < rows.length; r++) {
            float[] v = new float[outputDim];
            System.arraycopy(out, r * outputDim, v, 0, outputDim);
            list.add(prediction(v));
        }
        return list;
    }

    /**
     * The raw outputs of {@code batch} row-major rows into {@code out} ({@code batch·outputDim}
     * floats): no allocation once warmed up, for callers that keep their own buffers.
     */
    public void predictValues(float[] rows, int batch, float[] out) {
        Network network = idle.poll();
        if (network == null) {
            network = newScratch();
        }
        try {
            predictValues(rows, batch, out, network);
        } finally {
            idle.offer(network);
        }
    }

    /**
     * Like {@link #predictValues(float[], int, float[])} with the caller's scratch network (from
     * {@link #newScratch()} of any predictor of an equal model specification), for a thread that
     * serves many models of one architecture: they then share one set of buffers instead of
     * each keeping its own. The scratch must not be used by two threads at once.
     */
    public void predictValues(float[] rows, int batch, float[] out, Network scratch) {
        if (batch < 1 || rows.length < batch * inputDim || out.length < batch * outputDim) {
            throw new IllegalArgumentException("rows/out too small for a batch of " + batch);
        }
        if (scratch.spec() != model && !scratch.spec().equals(model)) {
            throw new IllegalArgumentException("scratch network is of another model specification");
        }
        float[] y = scratch.forward(weights, rows, batch, false, null);
        System.arraycopy(y, 0, out, 0, batch * outputDim);
    }

    /**
     * Predicts one raw row of a model with features: feature name to value (a {@code Number} or a
     * {@code double[]} / {@code float[]} / {@code List} of numbers for a numeric feature, a
     * {@code String} for a string feature, an integral {@code Number} for an integer feature).
     *
     * @throws IllegalArgumentException naming the feature when a value is missing or of the wrong type
     */
    public Prediction predict(Map<String, ?> row) {
        FeatureBatch raw = RawRows.batchOf(model, List.of(row));
        float[] out = new float[outputDim];
        predictValues(raw, 1, out);
        return prediction(out);
    }

    /** The raw outputs of the first {@code rows} rows of {@code raw} into {@code out}. */
    public void predictValues(FeatureBatch raw, int rows, float[] out) {
        Network network = idle.poll();
        if (network == null) {
            network = newScratch();
        }
        try {
            predictValues(raw, rows, out, network);
        } finally {
            idle.offer(network);
        }
    }

    /**
     * Like {@link #predictValues(float[], int, float[], Network)} for raw rows of a model with
     * features, in the feature order of {@link #model()}.
     */
    public void predictValues(FeatureBatch raw, int rows, float[] out, Network scratch) {
        if (!model.hasFeatures()) {
            throw new IllegalArgumentException("the model takes ready vectors of " + inputDim + " values, not raw rows");
        }
        if (rows < 1 || raw.size() < rows || out.length < rows * outputDim) {
            throw new IllegalArgumentException("raw/out too small for a batch of " + rows);
        }
        if (scratch.spec() != model && !scratch.spec().equals(model)) {
            throw new IllegalArgumentException("scratch network is of another model specification");
        }
        float[] y = scratch.forward(weights, frontEnd, raw, rows);
        System.arraycopy(y, 0, out, 0, rows * outputDim);
    }

    /** A new scratch network for {@link #predictValues(float[], int, float[], Network)}. */
    public Network newScratch() {
        return new Network(model);
    }

    /** The prediction of one row's outputs (taken over, not copied). */
    public Prediction prediction(float[] values) {
        int c = kind.classIndex(values, 0, outputDim);
        return new Prediction(values, c, className(c));
    }

    /** Name of class {@code index}, or null without class names or class. */
    public String className(int index) {
        return index < 0 || classNames.isEmpty() ? null : classNames.get(index);
    }

    private void checkRow(float[] row, String name) {
        if (row == null || row.length != inputDim) {
            throw new IllegalArgumentException(name + ": expected " + inputDim + " values, got "
                    + (row == null ? "none" : row.length));
        }
    }

    /** Key the model was trained under, or null when loaded from a bare state. */
    public String modelKey() {
        return modelKey;
    }

    public long version() {
        return version;
    }

    /** When the snapshot was taken (epoch milliseconds), or {@link #UNKNOWN_TIME}. */
    public long createdAtMillis() {
        return createdAtMillis;
    }

    public ModelSpec model() {
        return model;
    }

    public OutputKind outputKind() {
        return kind;
    }

    public List<String> classNames() {
        return classNames;
    }

    public int inputDim() {
        return inputDim;
    }

    public int outputDim() {
        return outputDim;
    }

    private static float[][] deepCopy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] == null ? null : a[i].clone();
        }
        return c;
    }
}
