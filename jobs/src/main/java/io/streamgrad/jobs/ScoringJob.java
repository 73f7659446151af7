package io.streamgrad.jobs;

import io.streamgrad.jobs.cli.JobOptions;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.Scoring;
import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.jobs.input.RoutingParser;
import io.streamgrad.jobs.input.ParseResult;
import io.streamgrad.jobs.input.SplitParsed;
import io.streamgrad.jobs.kafka.KafkaPreflight;
import io.streamgrad.jobs.scoring.EventDeserializer;
import io.streamgrad.jobs.scoring.KafkaEndpoints;
import io.streamgrad.jobs.scoring.ParsedSnapshot;
import io.streamgrad.jobs.scoring.SnapshotDeserializer;
import io.streamgrad.jobs.scoring.SplitSnapshots;
import io.streamgrad.jobs.sink.PredictionJson;
import io.streamgrad.jobs.sink.Serializers;
import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.OnlineScoring;
import io.streamgrad.operators.PredictionRecord;
import io.streamgrad.operators.SnapshotRecord;
import io.streamgrad.jobs.config.Kafka;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring pipeline of {@code streamgrad score}: events topic -> parse (the {@code input}
 * section; a label is ignored) -> keyBy model key, connected with the snapshot topic (read from the
 * earliest offset, read_committed) -> {@code OnlineScoring} -> predictions topic (JSON, record key =
 * model key), plus dead letters (unparsable events, unreadable or refused snapshots, events that
 * could not be scored). Exactly-once with checkpointing, like the training job.
 */
