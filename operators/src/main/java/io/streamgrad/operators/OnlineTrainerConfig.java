package io.streamgrad.operators;

import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.spec.EarlyStoppingSpec;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.spec.SpecWriter;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import io.streamgrad.model.state.StateFormatException;
import io.streamgrad.model.train.Trainer;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Configuration of the {@link OnlineTrainerOperator}: one model specification shared by all keys,
 * mini-batching, metric and snapshot policies, seeds and warm starts. Serializable (specifications
 * are kept as JSON text, warm starts as {@link ModelStateCodec} bytes) and validated by
 * {@link Builder#build()}, whose exceptions name the offending field.
 *
 * <p>Option summary (defaults in brackets):
 * <ul>
 *   <li>{@code model}, {@code optimizer} (required), {@code earlyStopping} [none]: JSON or YAML
 *       in the conformance case schema ({@link SpecParser}).</li>
 *   <li>{@code batchSize} [32]: rows per mini-batch; a batch is trained as soon as it is full.
 *       Models with BatchNormalization need {@code batchSize >= 2}.</li>
 *   <li>{@code maxBatchDelay} [none]: processing-time delay after the first buffered row of a key
 *       after which a partial batch is trained.</li>
 *   <li>{@code metricsEveryNSteps} [1]: one {@link LossMetric} per step, or aggregated over N.</li>
 *   <li>{@code snapshotEverySteps} [0 = off]: snapshot when the model version is a multiple of N.</li>
 *   <li>{@code snapshotInterval} [none]: processing-time snapshot period per key (only when the
 *       model changed since its last snapshot).</li>
 *   <li>{@code snapshotOnEarlyStop} [true], {@code snapshotAtEndOfInput} [true],
 *       {@code includeOptimizerState} [true].</li>
 *   <li>{@code seed} [0]: the model of key k starts from {@link #seedFor(String) seedFor(k)}.</li>
 *   <li>{@code warmStart} (default and per key): initial states instead of fresh initialisation;
 *       a warm-started model keeps its version, so versions stay monotonic.</li>
 *   <li>{@code maxCachedModels} [4096]: size of the operator's write-back cache of models (RocksDB/ForSt;
 *       the heap backend keeps no cache, see {@link OnlineTrainerOperator}).</li>
 * </ul>
 */
@PublicEvolving
public final class OnlineTrainerConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final int DEFAULT_MAX_CACHED_MODELS = 4096;

    private final String modelSpecJson;
    private final String optimizerSpecJson;
    private final String earlyStoppingSpecJson;
    private final int batchSize;
    private final long maxBatchDelayMillis;
    private final int metricsEveryNSteps;
    private final long snapshotEverySteps;
    private final long snapshotIntervalMillis;
    private final boolean snapshotOnEarlyStop;
    private final boolean snapshotAtEndOfInput;
    private final boolean includeOptimizerState;
    private final long seed;
    private final byte[] defaultWarmStart;
    private final TreeMap<String, byte[]> warmStarts;
    private final int maxCachedModels;

    private transient ModelSpec modelSpec;
    private transient OptimizerSpec optimizerSpec;
    private transient EarlyStoppingSpec earlyStoppingSpec;

    private OnlineTrainerConfig(Builder b, ModelSpec model, OptimizerSpec optimizer, EarlyStoppingSpec es,
                                byte[] defaultWarmStart, TreeMap<String, byte[]> warmStarts) {
        // Canonical JSON, so equal specifications give equal configs whatever their source text.
        this.modelSpecJson = SpecWriter.model(model).toString();
        this.optimizerSpecJson = SpecWriter.optimizer(optimizer).toString();
        this.earlyStoppingSpecJson = es == null ? null : SpecWriter.earlyStopping(es).toString();
        this.batchSize = b.batchSize;
        this.maxBatchDelayMillis = b.maxBatchDelay == null ? 0 : b.maxBatchDelay.toMillis();
        this.metricsEveryNSteps = b.metricsEveryNSteps;
        this.snapshotEverySteps = b.snapshotEverySteps;
        this.snapshotIntervalMillis = b.snapshotInterval == null ? 0 : b.snapshotInterval.toMillis();
        this.snapshotOnEarlyStop = b.snapshotOnEarlyStop;
        this.snapshotAtEndOfInput = b.snapshotAtEndOfInput;
        this.includeOptimizerState = b.includeOptimizerState;
        this.seed = b.seed;
        this.defaultWarmStart = defaultWarmStart;
        this.warmStarts = warmStarts;
        this.maxCachedModels = b.maxCachedModels;
        this.modelSpec = model;
        this.optimizerSpec = optimizer;
        this.earlyStoppingSpec = es;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String modelSpecJson() {
        return modelSpecJson;
    }

    public String optimizerSpecJson() {
        return optimizerSpecJson;
    }

    /** Early-stopping specification as JSON, or null. */
    public String earlyStoppingSpecJson() {
        return earlyStoppingSpecJson;
    }

    public ModelSpec modelSpec() {
        if (modelSpec == null) {
            modelSpec = SpecParser.model(SpecParser.readTree(modelSpecJson));
        }
        return modelSpec;
    }

    public OptimizerSpec optimizerSpec() {
        if (optimizerSpec == null) {
            optimizerSpec = SpecParser.optimizer(SpecParser.readTree(optimizerSpecJson));
        }
        return optimizerSpec;
    }

    /** Early-stopping specification, or null. */
    public EarlyStoppingSpec earlyStoppingSpec() {
        if (earlyStoppingSpec == null && earlyStoppingSpecJson != null) {
            earlyStoppingSpec = SpecParser.earlyStopping(SpecParser.readTree(earlyStoppingSpecJson), "earlyStopping");
        }
        return earlyStoppingSpec;
    }

    /** A new trainer for this configuration (one per operator instance). */
    public Trainer newTrainer() {
        return new Trainer(modelSpec(), optimizerSpec(), earlyStoppingSpec());
    }

    public int batchSize() {
        return batchSize;
    }

    /** Max delay of a partial batch in milliseconds; 0 = no timer (batches flush by count only). */
    public long maxBatchDelayMillis() {
        return maxBatchDelayMillis;
    }

    public int metricsEveryNSteps() {
        return metricsEveryNSteps;
    }

    /** 0 = off. */
    public long snapshotEverySteps() {
        return snapshotEverySteps;
    }

    /** 0 = off. */
    public long snapshotIntervalMillis() {
        return snapshotIntervalMillis;
    }

    public boolean snapshotOnEarlyStop() {
        return snapshotOnEarlyStop;
    }

    public boolean snapshotAtEndOfInput() {
        return snapshotAtEndOfInput;
    }

    public boolean includeOptimizerState() {
        return includeOptimizerState;
    }

    public long seed() {
        return seed;
    }

    public int maxCachedModels() {
        return maxCachedModels;
    }

    /** True when the model has a BatchNormalization layer (1-row batches are held, see the operator). */
    public boolean hasBatchNormalization() {
        return modelSpec().layers().stream().anyMatch(l -> l instanceof LayerSpec.BatchNormalization);
    }

    /** Encoded warm-start state for {@code key} (per-key, else the default), or null. */
    public byte[] warmStartFor(String key) {
        byte[] s = warmStarts.get(key);
        return s != null ? s : defaultWarmStart;
    }

    /** Keys with a per-key warm start, sorted. */
    public Map<String, byte[]> warmStarts() {
        return Collections.unmodifiableMap(warmStarts);
    }

    /**
     * The initialisation seed of key {@code key}: SplitMix64 of the configured seed and the 64-bit
     * FNV-1a hash of the key's UTF-8 bytes. Stable across JVMs, runs and parallelism.
     */
    public long seedFor(String key) {
        return seedFor(seed, key);
    }

    public static long seedFor(long seed, String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        long z = seed + 0x9E3779B97F4A7C15L * (h | 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The initial state of a key that has none yet: its warm start (decoded afresh) or a new model
     * from {@link #seedFor(String)}.
     */
    public ModelState initialState(Trainer trainer, String key) {
        byte[] warm = warmStartFor(key);
        if (warm != null) {
            return ModelStateCodec.decode(warm);
        }
        return trainer.newState(seedFor(key));
    }

    @Override
    public String toString() {
        return "OnlineTrainerConfig{batchSize=" + batchSize + ", maxBatchDelayMillis=" + maxBatchDelayMillis
                + ", metricsEveryNSteps=" + metricsEveryNSteps + ", snapshotEverySteps=" + snapshotEverySteps
                + ", snapshotIntervalMillis=" + snapshotIntervalMillis + ", seed=" + seed + ", warmStarts="
                + warmStarts.keySet() + (defaultWarmStart != null ? " + default" : "") + "}";
    }

    /** Builder; {@link #build()} validates and names the offending field in its exception. */
    @PublicEvolving
    public static final class Builder {
        private String model;
        private String optimizer;
        private String earlyStopping;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration maxBatchDelay;
        private int metricsEveryNSteps = 1;
        private long snapshotEverySteps;
        private Duration snapshotInterval;
        private boolean snapshotOnEarlyStop = true;
        private boolean snapshotAtEndOfInput = true;
        private boolean includeOptimizerState = true;
        private long seed;
        private byte[] defaultWarmStart;
        private final TreeMap<String, byte[]> warmStarts = new TreeMap<>();
        private int maxCachedModels = DEFAULT_MAX_CACHED_MODELS;

        private Builder() {}

        /** Model specification, JSON or YAML text. */
        public Builder model(String specText) {
            this.model = specText;
            return this;
        }

        public Builder model(ModelSpec spec) {
            this.model = spec == null ? null : SpecWriter.model(spec).toString();
            return this;
        }

        /** Optimizer specification (with its learning-rate schedule), JSON or YAML text. */
        public Builder optimizer(String specText) {
            this.optimizer = specText;
            return this;
        }

        public Builder optimizer(OptimizerSpec spec) {
            this.optimizer = spec == null ? null : SpecWriter.optimizer(spec).toString();
            return this;
        }

        /** Early-stopping specification, JSON or YAML text; null = no early stopping. */
        public Builder earlyStopping(String specText) {
            this.earlyStopping = specText;
            return this;
        }

        public Builder earlyStopping(EarlyStoppingSpec spec) {
            this.earlyStopping = spec == null ? null : SpecWriter.earlyStopping(spec).toString();
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Flush a partial batch this long after its first row (processing time); null = never. */
        public Builder maxBatchDelay(Duration maxBatchDelay) {
            this.maxBatchDelay = maxBatchDelay;
            return this;
        }

        public Builder metricsEveryNSteps(int n) {
            this.metricsEveryNSteps = n;
            return this;
        }

        /** Snapshot whenever the model version is a multiple of {@code n}; 0 = off. */
        public Builder snapshotEverySteps(long n) {
            this.snapshotEverySteps = n;
            return this;
        }

        /** Processing-time snapshot period per key; null = off. */
        public Builder snapshotInterval(Duration interval) {
            this.snapshotInterval = interval;
            return this;
        }

        public Builder snapshotOnEarlyStop(boolean on) {
            this.snapshotOnEarlyStop = on;
            return this;
        }

        public Builder snapshotAtEndOfInput(boolean on) {
            this.snapshotAtEndOfInput = on;
            return this;
        }

        /** Whether snapshots carry optimizer slots (resumable) or only weights and BN statistics. */
        public Builder includeOptimizerState(boolean on) {
            this.includeOptimizerState = on;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Warm start for every key without a per-key warm start ({@link ModelStateCodec} bytes). */
        public Builder defaultWarmStart(byte[] encodedState) {
            this.defaultWarmStart = encodedState == null ? null : encodedState.clone();
            return this;
        }

        public Builder defaultWarmStart(ModelState state) {
            this.defaultWarmStart = state == null ? null : ModelStateCodec.encode(state);
            return this;
        }

        /** Warm start of one key ({@link ModelStateCodec} bytes). */
        public Builder warmStart(String key, byte[] encodedState) {
            if (key == null) {
                throw new IllegalArgumentException("warmStart: key must not be null");
            }
            if (encodedState == null) {
                warmStarts.remove(key);
            } else {
                warmStarts.put(key, encodedState.clone());
            }
            return this;
        }

        public Builder warmStart(String key, ModelState state) {
            return warmStart(key, state == null ? null : ModelStateCodec.encode(state));
        }

        /**
         * Warm start of one key from a snapshot. A weights-only snapshot gets a fresh optimizer
         * (counter 0) but keeps its version and examples seen.
         */
        public Builder warmStart(String key, ModelSnapshot snapshot) {
            return warmStart(key, snapshot == null ? null : ModelStateCodec.encode(snapshot.state()));
        }

        /** Size of the operator's write-back model cache per subtask (>= 1). */
        public Builder maxCachedModels(int n) {
            this.maxCachedModels = n;
            return this;
        }

        public OnlineTrainerConfig build() {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("model: a model specification is required");
            }
            if (optimizer == null || optimizer.isBlank()) {
                throw new IllegalArgumentException("optimizer: an optimizer specification is required");
            }
            ModelSpec m = SpecParser.model(readTree("model", model));
            OptimizerSpec o = SpecParser.optimizer(readTree("optimizer", optimizer));
            EarlyStoppingSpec es = earlyStopping == null || earlyStopping.isBlank() ? null
                    : SpecParser.earlyStopping(readTree("earlyStopping", earlyStopping), "earlyStopping");
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize: must be >= 1, got " + batchSize);
            }
            boolean bn = m.layers().stream().anyMatch(l -> l instanceof LayerSpec.BatchNormalization);
            if (bn && batchSize < 2) {
                throw new IllegalArgumentException("batchSize: a model with BatchNormalization needs batchSize >= 2"
                        + " (a 1-row batch has zero variance), got " + batchSize);
            }
            if (maxBatchDelay != null && (maxBatchDelay.isNegative() || maxBatchDelay.isZero())) {
                throw new IllegalArgumentException("maxBatchDelay: must be positive, got " + maxBatchDelay);
            }
            if (metricsEveryNSteps < 1) {
                throw new IllegalArgumentException("metricsEveryNSteps: must be >= 1, got " + metricsEveryNSteps);
            }
            if (snapshotEverySteps < 0) {
                throw new IllegalArgumentException("snapshotEverySteps: must be >= 0 (0 = off), got "
                        + snapshotEverySteps);
            }
            if (snapshotInterval != null && (snapshotInterval.isNegative() || snapshotInterval.isZero())) {
                throw new IllegalArgumentException("snapshotInterval: must be positive, got " + snapshotInterval);
            }
            if (maxCachedModels < 1) {
                throw new IllegalArgumentException("maxCachedModels: must be >= 1, got " + maxCachedModels);
            }
            Trainer trainer = new Trainer(m, o, es);
            byte[] def = defaultWarmStart == null ? null : normalizeWarmStart("defaultWarmStart", trainer, defaultWarmStart);
            TreeMap<String, byte[]> per = new TreeMap<>();
            for (Map.Entry<String, byte[]> e : warmStarts.entrySet()) {
                per.put(e.getKey(), normalizeWarmStart("warmStart[" + e.getKey() + "]", trainer, e.getValue()));
            }
            return new OnlineTrainerConfig(this, m, o, es, def, per);
        }

        private static com.fasterxml.jackson.databind.JsonNode readTree(String field, String text) {
            try {
                return SpecParser.readTree(text);
            } catch (SpecException e) {
                throw new SpecException(field, e.problem());
            }
        }

        /**
         * Checks a warm start against the model and optimizer. A state without optimizer slots
         * (weights only) gets the optimizer's fresh slots, keeping version, examples seen, last
         * loss and RNG state.
         */
        static byte[] normalizeWarmStart(String field, Trainer trainer, byte[] bytes) {
            ModelState s;
            try {
                s = ModelStateCodec.decode(bytes);
            } catch (StateFormatException e) {
                throw new IllegalArgumentException(field + ": not a valid model state: " + e.getMessage(), e);
            }
            var layout = trainer.network().layout();
            if (s.weights().length != layout.size()) {
                throw new IllegalArgumentException(field + ": state has " + s.weights().length
                        + " weight arrays, the model has " + layout.size());
            }
            for (int v = 0; v < layout.size(); v++) {
                if (s.weights()[v].length != layout.get(v).size()) {
                    throw new IllegalArgumentException(field + ": variable " + v + " (" + layout.get(v).name()
                            + " of layer " + layout.get(v).layer() + ") has " + s.weights()[v].length
                            + " values, the model " + layout.get(v).size());
                }
            }
            if (trainer.optimizerStateFits(s)) {
                return bytes.clone();
            }
            boolean noSlots = true;
            for (float[][] sl : s.slots()) {
                noSlots &= sl.length == 0;
            }
            if (!noSlots) {
                throw new IllegalArgumentException(field + ": the state's optimizer slots do not match optimizer '"
                        + trainer.optimizer().spec().type() + "' (use a weights-only state to switch optimizers)");
            }
            return ModelStateCodec.encode(trainer.withFreshOptimizer(s));
        }
    }
}
