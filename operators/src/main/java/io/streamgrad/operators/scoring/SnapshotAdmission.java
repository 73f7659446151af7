package io.streamgrad.operators.scoring;

import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.operators.SnapshotRecord;
import java.util.List;
import org.apache.flink.annotation.Internal;

/**
 * Decides whether a published snapshot may serve its key. Everything in a record from the
 * snapshot topic is untrusted: the specification must parse, the state must decode within the
 * bytes present, match the specification's shapes, hold only finite weights and carry the
 * record's version; the model's classes must match the configured class names.
 */
@Internal
public final class SnapshotAdmission {
    private final List<String> classNames;

    public SnapshotAdmission(List<String> classNames) {
        this.classNames = classNames;
    }

    /** Thrown with the reason a snapshot is refused (the message is the dead letter's reason). */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The model of {@code r}, ready to serve {@code key}. */
    public Predictor admit(String key, SnapshotRecord r) throws Rejected {
        if (r.modelKey == null || !r.modelKey.equals(key)) {
            throw new Rejected("snapshot: model key " + r.modelKey + " is not the key " + key);
        }
        if (r.modelSpec == null || r.state == null) {
            throw new Rejected("snapshot v" + r.version + ": " + (r.modelSpec == null ? "modelSpec" : "state")
                    + " is missing");
        }
        Predictor p;
        try {
            ModelSpec model = SpecParser.model(SpecParser.readTree(r.modelSpec), "modelSpec");
            p = Predictor.fromState(model, r.state, key, r.createdAt);
        } catch (RuntimeException e) { // untrusted bytes: any failure to decode is a refusal, never a crash
            throw new Rejected("snapshot v" + r.version + ": " + e.getMessage());
        }
        if (p.version() != r.version) {
            throw new Rejected("snapshot v" + r.version + ": its state has version " + p.version());
        }
        int classes = p.outputKind().classCount(p.outputDim());
        if (!classNames.isEmpty() && classNames.size() != classes) {
            throw new Rejected("snapshot v" + r.version + ": the model has " + classes + " classes ("
                    + p.outputKind() + "), " + classNames.size() + " class names are configured");
        }
        return p;
    }
}
