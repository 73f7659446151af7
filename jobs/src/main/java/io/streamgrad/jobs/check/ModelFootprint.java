package io.streamgrad.jobs.check;

import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.ConfigException;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.JobModel;
import io.streamgrad.jobs.sink.RecordSizes;
import io.streamgrad.model.optim.Optimizer;
import io.streamgrad.model.state.Variable;
import io.streamgrad.model.state.VariableLayout;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * One model's size against the JVM heap and against the producer's {@code max.request.size}, computed from
 * the model specification alone (no broker, nothing allocated), so that {@code --validate} catches a model
 * that would otherwise die with an {@code OutOfMemoryError} or a {@code RecordTooLargeException} later.
 */
@Internal
public final class ModelFootprint {
    /** A single model may take at most this share of the heap: the operator also holds other keys' models,
     * the trainer's gradients and the snapshot being serialised. */
    static final int HEAP_SHARE = 4;

    private ModelFootprint() {}

    /** Floats in one model's state of a single-model job. */
    public static long stateFloats(JobConfig cfg) {
        return stateFloats(cfg.models().get(0));
    }

    /** Floats in one model's state: weights, optimizer slots per trainable weight, best weights if kept. */
    public static long stateFloats(JobModel m) {
        VariableLayout layout = new VariableLayout(m.model());
        long all = layout.parameterCount();
        long trainable = layout.variables().stream().filter(Variable::trainable).mapToLong(Variable::size).sum();
        long best = m.earlyStopping() != null && m.earlyStopping().restoreBestWeights() ? all : 0;
        return all + trainable * new Optimizer(m.optimizer()).slotCount() + best;
    }

    /** Floats a snapshot record carries (the optimizer slots only when snapshots include them). */
    static long snapshotFloats(JobModel m) {
        return m.snapshots().includeOptimizerState() ? stateFloats(m) : new VariableLayout(m.model()).parameterCount();
    }

    /** How a message names a model: "this model", or its name in a job with several. */
    private static String named(JobConfig cfg, JobModel m) {
        return cfg.hasModelList() ? "model '" + m.name() + "'" : "this model";
    }

    /**
     * Fails when one model's state needs more than a quarter of {@code maxHeapBytes}.
     *
     * @param maxHeapBytes the heap of the JVM that trains ({@code Runtime.maxMemory()} for a local run)
     */
    public static void checkHeap(JobConfig cfg, long maxHeapBytes) {
        for (JobModel m : cfg.models()) {
            checkHeap(cfg, m, maxHeapBytes);
        }
    }

    private static void checkHeap(JobConfig cfg, JobModel m, long maxHeapBytes) {
        long bytes = stateFloats(m) * Float.BYTES;
        if (bytes > maxHeapBytes / HEAP_SHARE) {
            throw new ConfigException(cfg.hasModelList() ? "models[" + cfg.models().indexOf(m) + "].model" : "model",
                    "one model's state (weights and optimizer slots, " + stateFloats(m)
                    + " floats) takes " + mib(bytes) + ", more than 1/" + HEAP_SHARE + " of the JVM's maximum heap of "
                    + mib(maxHeapBytes) + ": make the model smaller or give the JVM more heap (-Xmx; on a cluster "
                    + "taskmanager.memory.task.heap.size)");
        }
    }

    /**
     * Fails when a snapshot or dead-letter record would exceed {@code max.request.size}. A snapshot with more
     * floats than that many bytes cannot fit whatever its encoding, and is refused without building one.
     */
    public static void checkRecordSizes(JobConfig cfg) {
        for (JobModel m : cfg.models()) {
            checkRecordSizes(cfg, m);
        }
    }

    private static void checkRecordSizes(JobConfig cfg, JobModel m) {
        int max = RecordSizes.maxRequestSize(cfg);
        long floats = snapshotFloats(m);
        if (floats > max) {
            throw new ConfigException("kafka.properties.max.request.size", "is " + max + " bytes, but a snapshot of "
                    + named(cfg, m) + " carries " + floats + " floats (more than " + floats + " bytes): raise it (and the "
                    + "snapshot topic's max.message.bytes / the broker's message.max.bytes)"
                    + (m.snapshots().includeOptimizerState() ? ", or set snapshots.includeOptimizerState: false" : ""));
        }
        RecordSizes.check(cfg, m, OnlineTrainingJob.trainerConfig(cfg, m, Map.of()));
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
