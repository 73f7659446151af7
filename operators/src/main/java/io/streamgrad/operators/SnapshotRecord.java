package io.streamgrad.operators;

import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotBuilder;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.snapshot.SnapshotSpecs;
import io.streamgrad.model.spec.SpecWriter;
import io.streamgrad.model.state.ModelStateCodec;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A model snapshot as it flows through Flink (side output): metadata, the binary state
 * ({@link ModelStateCodec}) and the model and optimizer specifications as canonical JSON. A Flink
 * POJO, so it crosses the network without Kryo. {@link #toModelSnapshot()} is the only way back
 * to the engine's {@link ModelSnapshot}, which {@code SnapshotJson} renders as JSON.
 */
@PublicEvolving
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
    /** What triggered this snapshot. */
    public SnapshotTrigger trigger;
    public long createdAt;
    /** {@code ModelStateCodec} bytes: the full state, or weights only (see {@link #includeOptimizerState}). */
    public byte[] state;
    /** Whether {@link #state} is the full, resumable state or weights and BN statistics only. */
    public boolean includeOptimizerState;
    /** Model specification, canonical JSON ({@code SpecWriter.model}). */
    public String modelSpec;
    /** Optimizer specification, canonical JSON ({@code SpecWriter.optimizer}). */
    public String optimizerSpec;

    public SnapshotRecord() {}

    /** The wire form of {@code snapshot}; the spec texts must be the canonical JSON of its specs. */
    public static SnapshotRecord of(ModelSnapshot snapshot, SnapshotTrigger trigger, String modelSpecJson,
                                    String optimizerSpecJson) {
        SnapshotRecord r = new SnapshotRecord();
        r.modelKey = snapshot.modelKey();
        r.version = snapshot.version();
        r.step = snapshot.step();
        r.examplesSeen = snapshot.examplesSeen();
        r.lastLoss = snapshot.lastLoss();
        r.stopped = snapshot.stopped();
        r.stopReason = snapshot.stopReason();
        r.trigger = trigger;
        r.createdAt = snapshot.createdAtMillis();
        r.state = ModelStateCodec.encode(snapshot.state());
        r.includeOptimizerState = snapshot.includesOptimizerState();
        r.modelSpec = modelSpecJson;
        r.optimizerSpec = optimizerSpecJson;
        return r;
    }

    /**
     * The record of a {@code streamgrad-snapshot/1} JSON snapshot (a snapshot topic's value), e.g.
     * to feed {@link OnlineScoring}; the JSON does not say what triggered it, so {@link #trigger}
     * is null.
     *
     * @throws io.streamgrad.model.spec.SpecException naming the field when the JSON is malformed
     */
    public static SnapshotRecord fromJson(byte[] json) {
        ModelSnapshot s = SnapshotJson.fromBytes(json);
        ModelSnapshot published = s.includesOptimizerState() ? s : new ModelSnapshot(s.modelKey(), s.version(),
                s.step(), s.examplesSeen(), s.lastLoss(), s.stopped(), s.stopReason(), s.createdAtMillis(), s.model(),
                s.optimizer(), SnapshotBuilder.weightsOnly(s.state()), false);
        return of(published, null, SpecWriter.model(s.model()).toString(), SpecWriter.optimizer(s.optimizer()).toString());
    }

    /** The engine's snapshot (the state decoded, the specifications parsed). */
    public ModelSnapshot toModelSnapshot() {
        SnapshotSpecs specs = SnapshotSpecs.parse(modelSpec, optimizerSpec);
        return new ModelSnapshot(modelKey, version, step, examplesSeen, lastLoss, stopped, stopReason, createdAt,
                specs.model(), specs.optimizer(), ModelStateCodec.decode(state), includeOptimizerState);
    }

    @Override
    public String toString() {
        return "SnapshotRecord{" + modelKey + ", v" + version + ", step=" + step + ", trigger=" + trigger
                + (stopped ? ", stopped: " + stopReason : "") + "}";
    }
}
