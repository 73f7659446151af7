package io.streamgrad.jobs.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.model.spec.EarlyStoppingSpec;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.ScoringConfig;
import io.streamgrad.operators.TrainerPredictions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The typed, validated configuration of {@code OnlineTrainingJob}: one YAML (or JSON) document,
 * plus {@code --set path=value} overrides applied to the document before binding. One record per
 * section checks its own fields; this record checks across sections (input against the model,
 * delivery guarantee against checkpointing) and fills defaults that depend on other sections.
 * Every problem is a {@link ConfigException} naming the field path. See {@code examples/*.yaml}.
 *
 * <p>A job trains one model for every key (top-level {@code model}, {@code optimizer},
 * {@code earlyStopping}) or several, each claiming its keys ({@code models}); {@link #models()}
 * gives both forms as a list.
 *
 * @param model the model in the conformance-case schema, parsed by {@link SpecParser}; null with a models list
 * @param optimizer the optimizer; null with a models list
 * @param earlyStopping early stopping, or null when not configured (or with a models list)
 * @param models the job's models in declaration order: the first that claims a key trains it
 * @param unclaimedKeys what happens to records of keys no model claims (only with a models list)
 * @param scoring the scoring job's section, its topics resolved against {@code topics}
 * @param labels labels arriving later on their own topic, joined with the unlabelled events; null = none
 */
@PublicEvolving
public record JobConfig(Job job, Kafka kafka, Topics topics, InputFormat input, Training training,
                        Snapshots snapshots, Checkpointing checkpointing, WarmStart warmStart, ModelSpec model,
                        OptimizerSpec optimizer, EarlyStoppingSpec earlyStopping, List<JobModel> models,
                        UnclaimedKeys unclaimedKeys, Scoring scoring, Labels labels) {

    public JobConfig {
        if (models == null) {
            if (model == null) {
                throw new ConfigException("model", "is required");
            }
            if (optimizer == null) {
                throw new ConfigException("optimizer", "is required");
            }
            if (unclaimedKeys != null) {
                throw new ConfigException("unclaimedKeys", "is only used with a models list (one model claims every key)");
            }
            // checks the input section against the model: errors name input.* as before
            models = List.of(new JobModel(JobModel.SINGLE, null, null, model, optimizer, earlyStopping, input,
                    training, snapshots));
            unclaimedKeys = UnclaimedKeys.SKIP;
        } else {
            models = List.copyOf(models);
            ModelClaims.check(models);
            unclaimedKeys = unclaimedKeys == null ? UnclaimedKeys.SKIP : unclaimedKeys;
        }
        Kafka declared = kafka;
        Checkpointing cp = checkpointing;
        String jobName = job.name();
        kafka = section("kafka", () -> declared.resolve(jobName, cp));
        warmStart = warmStart.withDefaultTopic(topics.snapshots());
        if (training.predictions() != PredictionMode.OFF && topics.predictions().equals(topics.input())) {
            throw new ConfigException("topics.predictions", "must differ from topics.input (training.predictions is "
                    + training.predictions() + "), got " + topics.predictions());
        }
        Scoring declaredScoring = scoring == null ? Scoring.empty() : scoring;
        Topics t = topics;
        scoring = section("scoring", () -> declaredScoring.withDefaultTopics(t));
        if (labels != null) {
            checkLabels(labels, models, topics, input, training);
        }
    }

    /** The labels section against the topics, the input format, the predictions mode and every model. */
    private static void checkLabels(Labels labels, List<JobModel> models, Topics topics, InputFormat input,
                                    Training training) {
        section("labels", () -> {
            labels.checkAgainst(topics, input);
            return labels;
        });
        if (training.predictions() == PredictionMode.OFF) {
            throw new ConfigException("training.predictions", "must be unlabelled or prequential with a labels"
                    + " section: the unlabelled events are predicted, then trained on when their labels arrive");
        }
        if (labels.defaultLabel() != null) {
            for (JobModel m : models) {
                try {
                    new LabelTargets(m.model()).encode(labels.defaultLabel());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("labels.defaultLabel", (models.size() > 1 ? "model '" + m.name() + "': "
                            : "") + e.getMessage());
                }
            }
        }
    }

    /** Binds the document's sections; a missing section takes its defaults. */
    @JsonCreator
    static JobConfig bind(@JsonProperty("job") Job job, @JsonProperty("kafka") Kafka kafka,
                          @JsonProperty("topics") Topics topics, @JsonProperty("input") InputFormat input,
                          @JsonProperty("training") Training training, @JsonProperty("snapshots") Snapshots snapshots,
                          @JsonProperty("checkpointing") Checkpointing checkpointing,
                          @JsonProperty("warmStart") WarmStart warmStart, @JsonProperty("model") JsonNode model,
                          @JsonProperty("optimizer") JsonNode optimizer,
                          @JsonProperty("earlyStopping") JsonNode earlyStopping,
                          @JsonProperty("models") List<JobModel> models,
                          @JsonProperty("unclaimedKeys") UnclaimedKeys unclaimedKeys,
                          @JsonProperty("scoring") Scoring scoring, @JsonProperty("labels") Labels labels) {
        if (models != null) {
            for (String single : List.of("model", "optimizer", "earlyStopping")) {
                JsonNode n = single.equals("model") ? model : single.equals("optimizer") ? optimizer : earlyStopping;
                if (present(n)) {
                    throw new ConfigException("models", "give either a models list or the top-level " + single
                            + " (one model for every key), not both: move " + single + " into the models entries");
                }
            }
        }
        // the model first: the input section is checked against its dimensions
        ModelSpec m = spec("model", model, SpecParser::model);
        OptimizerSpec o = spec("optimizer", optimizer, SpecParser::optimizer);
        EarlyStoppingSpec es = present(earlyStopping) ? spec("earlyStopping", earlyStopping,
                n -> SpecParser.earlyStopping(n, "earlyStopping")) : null;
        return new JobConfig(
                orEmpty("job", job, () -> new Job(null, null, null)),
                orEmpty("kafka", kafka, () -> new Kafka(null, null, null, null, null, null, null, null, null)),
                orEmpty("topics", topics, () -> new Topics(null, null, null, null, null)),
                orEmpty("input", input, () -> new InputFormat(null, null, null, null, null, null)),
                orEmpty("training", training, () -> new Training(null, null, null, null, null, null)),
                orEmpty("snapshots", snapshots, () -> new Snapshots(null, null, null, null)),
                orEmpty("checkpointing", checkpointing, () -> new Checkpointing(null, null)),
                orEmpty("warmStart", warmStart, () -> new WarmStart(null, null, null, null)),
                m, o, es, models, unclaimedKeys, scoring, labels);
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode();
    }

    static <T> T spec(String field, JsonNode node, Function<JsonNode, T> parser) {
        if (!present(node)) {
            return null;
        }
        try {
            return parser.apply(node);
        } catch (SpecException e) {
            throw new ConfigException(e.field(), e.problem());
        }
    }

    private static <T> T orEmpty(String name, T value, Supplier<T> empty) {
        return value != null ? value : section(name, empty);
    }

    private static <T> T section(String name, Supplier<T> make) {
        try {
            return make.get();
        } catch (ConfigException e) {
            throw e.under(name);
        }
    }

    /** Loads a YAML/JSON file and applies {@code path=value} overrides. */
    public static JobConfig load(Path file, List<String> overrides) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("(file)", "configuration file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException("(file)", "cannot read " + file + ": " + e.getMessage());
        }
        return parse(text, overrides);
    }

    /** Parses YAML/JSON text and applies {@code path=value} overrides (dotted paths or JSON pointers). */
    public static JobConfig parse(String yaml, List<String> overrides) {
        return JobYaml.read(yaml, overrides);
    }

    public String jobName() {
        return job.name();
    }

    public int parallelism() {
        return job.parallelism();
    }

    /** Maximum parallelism (number of key groups) fixed into savepoints; 0 = Flink's default. */
    public int maxParallelism() {
        return job.maxParallelism();
    }

    /** Whether the job declares a {@code models} list (else its one model claims every key). */
    public boolean hasModelList() {
        return !models.get(0).claimsEveryKey();
    }

    /**
     * The operator's configuration from the model, training and snapshot sections (warm starts not
     * included); with a models list use {@link JobModel#trainerBuilder()} of each.
     */
    public OnlineTrainerConfig.Builder trainerBuilder() {
        if (hasModelList()) {
            throw new IllegalStateException("the job has " + models.size() + " models: use models().get(i).trainerBuilder()");
        }
        return models.get(0).trainerBuilder();
    }

    /** What the training operator predicts with its live models ({@code training.predictions}), with class names. */
    public TrainerPredictions trainerPredictions() {
        return TrainerPredictions.of(training.predictions().mode()).withClassNames(classNames());
    }

    /** The scoring operator's configuration ({@code scoring} section), for {@code streamgrad score}. */
    public ScoringConfig scoringConfig() {
        return scoring.operatorConfig(classNames());
    }

    /** Class names reported with predictions: {@code input.label.classes} (checked against the model), or none. */
    private List<String> classNames() {
        return input.classes();
    }

    /** Kafka client properties: the pass-through settings (security etc.) plus bootstrap servers. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.putAll(kafka.properties());
        p.put("bootstrap.servers", kafka.bootstrapServers());
        return p;
    }

    /** A one-screen summary with every client setting value masked unless known to be safe, for logs. */
    public String describe() {
        Map<String, String> props = kafka.printableProperties();
        return "job " + jobName() + " (parallelism " + parallelism()
                + (maxParallelism() > 0 ? ", max parallelism " + maxParallelism() : "") + ")\n"
                + "  kafka " + kafka.bootstrapServers() + ", group " + kafka.groupId() + ", " + kafka.deliveryGuarantee()
                + (kafka.bounded() ? ", bounded (stops at the " + kafka.stoppingOffsets() + " offsets at start)" : "")
                + (kafka.deliveryGuarantee() == Kafka.DeliveryGuarantee.EXACTLY_ONCE
                        ? " (transactional id prefix " + kafka.transactionalIdPrefix() + ")" : "")
                + (props.isEmpty() ? "" : ", client settings " + props) + "\n"
                + "  topics: input " + topics.input() + ", metrics " + topics.metrics() + ", snapshots " + topics.snapshots()
                + ", dead letters " + topics.deadLetters()
                + (training.predictions() != PredictionMode.OFF ? ", predictions (" + training.predictions() + ") "
                        + topics.predictions() : "") + "\n"
                + "  input " + input.format() + ", key from " + input.keyFrom() + ", labels " + input.labelEncoding() + "\n"
                + describeModels()
                + (labels != null ? "  " + labels + "\n" : "")
                + "  batch " + training.batchSize() + ", checkpoint every " + checkpointing.intervalMs() + " ms, snapshot every "
                + snapshots.everySteps() + " steps" + (warmStart.enabled() ? ", warm start from " + warmStart.source() : "");
    }

    private String describeModels() {
        if (!hasModelList()) {
            return "  model: inputDim " + model.inputDim() + ", " + model.layers().size() + " layers, loss "
                    + model.loss().jsonName() + ", optimizer " + optimizer.type() + "\n";
        }
        StringBuilder b = new StringBuilder("  " + models.size() + " models (the first that claims a key trains it;"
                + " unclaimed keys: " + unclaimedKeys + ")\n");
        models.forEach(m -> b.append("    ").append(m.describe()).append('\n'));
        return b.toString();
    }
}
