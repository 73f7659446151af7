package io.streamgrad.operators;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SideOutputDataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Entry point for jobs: scores a keyed stream of events with the newest model of each key from
 * a stream of snapshots (e.g. the trainer's snapshot side output, or the snapshot topic).
 *
 * <pre>{@code
 * SingleOutputStreamOperator<PredictionRecord> predictions = OnlineScoring.score(
 *     events.keyBy(e -> e.modelKey), OnlineTraining.snapshots(metrics), ScoringConfig.defaults(), "scorer");
 * DataStream<DeadLetter> deadLetters = OnlineScoring.deadLetters(predictions);
 * }</pre>
 */
@PublicEvolving
public final class OnlineScoring {
    public static final String OPERATOR_NAME = "OnlineScorer";

    private OnlineScoring() {}

    /** Scores {@code events}; the operator has no uid (set one for savepoint compatibility). */
    public static SingleOutputStreamOperator<PredictionRecord> score(KeyedStream<Example, String> events,
                                                                     DataStream<SnapshotRecord> snapshots,
                                                                     ScoringConfig config) {
        if (events == null || snapshots == null) {
            throw new IllegalArgumentException((events == null ? "events" : "snapshots") + ": must not be null");
        }
        KeySelector<SnapshotRecord, String> byModelKey = s -> s.modelKey;
        return events.connect(snapshots.keyBy(byModelKey, Types.STRING))
                .transform(OPERATOR_NAME, TypeInformation.of(PredictionRecord.class), new ScoringOperator(config));
    }

    /** Like {@link #score(KeyedStream, DataStream, ScoringConfig)} with a stable operator uid. */
    public static SingleOutputStreamOperator<PredictionRecord> score(KeyedStream<Example, String> events,
                                                                     DataStream<SnapshotRecord> snapshots,
                                                                     ScoringConfig config, String uid) {
        SingleOutputStreamOperator<PredictionRecord> out = score(events, snapshots, config);
        if (uid != null) {
            out.uid(uid).name(OPERATOR_NAME + " (" + uid + ")");
        }
        return out;
    }

    /** Events that could not be scored and refused snapshots, of a stream returned by {@code score}. */
    public static SideOutputDataStream<DeadLetter> deadLetters(SingleOutputStreamOperator<PredictionRecord> scored) {
        return scored.getSideOutput(ScoringOperator.DEAD_LETTERS);
    }
}
