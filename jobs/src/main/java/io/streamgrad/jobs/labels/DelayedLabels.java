package io.streamgrad.jobs.labels;

import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.Labels;
import io.streamgrad.jobs.input.InputParser;
import io.streamgrad.jobs.input.ParseResult;
import io.streamgrad.jobs.kafka.FinishingKafkaSource;
import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.labels.LabelJoin;
import io.streamgrad.operators.labels.LabelRecord;
import io.streamgrad.operators.labels.ScoredEvent;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Wires the {@code labels} section into the training job:
 * <pre>
 *   parsed input --(unlabelled: ScoredEvent)--\
 *                                              LabelJoin (keyed by event id) -> TrainingOrder (keyed by model key)
 *   labels topic -> LabelDeserializer --------/        -> back into the trainer's input, beside the events
 * </pre>
 * The unlabelled events still reach the trainer, which predicts them; the joined (or defaulted)
 * examples train it. Both topics carry event-time watermarks ({@link #watermarks}). Operator uids
 * are fixed here ({@code kafka-labels}, {@code parse-labels}, {@code label-events}, {@code label-join},
 * {@code label-order}) so a job restores from its checkpoints and savepoints.
 */
@Internal
public final class DelayedLabels {
    public static final String LABELS_SOURCE_UID = "kafka-labels";
    public static final String JOIN_UID = "label-join";
    public static final String ORDER_UID = "label-order";

    /**
     * Timestamp of a record that is not an event or a label (a dead letter, a skipped record): its Kafka
     * timestamp says nothing about event time and must not move the watermark (a malformed record
     * produced now would otherwise expire every pending event).
     */
    static final long NO_PROGRESS = Long.MIN_VALUE;

    private DelayedLabels() {}

    /** The trainer's input with the joined examples added, and the dead letters of the labels stages. */
    public record Wired(DataStream<Example> examples, DataStream<DeadLetter> deadLetters) {}

    /** The input parser that also reads each record's event id. */
    public static InputParser parser(JobConfig cfg, InputParser parser) {
        return new EventIdParser(parser, cfg.input(), cfg.labels());
    }

    /**
     * Event-time watermarks of the input topic: the record's {@code eventTime} field when it has one, else its
     * Kafka timestamp ({@link #NO_PROGRESS} for records that did not parse), bounded out-of-orderness and
     * idleness as {@code labels} says.
     */
    public static WatermarkStrategy<ParseResult> watermarks(Labels labels) {
        return withIdleness(WatermarkStrategy.<ParseResult>forBoundedOutOfOrderness(
                        Duration.ofMillis(labels.maxOutOfOrdernessMs()))
                .withTimestampAssigner((r, kafkaTime) -> r.example == null ? NO_PROGRESS
                        : r.example.eventTime != Example.NO_TIMESTAMP ? r.example.eventTime : kafkaTime), labels);
    }

    /** Adds the labels source, the join and the ordering stage; {@code parsed} = the job's parsed input records. */
    public static Wired attach(StreamExecutionEnvironment env, JobConfig cfg, DataStream<Example> parsed,
                               Properties sourceProperties, OffsetsInitializer startingOffsets) {
        Labels labels = cfg.labels();
        var builder = KafkaSource.<LabelParse>builder()
                .setBootstrapServers(cfg.kafka().bootstrapServers())
                .setTopics(labels.topic())
                .setGroupId(cfg.kafka().groupId())
                .setStartingOffsets(startingOffsets)
                .setProperties(sourceProperties)
                .setDeserializer(new LabelDeserializer(labels, cfg.input().classes(), cfg.input().maxRecordChars()));
        if (cfg.kafka().bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        WatermarkStrategy<LabelParse> labelTime = withIdleness(WatermarkStrategy.<LabelParse>forBoundedOutOfOrderness(
                        Duration.ofMillis(labels.maxOutOfOrdernessMs()))
                .withTimestampAssigner((p, kafkaTime) -> p.label == null ? NO_PROGRESS
                        : p.label.eventTime != ScoredEvent.NO_TIMESTAMP ? p.label.eventTime : kafkaTime), labels);
        SingleOutputStreamOperator<LabelRecord> labelRecords = env
                .fromSource(new FinishingKafkaSource<>(builder.build()), labelTime, "kafka: " + labels.topic())
                .uid(LABELS_SOURCE_UID)
                .process(new SplitLabels()).uid("parse-labels").name("parse labels");
        DataStream<ScoredEvent> events = parsed.flatMap(new ScoredEvents())
                .returns(TypeInformation.of(ScoredEvent.class)).uid("label-events").name("events to join");
        SingleOutputStreamOperator<Example> joined = LabelJoin.join(events, labelRecords, labels.joinConfig(), JOIN_UID);
        SingleOutputStreamOperator<Example> ordered = joined.keyBy(new ModelKeyOf())
                .process(new TrainingOrder(cfg.models())).uid(ORDER_UID).name("label order");
        DataStream<DeadLetter> deadLetters = labelRecords.getSideOutput(SplitLabels.DEAD_LETTERS)
                .union(LabelJoin.deadLetters(joined), ordered.getSideOutput(TrainingOrder.DEAD_LETTERS));
        return new Wired(parsed.union(ordered), deadLetters);
    }

    /** Keys joined examples by model key. */
    private static final class ModelKeyOf implements KeySelector<Example, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Example e) {
            return e.modelKey;
        }
    }

    private static <T> WatermarkStrategy<T> withIdleness(WatermarkStrategy<T> s, Labels labels) {
        return labels.idleTimeoutMs() > 0 ? s.withIdleness(Duration.ofMillis(labels.idleTimeoutMs())) : s;
    }
}
