package io.streamgrad.operators;

/**
 * A model snapshot as it flows through Flink (side output): metadata plus the binary
 * {@code ModelState} (see {@code ModelStateCodec}) and the model and optimizer specifications as
 * canonical JSON. {@link #toModelSnapshot()} gives the engine's {@code ModelSnapshot}, which
 * {@code SnapshotJson} renders as the public {@code streamgrad-snapshot/1} JSON. A Flink POJO.
 */
public class SnapshotRecord {
    public String modelKey;
    /** Model version (monotonic per key, also across restarts and warm starts). */
    public long version;
    public long step;
    public long examplesSeen;
    public double lastLoss;
    public boolean stopped;
    /** Why the model stopped (early stopping), or null. */
    public String stopReason;
    /** What triggered this snapshot: steps, interval, earlyStop, endOfInput. */
    public String trigger;
    public long createdAt;
    /** {@code ModelStateCodec} bytes of the full state. */
    public byte[] state;
    /** Whether consumers should receive the optimizer state (resumable) or weights only. */
    public boolean includeOptimizerState;
    /** Model specification, canonical JSON ({@code SpecWriter.model}). */
    public String modelSpec;
    /** Optimizer specification, canonical JSON ({@code SpecWriter.optimizer}). */
    public String optimizerSpec;

    public SnapshotRecord() {}

    /**
     * The engine's snapshot. Without optimizer state the {@code state} has weights and BN
     * statistics only (no optimizer slots); {@code includesOptimizerState()} says so.
     */
    public io.streamgrad.model.snapshot.ModelSnapshot toModelSnapshot() {
        var model = io.streamgrad.model.spec.SpecParser.model(io.streamgrad.model.spec.SpecParser.readTree(modelSpec));
        var optimizer = io.streamgrad.model.spec.SpecParser.optimizer(
                io.streamgrad.model.spec.SpecParser.readTree(optimizerSpec));
        return new io.streamgrad.model.snapshot.ModelSnapshot(modelKey, version, step, examplesSeen, lastLoss, stopped,
                stopReason, createdAt, model, optimizer, io.streamgrad.model.state.ModelStateCodec.decode(state),
                includeOptimizerState);
    }

    @Override
    public String toString() {
        return "SnapshotRecord{" + modelKey + ", v" + version + ", step=" + step + ", trigger=" + trigger
                + (stopped ? ", stopped: " + stopReason : "") + "}";
    }
}
