package io.streamgrad.operators;

import java.util.List;
import java.util.function.Function;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One option of the {@link OnlineTrainerOperator}, defined once: the name used by
 * {@link OnlineTrainerConfig.Builder} (and its error messages), where the option lives in the job
 * YAML, its default and its validation. The builder and the job YAML both read their defaults and
 * checks from here, so the two cannot drift apart.
 *
 * @param name the builder's name of the option
 * @param yamlPath section and field in the job YAML ({@code training.batchSize}), or null when the
 *     option is only set through the builder
 * @param defaultValue value when the option is not set
 * @param description one line for documentation
 * @param problem returns what is wrong with a value, or null when it is valid
 * @param valueIn reads the option from a built configuration
 * @param <T> value type
 */
@PublicEvolving
public record TrainerOption<T>(String name, String yamlPath, T defaultValue, String description,
                               Function<T, String> problem, Function<OnlineTrainerConfig, T> valueIn) {

    public static final TrainerOption<Integer> BATCH_SIZE = new TrainerOption<>("batchSize", "training.batchSize", 32,
            "rows per mini-batch; a batch is trained as soon as it is full", atLeast(1), OnlineTrainerConfig::batchSize);
    public static final TrainerOption<Long> MAX_BATCH_DELAY_MS = new TrainerOption<>("maxBatchDelay",
            "training.maxBatchDelayMs", 1_000L,
            "ms of processing time after a key's first buffered row after which a partial batch is trained (0 = only "
                    + "full batches while the input lasts; see endOfInput for the rows left at its end)",
            atLeast(0L), OnlineTrainerConfig::maxBatchDelayMillis);
    public static final TrainerOption<EndOfInput> END_OF_INPUT = new TrainerOption<>("endOfInput",
            "training.endOfInput", EndOfInput.TRAIN,
            "a key's partial batch when a bounded input ends: train (one smaller step) or drop (its rows become dead letters)",
            v -> v == null ? "must be train or drop" : null, OnlineTrainerConfig::endOfInput);
    public static final TrainerOption<Integer> METRICS_EVERY_STEPS = new TrainerOption<>("metricsEverySteps",
            "training.metricsEverySteps", 1, "one loss metric per step, or one aggregated over this many steps",
            atLeast(1), OnlineTrainerConfig::metricsEverySteps);
    public static final TrainerOption<Long> SEED = new TrainerOption<>("seed", "training.seed", 42L,
            "the model of key k starts from OnlineTrainerConfig.seedFor(seed, k)", v -> null, OnlineTrainerConfig::seed);
    public static final TrainerOption<Long> SNAPSHOT_EVERY_STEPS = new TrainerOption<>("snapshotEverySteps",
            "snapshots.everySteps", 100L, "snapshot when the model version is a multiple of this (0 = off)",
            atLeast(0L), OnlineTrainerConfig::snapshotEverySteps);
    public static final TrainerOption<Long> SNAPSHOT_INTERVAL_MS = new TrainerOption<>("snapshotInterval",
            "snapshots.intervalMs", 0L,
            "processing-time snapshot period per key in ms, only while the model changes (0 = off)",
            atLeast(0L), OnlineTrainerConfig::snapshotIntervalMillis);
    public static final TrainerOption<Boolean> SNAPSHOT_ON_EARLY_STOP = new TrainerOption<>("snapshotOnEarlyStop",
            "snapshots.onEarlyStop", true, "snapshot a key's model when early stopping ends its training",
            v -> null, OnlineTrainerConfig::snapshotOnEarlyStop);
    public static final TrainerOption<Boolean> INCLUDE_OPTIMIZER_STATE = new TrainerOption<>("includeOptimizerState",
            "snapshots.includeOptimizerState", true,
            "snapshots carry optimizer slots (resumable) rather than only weights and statistics",
            v -> null, OnlineTrainerConfig::includeOptimizerState);
    public static final TrainerOption<Boolean> SNAPSHOT_AT_END_OF_INPUT = new TrainerOption<>("snapshotAtEndOfInput",
            null, true, "snapshot every changed model when a bounded input ends",
            v -> null, OnlineTrainerConfig::snapshotAtEndOfInput);
    public static final TrainerOption<Integer> MAX_CACHED_MODELS = new TrainerOption<>("maxCachedModels", null, 4096,
            "size of the operator's write-back model cache per subtask (RocksDB/ForSt backends)",
            atLeast(1), OnlineTrainerConfig::maxCachedModels);

    /** Every option, in documentation order. */
    public static final List<TrainerOption<?>> ALL = List.of(BATCH_SIZE, MAX_BATCH_DELAY_MS, END_OF_INPUT,
            METRICS_EVERY_STEPS, SEED,
            SNAPSHOT_EVERY_STEPS, SNAPSHOT_INTERVAL_MS, SNAPSHOT_ON_EARLY_STOP, INCLUDE_OPTIMIZER_STATE,
            SNAPSHOT_AT_END_OF_INPUT, MAX_CACHED_MODELS);

    /** The value, or the default when {@code value} is null (not set). */
    public T orDefault(T value) {
        return value == null ? defaultValue : value;
    }

    /** Checks a value set through the builder; the exception names the option. */
    public T check(T value) {
        return check(name, value);
    }

    /**
     * Checks a value; {@code field} names it in the exception (the builder passes {@link #name()},
     * the job YAML its own path).
     */
    public T check(String field, T value) {
        String p = problem.apply(value);
        if (p != null) {
            throw new IllegalArgumentException(field + ": " + p);
        }
        return value;
    }

    /** The value's problem, or null when valid. */
    public String problemWith(T value) {
        return problem.apply(value);
    }

    /** The field within the YAML section ({@code batchSize} of {@code training.batchSize}), or null. */
    public String yamlField() {
        return yamlPath == null ? null : yamlPath.substring(yamlPath.indexOf('.') + 1);
    }

    private static <N extends Comparable<N>> Function<N, String> atLeast(N min) {
        return v -> v.compareTo(min) < 0 ? "must be >= " + min + ", got " + v : null;
    }
}
