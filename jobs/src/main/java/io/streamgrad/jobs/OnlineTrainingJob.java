package io.streamgrad.jobs;

import io.streamgrad.jobs.cli.FlinkJobCommand;
import io.streamgrad.jobs.config.ConfigException;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.JobModel;
import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.jobs.input.InputParser;
import io.streamgrad.jobs.input.ParseResult;
import io.streamgrad.jobs.input.KeyRouter;
import io.streamgrad.jobs.input.ParsingDeserializer;
import io.streamgrad.jobs.input.RouteByModel;
import io.streamgrad.jobs.input.RoutingParser;
import io.streamgrad.jobs.input.SplitParsed;
import io.streamgrad.jobs.kafka.FinishingKafkaSource;
import io.streamgrad.jobs.labels.DelayedLabels;
import io.streamgrad.jobs.sink.PredictionJson;
import io.streamgrad.jobs.sink.RecordSizes;
import io.streamgrad.jobs.sink.Serializers;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.LossMetric;
import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.OnlineTraining;
import io.streamgrad.operators.SnapshotRecord;
import io.streamgrad.operators.TrainerPredictions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The online training pipeline: Kafka input -> parse (bad records to dead letters) -> keyBy model
 * key -> {@code OnlineTrainerOperator} -> Kafka sinks for metrics, snapshots (record key = model
 * key, value = {@code streamgrad-snapshot/1} JSON) and dead letters.
 *
 * <p>With a {@code models} list, the parser reads each record's model key first and parses the
 * record with the model that claims the key (its own dimensions and loss); the examples are split
 * by model, and each model has its own trainer (uid {@code online-trainer-<name>}); all models
 * write to the same output topics. A single-model job keeps the uids it always had.
 *
 * <p>With a {@code labels} section, the unlabelled input records are also joined with the labels
 * topic ({@link DelayedLabels}) and the joined examples train the same trainers.
 *
 * <p>Entry point for {@code flink run} / application mode:
 * {@code OnlineTrainingJob --config job.yaml [--set path=value ...]}, parsed by
 * {@link FlinkJobCommand}; {@code --config} also takes {@code classpath:examples/regression.yaml}.
 */
public final class OnlineTrainingJob {
    private static final Logger LOG = LoggerFactory.getLogger(OnlineTrainingJob.class);
    public static final String SOURCE_UID = "kafka-input";
    public static final String TRAINER_UID = "online-trainer";

    private OnlineTrainingJob() {}

    /** {@code flink run} / application-mode entry point; the options are those of {@code streamgrad run}. */
    public static void main(String[] args) throws Exception {
        FlinkJobCommand.main(args);
    }

