package io.streamgrad.operators.labels;

import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SideOutputDataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * Entry point for delayed labels: pairs scored events with their labels by event id within an
 * event-time horizon and emits training examples with the features exactly as scored.
 *
 * <pre>{@code
 * SingleOutputStreamOperator<Example> examples = LabelJoin.join(scored, labels,
 *     LabelJoinConfig.builder().horizon(Duration.ofMinutes(30)).defaultLabel(0f).build(), "label-join");
 * DataStream<DeadLetter> rejected = LabelJoin.deadLetters(examples);
 * OnlineTraining.train(examples.keyBy(e -> e.modelKey), trainerConfig, "trainer");
 * }</pre>
 *
 * Both inputs need event-time timestamps and watermarks: an unlabelled event is resolved when the
 * watermark passes its time plus the horizon.
 */
@PublicEvolving
public final class LabelJoin {
    public static final String OPERATOR_NAME = "LabelJoin";
    /** {@link DeadLetter#stage} of records the join rejected. */
    public static final String STAGE = "label-join";
    /** Side output of rejected records: invalid, late, duplicate. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("streamgrad-label-join-dead-letters", TypeInformation.of(DeadLetter.class));

    private LabelJoin() {}

    /** Joins the two streams; the operator has no uid (set one for savepoint compatibility). */
    public static SingleOutputStreamOperator<Example> join(DataStream<ScoredEvent> scored,
                                                           DataStream<LabelRecord> labels, LabelJoinConfig config) {
        if (scored == null) {
            throw new IllegalArgumentException("scored: must not be null");
        }
        if (labels == null) {
            throw new IllegalArgumentException("labels: must not be null");
        }
        return scored.connect(labels)
                .keyBy(new EventIdOfEvent(), new EventIdOfLabel(), Types.STRING)
                .transform(OPERATOR_NAME, TypeInformation.of(Example.class), new LabelJoinOperator(config));
    }

    /** Like {@link #join(DataStream, DataStream, LabelJoinConfig)} with a stable operator uid. */
    public static SingleOutputStreamOperator<Example> join(DataStream<ScoredEvent> scored,
                                                           DataStream<LabelRecord> labels, LabelJoinConfig config,
                                                           String uid) {
        SingleOutputStreamOperator<Example> out = join(scored, labels, config);
        if (uid != null) {
            out.uid(uid).name(OPERATOR_NAME + " (" + uid + ")");
        }
        return out;
    }

    /** The dead-letter side output of a stream returned by {@code join}. */
    public static SideOutputDataStream<DeadLetter> deadLetters(SingleOutputStreamOperator<Example> joined) {
        return joined.getSideOutput(DEAD_LETTERS);
    }

    /** Key of a scored event; records without an id go to one key and are rejected there. */
    static final class EventIdOfEvent implements KeySelector<ScoredEvent, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(ScoredEvent e) {
            return e.eventId == null ? "" : e.eventId;
        }
    }

    /** Key of a label; records without an id go to one key and are rejected there. */
    static final class EventIdOfLabel implements KeySelector<LabelRecord, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(LabelRecord l) {
            return l.eventId == null ? "" : l.eventId;
        }
    }
}
