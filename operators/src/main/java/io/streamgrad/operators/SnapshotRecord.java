package io.streamgrad.operators;

/**
 * A model snapshot as it flows through Flink (side output): metadata plus the binary
 * {@code ModelState} (see {@code ModelStateCodec}); the specification is the job's, so it is
 * not repeated per record. {@code toModelSnapshot} in the jobs layer renders the public
 * {@code streamgrad-snapshot/1} JSON. A Flink POJO.
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

    public SnapshotRecord() {}

    @Override
    public String toString() {
        return "SnapshotRecord{" + modelKey + ", v" + version + ", step=" + step + ", trigger=" + trigger
                + (stopped ? ", stopped: " + stopReason : "") + "}";
    }
}
