package io.streamgrad.sql.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.operators.EndOfInput;
import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.TrainerOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;

/**
 * The {@code config} argument of {@code STREAMGRAD_TRAIN} (YAML or JSON): the job YAML's
 * {@code model}, {@code optimizer}, {@code earlyStopping}, {@code training} and {@code snapshots}
 * sections with the same field names, defaults and checks ({@link SpecParser}, {@link TrainerOption}),
 * plus a {@code columns} section naming the feature and label columns of the input table.
 *
 * @param trainer the operator's configuration the function trains with
 * @param features the feature columns in model-input order; empty = every column except the
 *     {@code PARTITION BY} key, the label and date/time columns (the {@code on_time} column), in table order
 * @param label the label column
 */
@Internal
public record TrainConfig(OnlineTrainerConfig trainer, List<String> features, String label) {
    static final String PREFIX = "STREAMGRAD_TRAIN config: ";
    static final String DEFAULT_LABEL = "label";

    private static final Set<String> SECTIONS = Set.of("model", "optimizer", "earlyStopping", "training", "snapshots",
            "columns");
    private static final Set<String> COLUMN_FIELDS = Set.of("features", "label");

    /** Binds {@code text}; a {@link ValidationException} names the first field that is wrong. */
    public static TrainConfig parse(String text) {
        if (text == null || text.isBlank()) {
            throw fail("(document)", "is empty; it needs at least the model and optimizer sections");
        }
        try {
            return bind(SpecParser.readTree(text));
        } catch (IllegalArgumentException e) { // SpecException and TrainerOption checks name their field
            throw new ValidationException(PREFIX + e.getMessage(), e);
        }
    }

    private static TrainConfig bind(JsonNode root) {
        if (!root.isObject()) {
            throw fail("(document)", "must be a mapping of sections (model, optimizer, training, ...)");
        }
        onlyKnown("", root, SECTIONS);
        OnlineTrainerConfig.Builder b = OnlineTrainerConfig.builder()
                .model(SpecParser.model(required(root, "model"), "model"))
                .optimizer(SpecParser.optimizer(required(root, "optimizer"), "optimizer"));
        if (present(root.get("earlyStopping"))) {
            b.earlyStopping(SpecParser.earlyStopping(root.get("earlyStopping"), "earlyStopping"));
        }
        bindOptions(root, b);
        OnlineTrainerConfig trainer = b.build();
        if (trainer.snapshotIntervalMillis() > 0) {
            throw fail("snapshots.intervalMs", "is not supported by STREAMGRAD_TRAIN (a process table function has no "
                    + "processing-time timers); use snapshots.everySteps");
        }
        if (trainer.modelSpec().hasFeatures()) {
            throw fail("model.features", "named features are not supported by STREAMGRAD_TRAIN; feed numeric columns");
        }
        JsonNode columns = root.path("columns");
        if (present(columns) && !columns.isObject()) {
            throw fail("columns", "must be a mapping with features and label");
        }
        onlyKnown("columns.", columns, COLUMN_FIELDS);
        return new TrainConfig(trainer, names("columns.features", columns.get("features")),
                present(columns.get("label")) ? text("columns.label", columns.get("label")) : DEFAULT_LABEL);
    }