@PublicEvolving
public final class ScoringJob {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringJob.class);
    public static final String EVENTS_UID = "kafka-events";
    public static final String SNAPSHOTS_UID = "kafka-snapshots";
    public static final String SCORER_UID = "online-scorer";
    /** Suffix of the consumer group and transactional ids, so a training and a scoring job of one YAML never share them. */
    public static final String ID_SUFFIX = "-scoring";

    private ScoringJob() {}

    /**
     * {@code flink run -c io.streamgrad.jobs.ScoringJob streamgrad-flink-job.jar --config job.yaml
     * [--set path=value ...] [--validate]}: submits the scoring job to the cluster running the jar.
     */
    public static void main(String[] args) throws Exception {
        JobOptions options = JobOptions.parse(List.of(args));
        JobConfig cfg = options.load();
        if (options.validateOnly()) {
            System.out.println("configuration OK");
            System.out.println(describe(cfg));
            return;
        }
        KafkaPreflight.check(cfg); // wrong credentials fail the submission, not a restarting job
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, cfg);
        env.execute(cfg.jobName() + ID_SUFFIX);
    }

    /** A summary of the scoring job for logs and {@code score --validate}. */
    public static String describe(JobConfig cfg) {
        Scoring s = cfg.scoring();
        long checkpoints = Scoring.checkpointIntervalMs(cfg.checkpointing());
        return "scoring job " + cfg.jobName() + ID_SUFFIX + " (parallelism " + cfg.parallelism() + ")\n"
                + "  kafka " + cfg.kafka().bootstrapServers() + ", group " + cfg.kafka().groupId() + ID_SUFFIX + ", "
                + cfg.kafka().deliveryGuarantee() + (cfg.kafka().bounded() ? ", bounded" : "") + "\n"
                + "  events " + s.events() + " (input " + cfg.input().format() + ", key from " + cfg.input().keyFrom()
                + ") + snapshots " + s.snapshots() + " -> predictions " + s.predictions() + ", dead letters "
                + cfg.topics().deadLetters() + "\n"
                + "  events before their key's first model: " + s.earlyEvents()
                + (s.earlyEvents() == Scoring.EarlyEvents.HOLD ? " (up to " + s.maxHeldEventsPerKey() + " per key)" : "")
                + "\n  checkpoint every " + checkpoints + " ms" + (cfg.checkpointing().intervalSet() ? ""
                        : " (the scoring default: checkpointing.intervalMs is not set)")
                + (cfg.kafka().deliveryGuarantee() == Kafka.DeliveryGuarantee.EXACTLY_ONCE && checkpoints > 0
                        ? "; predictions become visible to read_committed consumers at each checkpoint" : "");
    }

    /** Adds the pipeline to {@code env}; returns the predictions stream. */
    public static SingleOutputStreamOperator<PredictionRecord> build(StreamExecutionEnvironment env, JobConfig cfg) {
        return build(env, cfg, UnaryOperator.identity());
    }

    /** Like {@link #build(StreamExecutionEnvironment, JobConfig)}, with {@code beforeScoring} applied to the parsed events. */
    @VisibleForTesting
    public static SingleOutputStreamOperator<PredictionRecord> build(StreamExecutionEnvironment env, JobConfig cfg,
                                                                     UnaryOperator<DataStream<Example>> beforeScoring) {
        LOG.info("StreamGrad scoring job:\n{}", describe(cfg));
        Scoring s = cfg.scoring();
        OnlineTrainingJob.configureEnvironment(env, cfg);
        long checkpoints = Scoring.checkpointIntervalMs(cfg.checkpointing());
        if (checkpoints > 0) {
            env.enableCheckpointing(checkpoints, CheckpointingMode.EXACTLY_ONCE);
        }
        String group = cfg.kafka().groupId() + ID_SUFFIX;

        var events = KafkaSource.<ParseResult>builder()
                .setBootstrapServers(cfg.kafka().bootstrapServers())
                .setTopics(s.events())
                .setGroupId(group)
                .setStartingOffsets(KafkaEndpoints.eventOffsets(cfg))
                .setProperties(KafkaEndpoints.sourceProperties(cfg))
                .setDeserializer(new EventDeserializer(cfg.hasModelList()
                        ? new RoutingParser(cfg, true) : new ExampleParser(cfg.input(), cfg.model(), true)));
        // every snapshot from the start: the newest model of each key must be known before its events
        var snapshots = KafkaSource.<ParsedSnapshot>builder()
                .setBootstrapServers(cfg.kafka().bootstrapServers())
                .setTopics(s.snapshots())
                .setGroupId(group)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setProperties(KafkaEndpoints.sourceProperties(cfg))
                .setDeserializer(new SnapshotDeserializer());
        if (cfg.kafka().bounded()) {
            events.setBounded(OffsetsInitializer.latest());
            snapshots.setBounded(OffsetsInitializer.latest());
        }

        SingleOutputStreamOperator<Example> parsedEvents = env
                .fromSource(events.build(), WatermarkStrategy.noWatermarks(), "kafka: " + s.events())
                .uid(EVENTS_UID)
                .process(new SplitParsed())
                .uid("parse-events")
                .name("parse " + cfg.input().format());
        SingleOutputStreamOperator<SnapshotRecord> parsedSnapshots = env
                .fromSource(snapshots.build(), WatermarkStrategy.noWatermarks(), "kafka: " + s.snapshots())
                .uid(SNAPSHOTS_UID)
                .process(new SplitSnapshots())
                .uid("parse-snapshots")
                .name("parse snapshots");

        SingleOutputStreamOperator<PredictionRecord> predictions = OnlineScoring.score(
                beforeScoring.apply(parsedEvents).keyBy(new OnlineTrainingJob.ModelKey()), parsedSnapshots, cfg.scoringConfig(), SCORER_UID);
        DataStream<DeadLetter> deadLetters = parsedEvents.getSideOutput(SplitParsed.DEAD_LETTERS)
                .union(parsedSnapshots.getSideOutput(SplitSnapshots.DEAD_LETTERS), OnlineScoring.deadLetters(predictions));

        predictions.sinkTo(KafkaEndpoints.sink(cfg, "score-predictions", PredictionJson.serializer(s.predictions())))
                .uid("sink-predictions").name("kafka: " + s.predictions());
        deadLetters.sinkTo(KafkaEndpoints.sink(cfg, "score-dead-letters",
                        Serializers.deadLetters(cfg.topics().deadLetters())))
                .uid("sink-dead-letters").name("kafka: " + cfg.topics().deadLetters());
        return predictions;
    }
}