    /** Loads a configuration from a path or {@code classpath:RESOURCE}. */
    public static JobConfig loadConfig(String location, List<String> overrides) {
        if (location.startsWith("classpath:")) {
            String res = location.substring("classpath:".length());
            try (var in = OnlineTrainingJob.class.getClassLoader().getResourceAsStream(res)) {
                if (in == null) {
                    throw new ConfigException("--config", "no resource " + res + " on the classpath");
                }
                return JobConfig.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), overrides);
            } catch (java.io.IOException e) {
                throw new ConfigException("--config", e.getMessage());
            }
        }
        return JobConfig.load(Path.of(location), overrides);
    }

    /** The trainer configuration of a single-model job, including warm starts (per key, or one snapshot for all keys). */
    public static OnlineTrainerConfig trainerConfig(JobConfig cfg, Map<String, ModelSnapshot> warmStarts) {
        if (cfg.hasModelList()) {
            throw new IllegalStateException("the job has several models: use trainerConfig(cfg, model, warmStarts)");
        }
        return trainerConfig(cfg, cfg.models().get(0), warmStarts);
    }

    /**
     * The trainer configuration of one of the job's models, with the warm starts of the keys it
     * claims ({@code warmStart.allKeys} only with a single model: one snapshot fits one architecture).
     */
    public static OnlineTrainerConfig trainerConfig(JobConfig cfg, JobModel model, Map<String, ModelSnapshot> warmStarts) {
        OnlineTrainerConfig.Builder b = model.trainerBuilder();
        if (cfg.warmStart().allKeys()) {
            if (cfg.hasModelList()) {
                throw new ConfigException("warmStart.allKeys", "cannot be used with a models list: one snapshot has"
                        + " one architecture; warm-start each key from its own snapshot instead");
            }
            if (warmStarts.size() > 1) {
                throw new ConfigException("warmStart.allKeys", "needs exactly one snapshot, found " + warmStarts.size()
                        + " keys " + warmStarts.keySet());
            }
            warmStarts.values().forEach(s -> b.defaultWarmStart(s.state()));
        } else {
            KeyRouter router = new KeyRouter(cfg.models());
            int index = cfg.models().indexOf(model);
            warmStarts.forEach((key, snapshot) -> {
                if (router.route(key) == index) {
                    b.warmStart(key, snapshot);
                }
            });
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("warmStart", (cfg.hasModelList() ? "model '" + model.name() + "': " : "")
                    + e.getMessage());
        }
    }

    /** The stable uid of a model's trainer: {@link #TRAINER_UID} for the single-model job (old savepoints restore). */
    public static String trainerUid(JobConfig cfg, JobModel model) {
        return cfg.hasModelList() ? TRAINER_UID + "-" + model.name() : TRAINER_UID;
    }

    /** Adds the pipeline to {@code env}; returns the metrics stream. */
    public static SingleOutputStreamOperator<LossMetric> build(StreamExecutionEnvironment env, JobConfig cfg,
                                                                Map<String, ModelSnapshot> warmStarts) {
        return build(env, cfg, warmStarts, UnaryOperator.identity());
    }

    /**
     * Like {@link #build(StreamExecutionEnvironment, JobConfig, Map)}, with {@code beforeTraining}
     * applied to the parsed examples just before they are keyed by model key (filters, enrichment,
     * or fault injection in tests). Operators it adds need their own uids for savepoints, and it
     * must keep the order of each model key's examples for the training to stay deterministic.
     */
    public static SingleOutputStreamOperator<LossMetric> build(StreamExecutionEnvironment env, JobConfig cfg,
                                                                Map<String, ModelSnapshot> warmStarts,
                                                                UnaryOperator<DataStream<Example>> beforeTraining) {
        LOG.info("StreamGrad job configuration:\n{}", cfg.describe());
        if (!warmStarts.isEmpty()) {
            LOG.info("warm start for {} key(s){}", warmStarts.size(), cfg.warmStart().allKeys() ? " (all keys)" : "");
        }
        List<JobModel> models = cfg.models();
        List<OnlineTrainerConfig> trainers = new ArrayList<>();
        for (JobModel m : models) {
            OnlineTrainerConfig trainer = trainerConfig(cfg, m, warmStarts);
            RecordSizes.check(cfg, m, trainer); // an output record over max.request.size would fail the job forever
            trainers.add(trainer);
        }
        TrainerPredictions predictions = cfg.trainerPredictions();
        configureEnvironment(env, cfg);
        Properties client = new Properties();
        client.putAll(cfg.kafka().properties());

        Properties sourceProps = new Properties();
        sourceProps.putAll(client);
        sourceProps.put("isolation.level", "read_committed");
        OffsetsInitializer offsets = switch (cfg.kafka().startingOffsets()) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED_OR_EARLIEST ->
                    OffsetsInitializer.committedOffsets(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST);
        };
        InputParser parser = cfg.hasModelList() ? new RoutingParser(cfg, predictions.scoresUnlabelled())
                : new ExampleParser(cfg.input(), cfg.model(), predictions.scoresUnlabelled());
        var sourceBuilder = KafkaSource.<ParseResult>builder()
                .setBootstrapServers(cfg.kafka().bootstrapServers())
                .setTopics(cfg.topics().input())
                .setGroupId(cfg.kafka().groupId())
                .setStartingOffsets(offsets)
                .setProperties(sourceProps)
                .setDeserializer(new ParsingDeserializer(cfg.labels() == null ? parser
                        : DelayedLabels.parser(cfg, parser)));
        if (cfg.kafka().bounded()) {
            sourceBuilder.setBounded(OffsetsInitializer.latest());
        }
        KafkaSource<ParseResult> source = sourceBuilder.build();

        SingleOutputStreamOperator<Example> examples = env
                .fromSource(new FinishingKafkaSource<>(source),
                        cfg.labels() == null ? WatermarkStrategy.noWatermarks() : DelayedLabels.watermarks(cfg.labels()),
                        "kafka: " + cfg.topics().input())
                .uid(SOURCE_UID)
                .process(new SplitParsed())
                .uid("parse")
                .name("parse " + cfg.input().format());

        DataStream<Example> ready = beforeTraining.apply(examples);
        DelayedLabels.Wired labelled = null;
        if (cfg.labels() != null) { // the joined examples train beside the events the trainer predicts
            labelled = DelayedLabels.attach(env, cfg, ready, sourceProps, offsets);
            ready = labelled.examples();
        }
        List<SingleOutputStreamOperator<LossMetric>> trained = new ArrayList<>();
        if (!cfg.hasModelList()) {
            trained.add(OnlineTraining.train(ready.keyBy(new ModelKey()), trainers.get(0), predictions, TRAINER_UID));
        } else {
            SingleOutputStreamOperator<Example> routed = ready.process(new RouteByModel(models))
                    .uid("route-models").name("route to " + models.size() + " models");
            for (int i = 0; i < models.size(); i++) {
                JobModel m = models.get(i);
                trained.add(OnlineTraining.train(routed.getSideOutput(RouteByModel.output(m.name())).keyBy(new ModelKey()),
                        trainers.get(i), predictions, trainerUid(cfg, m)));
            }
        }
        SingleOutputStreamOperator<LossMetric> metrics = trained.size() == 1 ? trained.get(0)
                : union(trained, s -> s).map(new SameMetric()).uid("metrics-of-all-models").name("metrics of all models");
        DataStream<SnapshotRecord> snapshots = union(trained, OnlineTraining::snapshots);
        if (predictions.scoresUnlabelled()) { // an unlabelled record is then an event to predict
            union(trained, OnlineTraining::predictions)
                    .sinkTo(sink(cfg, client, "predictions", PredictionJson.serializer(cfg.topics().predictions())))
                    .uid("sink-predictions").name("kafka: " + cfg.topics().predictions());
        }
        DataStream<DeadLetter> deadLetters = examples.getSideOutput(SplitParsed.DEAD_LETTERS)
                .union(union(trained, OnlineTraining::deadLetters));
        if (labelled != null) {
            deadLetters = deadLetters.union(labelled.deadLetters());
        }

        metrics.sinkTo(sink(cfg, client, "metrics", Serializers.metrics(cfg.topics().metrics())))
                .uid("sink-metrics").name("kafka: " + cfg.topics().metrics());
        // each snapshot carries its own model's specifications
        snapshots.sinkTo(sink(cfg, client, "snapshots", Serializers.snapshots(cfg.topics().snapshots())))
                .uid("sink-snapshots").name("kafka: " + cfg.topics().snapshots());
        deadLetters.sinkTo(sink(cfg, client, "dead-letters", Serializers.deadLetters(cfg.topics().deadLetters())))
                .uid("sink-dead-letters").name("kafka: " + cfg.topics().deadLetters());
        return metrics;
    }

    /** Parallelism, max parallelism and checkpointing from the job's configuration (training and scoring jobs). */
    public static void configureEnvironment(StreamExecutionEnvironment env, JobConfig cfg) {
        env.setParallelism(cfg.parallelism());
        if (cfg.maxParallelism() > 0) {
            env.setMaxParallelism(cfg.maxParallelism());
        }
        if (cfg.checkpointing().enabled()) {
            env.enableCheckpointing(cfg.checkpointing().intervalMs(), CheckpointingMode.EXACTLY_ONCE);
            if (cfg.checkpointing().directory() != null) {
                Configuration c = new Configuration();
                c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, cfg.checkpointing().directory());
                env.configure(c);
            }
        }
    }

    private static <T> DataStream<T> union(List<SingleOutputStreamOperator<LossMetric>> trained,
                                           Function<SingleOutputStreamOperator<LossMetric>, DataStream<T>> output) {
        DataStream<T> all = output.apply(trained.get(0));
        for (int i = 1; i < trained.size(); i++) {
            all = all.union(output.apply(trained.get(i)));
        }
        return all;
    }

    private static <T> KafkaSink<T> sink(JobConfig cfg, Properties client, String name,
                                         KafkaRecordSerializationSchema<T> serializer) {
        DeliveryGuarantee g = switch (cfg.kafka().deliveryGuarantee()) {
            case EXACTLY_ONCE -> DeliveryGuarantee.EXACTLY_ONCE;
            case AT_LEAST_ONCE -> DeliveryGuarantee.AT_LEAST_ONCE;
            case NONE -> DeliveryGuarantee.NONE;
        };
        Properties p = new Properties();
        p.putAll(client);
        p.put("transaction.timeout.ms", String.valueOf(cfg.kafka().transactionTimeoutMs()));
        return KafkaSink.<T>builder()
                .setBootstrapServers(cfg.kafka().bootstrapServers())
                .setKafkaProducerConfig(p)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(g)
                // stable per job and sink, so a restarted job can abort its lingering transactions
                .setTransactionalIdPrefix(cfg.kafka().transactionalIdPrefix() + "-" + name)
                .build();
    }

    /** The metrics of several trainers as one operator, the stream {@code build} returns. */
    private static final class SameMetric implements MapFunction<LossMetric, LossMetric> {
        private static final long serialVersionUID = 1L;

        @Override
        public LossMetric map(LossMetric m) {
            return m;
        }
    }

    /** Keys examples by model key. */
    public static final class ModelKey implements KeySelector<Example, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Example e) {
            return e.modelKey;
        }
    }
}