    /** The options of the job YAML's training and snapshots sections, read where {@link TrainerOption} says. */
    private static void bindOptions(JsonNode root, OnlineTrainerConfig.Builder b) {
        List<String> known = new ArrayList<>();
        for (TrainerOption<?> o : TrainerOption.ALL) {
            if (o.yamlPath() != null) {
                known.add(o.yamlPath());
            }
        }
        for (String section : List.of("training", "snapshots")) {
            JsonNode s = root.path(section);
            if (present(s) && !s.isObject()) {
                throw fail(section, "must be a mapping");
            }
            for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!known.contains(section + "." + f)) {
                    throw fail(section + "." + f, "unknown field; known: " + known.stream()
                            .filter(k -> k.startsWith(section + ".")).toList());
                }
            }
        }
        for (TrainerOption<?> o : TrainerOption.ALL) {
            if (o.yamlPath() == null) {
                continue;
            }
            JsonNode v = root.path(o.yamlPath().substring(0, o.yamlPath().indexOf('.'))).get(o.yamlField());
            if (present(v)) {
                apply(o, v, b);
            }
        }
    }

    private static void apply(TrainerOption<?> o, JsonNode v, OnlineTrainerConfig.Builder b) {
        String f = o.yamlPath();
        if (o == TrainerOption.BATCH_SIZE) {
            b.batchSize(TrainerOption.BATCH_SIZE.check(f, integer(f, v)));
        } else if (o == TrainerOption.MAX_BATCH_DELAY_MS) {
            b.maxBatchDelayMs(TrainerOption.MAX_BATCH_DELAY_MS.check(f, number(f, v)));
        } else if (o == TrainerOption.END_OF_INPUT) {
            b.endOfInput(TrainerOption.END_OF_INPUT.check(f, endOfInput(text(f, v))));
        } else if (o == TrainerOption.METRICS_EVERY_STEPS) {
            b.metricsEverySteps(TrainerOption.METRICS_EVERY_STEPS.check(f, integer(f, v)));
        } else if (o == TrainerOption.SEED) {
            b.seed(TrainerOption.SEED.check(f, number(f, v)));
        } else if (o == TrainerOption.SNAPSHOT_EVERY_STEPS) {
            b.snapshotEverySteps(TrainerOption.SNAPSHOT_EVERY_STEPS.check(f, number(f, v)));
        } else if (o == TrainerOption.SNAPSHOT_INTERVAL_MS) {
            b.snapshotIntervalMs(TrainerOption.SNAPSHOT_INTERVAL_MS.check(f, number(f, v)));
        } else if (o == TrainerOption.SNAPSHOT_ON_EARLY_STOP) {
            b.snapshotOnEarlyStop(TrainerOption.SNAPSHOT_ON_EARLY_STOP.check(f, bool(f, v)));
        } else if (o == TrainerOption.INCLUDE_OPTIMIZER_STATE) {
            b.includeOptimizerState(TrainerOption.INCLUDE_OPTIMIZER_STATE.check(f, bool(f, v)));
        } else {
            throw fail(f, "is not supported by STREAMGRAD_TRAIN");
        }
    }

    private static EndOfInput endOfInput(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "train" -> EndOfInput.TRAIN;
            case "drop" -> EndOfInput.DROP;
            default -> null; // the option's check names the allowed values
        };
    }

    private static void onlyKnown(String prefix, JsonNode node, Set<String> known) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String f = it.next().getKey();
            if (!known.contains(f)) {
                throw fail(prefix + f, "unknown field; known: " + known.stream().sorted().toList());
            }
        }
    }

    private static JsonNode required(JsonNode root, String section) {
        JsonNode n = root.get(section);
        if (!present(n)) {
            throw fail(section, "is required");
        }
        return n;
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode();
    }

    private static int integer(String field, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw fail(field, "must be an integer, got " + v);
        }
        return v.intValue();
    }

    private static long number(String field, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw fail(field, "must be an integer, got " + v);
        }
        return v.longValue();
    }

    private static boolean bool(String field, JsonNode v) {
        if (!v.isBoolean()) {
            throw fail(field, "must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    private static String text(String field, JsonNode v) {
        if (!v.isTextual() || v.asText().isBlank()) {
            throw fail(field, "must be a non-empty string, got " + v);
        }
        return v.asText();
    }

    private static List<String> names(String field, JsonNode v) {
        if (!present(v)) {
            return List.of();
        }
        if (!v.isArray() || v.isEmpty()) {
            throw fail(field, "must be a non-empty list of column names, got " + v);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            String name = text(field + "[" + i + "]", v.get(i));
            if (out.contains(name)) {
                throw fail(field + "[" + i + "]", "column '" + name + "' is listed twice");
            }
            out.add(name);
        }
        return List.copyOf(out);
    }

    static ValidationException fail(String field, String problem) {
        return new ValidationException(PREFIX + field + ": " + problem);
    }
}
