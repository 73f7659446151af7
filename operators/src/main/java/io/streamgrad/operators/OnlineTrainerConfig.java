package io.streamgrad.operators;

import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.spec.EarlyStoppingSpec;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.spec.SpecWriter;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
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
 * <p>Every scalar option (name, default, validation, place in the job YAML) is defined once in
 * {@link TrainerOption}; {@code model}, {@code optimizer} (required) and {@code earlyStopping}
 * [none] are JSON or YAML in the conformance case schema ({@link SpecParser}). Models with
 * BatchNormalization need {@code batchSize >= 2}. A warm-started model keeps its version, so
 * versions stay monotonic.
 */
@PublicEvolving
public final class OnlineTrainerConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_BATCH_SIZE = TrainerOption.BATCH_SIZE.defaultValue();
    public static final int DEFAULT_MAX_CACHED_MODELS = TrainerOption.MAX_CACHED_MODELS.defaultValue();

    private final TrainerSpecs specs;
    private final int batchSize;
    private final long maxBatchDelayMillis;
    private final EndOfInput endOfInput;
    private final int metricsEverySteps;
    private final long snapshotEverySteps;
    private final long snapshotIntervalMillis;
    private final boolean snapshotOnEarlyStop;
    private final boolean snapshotAtEndOfInput;
    private final boolean includeOptimizerState;
    private final long seed;
    private final byte[] defaultWarmStart;
    private final TreeMap<String, byte[]> warmStarts;
    private final int maxCachedModels;

    private OnlineTrainerConfig(Builder b, TrainerSpecs specs, byte[] defaultWarmStart,
                                TreeMap<String, byte[]> warmStarts) {
        this.specs = specs;
        this.batchSize = b.batchSize;
        this.maxBatchDelayMillis = b.maxBatchDelay == null ? 0 : b.maxBatchDelay.toMillis();
        this.endOfInput = b.endOfInput;
        this.metricsEverySteps = b.metricsEverySteps;
        this.snapshotEverySteps = b.snapshotEverySteps;
        this.snapshotIntervalMillis = b.snapshotInterval == null ? 0 : b.snapshotInterval.toMillis();
        this.snapshotOnEarlyStop = b.snapshotOnEarlyStop;
        this.snapshotAtEndOfInput = b.snapshotAtEndOfInput;
        this.includeOptimizerState = b.includeOptimizerState;
        this.seed = b.seed;
        this.defaultWarmStart = defaultWarmStart;
        this.warmStarts = warmStarts;
        this.maxCachedModels = b.maxCachedModels;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String modelSpecJson() {
        return specs.modelJson();
    }

    public String optimizerSpecJson() {
        return specs.optimizerJson();
    }

    /** Early-stopping specification as JSON, or null. */
    public String earlyStoppingSpecJson() {
        return specs.earlyStoppingJson();
    }

    public ModelSpec modelSpec() {
        return specs.model();
    }

    public OptimizerSpec optimizerSpec() {
        return specs.optimizer();
    }

    /** Early-stopping specification, or null. */
    public EarlyStoppingSpec earlyStoppingSpec() {
        return specs.earlyStopping();
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

    public int metricsEverySteps() {
        return metricsEverySteps;
    }

    /** @deprecated renamed to {@link #metricsEverySteps()}, the job YAML's name. */
    @Deprecated
    public int metricsEveryNSteps() {
        return metricsEverySteps;
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

    public EndOfInput endOfInput() {
        return endOfInput;
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
        return KeySeeds.seedFor(seed, key);
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
                + ", metricsEverySteps=" + metricsEverySteps + ", snapshotEverySteps=" + snapshotEverySteps
                + ", snapshotIntervalMillis=" + snapshotIntervalMillis + ", seed=" + seed + ", warmStarts="
                + warmStarts.keySet() + (defaultWarmStart != null ? " + default" : "") + "}";
    }

    /** Builder; {@link #build()} validates and names the offending field in its exception. */
    @PublicEvolving
    public static final class Builder {
        private String model;
        private String optimizer;
        private String earlyStopping;
        private int batchSize = TrainerOption.BATCH_SIZE.defaultValue();
        private Duration maxBatchDelay = OptionDurations.millisOrNull(TrainerOption.MAX_BATCH_DELAY_MS.defaultValue());
        private EndOfInput endOfInput = TrainerOption.END_OF_INPUT.defaultValue();
        private int metricsEverySteps = TrainerOption.METRICS_EVERY_STEPS.defaultValue();
        private long snapshotEverySteps = TrainerOption.SNAPSHOT_EVERY_STEPS.defaultValue();
        private Duration snapshotInterval = OptionDurations.millisOrNull(TrainerOption.SNAPSHOT_INTERVAL_MS.defaultValue());
        private boolean snapshotOnEarlyStop = TrainerOption.SNAPSHOT_ON_EARLY_STOP.defaultValue();
        private boolean snapshotAtEndOfInput = TrainerOption.SNAPSHOT_AT_END_OF_INPUT.defaultValue();
        private boolean includeOptimizerState = TrainerOption.INCLUDE_OPTIMIZER_STATE.defaultValue();
        private long seed = TrainerOption.SEED.defaultValue();
        private byte[] defaultWarmStart;
        private final TreeMap<String, byte[]> warmStarts = new TreeMap<>();
        private int maxCachedModels = TrainerOption.MAX_CACHED_MODELS.defaultValue();

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

        /** Flush a partial batch this many ms after its first row; 0 = never (the job YAML's form). */
        public Builder maxBatchDelayMs(long millis) {
            this.maxBatchDelay = OptionDurations.millisOrNull(TrainerOption.MAX_BATCH_DELAY_MS.check(millis));
            return this;
        }

        public Builder metricsEverySteps(int n) {
            this.metricsEverySteps = n;
            return this;
        }

        /** @deprecated renamed to {@link #metricsEverySteps(int)}, the job YAML's name. */
        @Deprecated
        public Builder metricsEveryNSteps(int n) {
            return metricsEverySteps(n);
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

        /** Processing-time snapshot period per key in ms; 0 = off (the job YAML's form). */
        public Builder snapshotIntervalMs(long millis) {
            this.snapshotInterval = OptionDurations.millisOrNull(TrainerOption.SNAPSHOT_INTERVAL_MS.check(millis));
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

        public Builder endOfInput(EndOfInput e) {
            this.endOfInput = TrainerOption.END_OF_INPUT.check(e);
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
            TrainerSpecs specs = TrainerSpecs.parse(model, optimizer, earlyStopping);
            ModelSpec m = specs.model();
            TrainerOption.BATCH_SIZE.check(batchSize);
            boolean bn = m.layers().stream().anyMatch(l -> l instanceof LayerSpec.BatchNormalization);
            if (bn && batchSize < 2) {
                throw new IllegalArgumentException("batchSize: a model with BatchNormalization needs batchSize >= 2"
                        + " (a 1-row batch has zero variance), got " + batchSize);
            }
            OptionDurations.positive("maxBatchDelay", maxBatchDelay);
            TrainerOption.METRICS_EVERY_STEPS.check(metricsEverySteps);
            TrainerOption.SNAPSHOT_EVERY_STEPS.check(snapshotEverySteps);
            OptionDurations.positive("snapshotInterval", snapshotInterval);
            TrainerOption.MAX_CACHED_MODELS.check(maxCachedModels);
            Trainer trainer = new Trainer(m, specs.optimizer(), specs.earlyStopping());
            byte[] def = defaultWarmStart == null ? null : WarmStartStates.normalize("defaultWarmStart", trainer, defaultWarmStart);
            TreeMap<String, byte[]> per = new TreeMap<>();
            for (Map.Entry<String, byte[]> e : warmStarts.entrySet()) {
                per.put(e.getKey(), WarmStartStates.normalize("warmStart[" + e.getKey() + "]", trainer, e.getValue()));
            }
            return new OnlineTrainerConfig(this, specs, def, per);
        }
    }
}
