package io.streamgrad.operators;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SideOutputDataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Entry point for jobs: adds the {@link OnlineTrainerOperator} to a keyed stream of examples.
 *
 * <pre>{@code
 * SingleOutputStreamOperator<LossMetric> metrics =
 *     OnlineTraining.train(examples.keyBy(e -> e.modelKey), config, "online-trainer");
 * DataStream<SnapshotRecord> snapshots = OnlineTraining.snapshots(metrics);
 * DataStream<DeadLetter> deadLetters = OnlineTraining.deadLetters(metrics);
 * }</pre>
 */
@PublicEvolving
public final class OnlineTraining {
    public static final String OPERATOR_NAME = "OnlineTrainer";

    private OnlineTraining() {}

    /** Trains one model per key; the operator has no uid (set one for savepoint compatibility). */
    public static SingleOutputStreamOperator<LossMetric> train(KeyedStream<Example, String> examples,
                                                               OnlineTrainerConfig config) {
        if (examples == null) {
            throw new IllegalArgumentException("examples: must not be null");
        }
        return examples.transform(OPERATOR_NAME, TypeInformation.of(LossMetric.class),
                new OnlineTrainerOperator(config));
    }

    /** Like {@link #train(KeyedStream, OnlineTrainerConfig)} with a stable operator uid. */
    public static SingleOutputStreamOperator<LossMetric> train(KeyedStream<Example, String> examples,
                                                               OnlineTrainerConfig config, String uid) {
        SingleOutputStreamOperator<LossMetric> out = train(examples, config);
        if (uid != null) {
            out.uid(uid).name(OPERATOR_NAME + " (" + uid + ")");
        }
        return out;
    }

    /**
     * Trains one model per key and predicts records with the live models as {@code predictions}
     * says (see {@link #predictions}); {@code uid} may be null.
     */
    public static SingleOutputStreamOperator<LossMetric> train(KeyedStream<Example, String> examples,
                                                               OnlineTrainerConfig config,
                                                               TrainerPredictions predictions, String uid) {
        if (examples == null) {
            throw new IllegalArgumentException("examples: must not be null");
        }
        SingleOutputStreamOperator<LossMetric> out = examples.transform(OPERATOR_NAME,
                TypeInformation.of(LossMetric.class), new OnlineTrainerOperator(config, predictions));
        if (uid != null) {
            out.uid(uid).name(OPERATOR_NAME + " (" + uid + ")");
        }
        return out;
    }

    /** The predictions side output of a stream returned by {@code train} with {@link TrainerPredictions}. */
    public static SideOutputDataStream<PredictionRecord> predictions(SingleOutputStreamOperator<LossMetric> trained) {
        return trained.getSideOutput(OnlineTrainerOperator.PREDICTIONS);
    }

    /** The snapshot side output of a stream returned by {@code train}. */
    public static SideOutputDataStream<SnapshotRecord> snapshots(SingleOutputStreamOperator<LossMetric> trained) {
        return trained.getSideOutput(OnlineTrainerOperator.SNAPSHOTS);
    }

    /** The dead-letter side output of a stream returned by {@code train}. */
    public static SideOutputDataStream<DeadLetter> deadLetters(SingleOutputStreamOperator<LossMetric> trained) {
        return trained.getSideOutput(OnlineTrainerOperator.DEAD_LETTERS);
    }
}
