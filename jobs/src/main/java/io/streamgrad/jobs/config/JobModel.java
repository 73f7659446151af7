package io.streamgrad.jobs.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.model.spec.EarlyStoppingSpec;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.operators.OnlineTrainerConfig;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One model of a job: its name, the model keys it claims, its architecture, optimizer and early
 * stopping, and the input, training and snapshot settings it trains with (the job-level sections,
 * with the fields this model sets itself replacing theirs). A job without a {@code models} list has
 * one of these, {@link #SINGLE}, that claims every key.
 *
 * @param keys model keys claimed exactly
 * @param keyPatterns Java regular expressions; a key is claimed when one matches the whole key
 */
@PublicEvolving
public record JobModel(String name, List<String> keys, List<String> keyPatterns, ModelSpec model,
                       OptimizerSpec optimizer, EarlyStoppingSpec earlyStopping, InputFormat input,
                       Training training, Snapshots snapshots) {
    /** The name of the one model of a job configured with the top-level {@code model}/{@code optimizer}. */
    public static final String SINGLE = "default";
    /** Names become operator uids and appear in logs: kept to plain characters. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    public JobModel {
        if (name == null) {
            throw new ConfigException("name", "is required");
        }
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException("name", "must be 1 to 100 letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        keys = Checks.names("keys", keys);
        keyPatterns = Checks.names("keyPatterns", keyPatterns);
        for (int i = 0; i < keyPatterns.size(); i++) {
            compile("keyPatterns[" + i + "]", keyPatterns.get(i));
        }
        if (model == null) {
            throw new ConfigException("model", "is required");
        }
        if (optimizer == null) {
            throw new ConfigException("optimizer", "is required");
        }
        // a models entry always has these sections (ModelDefaults), the single-model form the job's
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(snapshots, "snapshots");
        input.checkAgainst(model);
    }

    /** Binds one entry of the {@code models} list (its sections already inherit the job-level ones). */
    @JsonCreator
    static JobModel bind(@JsonProperty("name") String name, @JsonProperty("keys") List<String> keys,
                         @JsonProperty("keyPatterns") List<String> keyPatterns, @JsonProperty("model") JsonNode model,
                         @JsonProperty("optimizer") JsonNode optimizer,
                         @JsonProperty("earlyStopping") JsonNode earlyStopping, @JsonProperty("input") InputFormat input,
                         @JsonProperty("training") Training training, @JsonProperty("snapshots") Snapshots snapshots) {
        return new JobModel(name, keys, keyPatterns, JobConfig.spec("model", model, SpecParser::model),
                JobConfig.spec("optimizer", optimizer, SpecParser::optimizer),
                JobConfig.spec("earlyStopping", earlyStopping, n -> SpecParser.earlyStopping(n, "earlyStopping")),
                input, training, snapshots);
    }

    /** A compiled key pattern, or a problem naming {@code field}. */
    static Pattern compile(String field, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(field, "is not a valid regular expression: " + e.getDescription()
                    + " near index " + e.getIndex() + " of '" + regex + "'");
        }
    }

    /** Whether this model takes every key (the single-model form: no keys and no patterns). */
    public boolean claimsEveryKey() {
        return keys.isEmpty() && keyPatterns.isEmpty();
    }

    /** The operator's configuration of this model (warm starts not included). */
    public OnlineTrainerConfig.Builder trainerBuilder() {
        OnlineTrainerConfig.Builder b = OnlineTrainerConfig.builder().model(model).optimizer(optimizer)
                .earlyStopping(earlyStopping);
        return snapshots.applyTo(training.applyTo(b));
    }

    /** One line for the configuration summary. */
    String describe() {
        return name + ": " + (claimsEveryKey() ? "every key" : (keys.isEmpty() ? "" : "keys " + keys)
                + (keys.isEmpty() || keyPatterns.isEmpty() ? "" : ", ")
                + (keyPatterns.isEmpty() ? "" : "patterns " + keyPatterns))
                + "; inputDim " + model.inputDim() + ", " + model.layers().size() + " layers, loss "
                + model.loss().jsonName() + ", optimizer " + optimizer.type() + ", batch " + training.batchSize()
                + ", snapshot every " + snapshots.everySteps() + " steps";
    }
}
