package io.streamgrad.operators;

import org.apache.flink.annotation.PublicEvolving;

/**
 * A record that could not be used, with the reason and the original value, so nothing is
 * silently dropped. A Flink POJO.
 */
@PublicEvolving
public class DeadLetter {
    /** {@link #stage} of examples the trainer rejected. */
    public static final String STAGE_TRAIN = "train";
    /** {@link #stage} of events the scoring operator could not score. */
    public static final String STAGE_SCORE = "score";
    /** {@link #stage} of snapshots the scoring operator refused to serve. */
    public static final String STAGE_SNAPSHOT = "snapshot";

    /** Model key, if it could be determined; else null. */
    public String modelKey;
    /** Where it was rejected: {@code parse} (jobs), {@code train}, {@code score} or {@code snapshot} (operators). */
    public String stage;
    /** Human-readable reason, e.g. "features: expected 32 values, got 31". */
    public String reason;
    /** The original record text (may be truncated for huge records; see {@link #rawLength}). */
    public String record;
    /** Length of the original record in characters (or bytes when not text). */
    public int rawLength;
    /** Processing time of the rejection, epoch milliseconds. */
    public long timestamp;

    public DeadLetter() {}

    public DeadLetter(String modelKey, String stage, String reason, String record, int rawLength, long timestamp) {
        this.modelKey = modelKey;
        this.stage = stage;
        this.reason = reason;
        this.record = record;
        this.rawLength = rawLength;
        this.timestamp = timestamp;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + stage + ", key=" + modelKey + ", reason=" + reason + "}";
    }
}
