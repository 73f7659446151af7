package io.streamgrad.it;

import io.streamgrad.jobs.config.JobConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes the job YAML of a test: one flow-style line per section ({@code kafka: {bootstrapServers:
 * ..., ...}}), sections and fields in the order they were first set. The defaults are what every
 * end-to-end test wants (read from the earliest offset, 60 s transactions); anything else is
 * {@link #set set} by its dotted path, or given as a whole section.
 */
final class JobYaml {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._/-]+");

    /** Section -> field -> value; a value is a String (YAML text as is) or a Map (a nested flow map). */
    private final Map<String, Object> sections = new LinkedHashMap<>();

    private JobYaml() {}

    static JobYaml job(String name, int parallelism) {
        return new JobYaml().set("job.name", name).set("job.parallelism", parallelism);
    }

    /** The broker, reading from the earliest offset, with 60 s transactions. */
    JobYaml kafka(String bootstrapServers) {
        return set("kafka.bootstrapServers", "\"" + bootstrapServers + "\"").set("kafka.startingOffsets", "earliest")
                .set("kafka.transactionTimeoutMs", 60000);
    }

    /** A bounded job: it stops at the input's offsets at start. */
    JobYaml bounded() {
        return set("kafka.stoppingOffsets", "latest");
    }

    /** A Kafka client property of the job ({@code kafka.properties}); quoted when YAML needs it. */
    JobYaml kafkaProperty(String name, String value) {
        return put(List.of("kafka", "properties", name), scalar(value));
    }

    /** Topics {@code <prefix>-in, -metrics, -snapshots, -dead}. */
    JobYaml topics(String prefix) {
        return set("topics.input", prefix + "-in").set("topics.metrics", prefix + "-metrics")
                .set("topics.snapshots", prefix + "-snapshots").set("topics.deadLetters", prefix + "-dead");
    }

    /** JSON records {@code {"<keyField>": key, "x": [...], "y": label}}. */
    JobYaml jsonInput(String keyField) {
        return set("input.format", "json").set("input.key", "{from: field, field: " + keyField + "}")
                .set("input.json", "{features: x, label: y}");
    }

    /** CSV records: the key from where {@code key} says, features and label from {@code csv}'s columns. */
    JobYaml csvInput(String key, String csv) {
        return set("input.format", "csv").set("input.key", key).set("input.csv", csv);
    }

    JobYaml model(int inputDim, String loss, String... layers) {
        return set("model.inputDim", inputDim).set("model.layers", "[" + String.join(", ", layers) + "]")
                .set("model.loss", loss);
    }

    static String dense(int units, String activation) {
        return "{type: dense, units: " + units + ", activation: " + activation + "}";
    }

    static String dense(int units) {
        return "{type: dense, units: " + units + "}";
    }

    /** The whole {@code optimizer} section as a flow map. */
    JobYaml optimizer(String flowMap) {
        return section("optimizer", flowMap);
    }

    /** Count-based batches: {@code training.batchSize}, no partial-batch timer. */
    JobYaml batches(int size) {
        return set("training.batchSize", size).set("training.maxBatchDelayMs", 0);
    }

    JobYaml snapshotEvery(int steps) {
        return set("snapshots.everySteps", steps);
    }

    JobYaml checkpointEvery(int ms) {
        return set("checkpointing.intervalMs", ms);
    }

    /** One field by its dotted path, e.g. {@code training.seed}; the value is written as YAML text. */
    JobYaml set(String path, Object value) {
        return put(List.of(path.split("\\.", 2)), String.valueOf(value));
    }

    /** A whole top-level section as YAML text. */
    JobYaml section(String name, String yaml) {
        sections.put(name, yaml);
        return this;
    }

    @SuppressWarnings("unchecked")
    private JobYaml put(List<String> path, String value) {
        Map<String, Object> map = sections;
        for (String name : path.subList(0, path.size() - 1)) {
            map = (Map<String, Object>) map.computeIfAbsent(name, n -> new LinkedHashMap<String, Object>());
        }
        map.put(path.get(path.size() - 1), value);
        return this;
    }

    private static String scalar(String value) {
        return PLAIN.matcher(value).matches() ? value : "'" + value.replace("'", "''") + "'";
    }

    String yaml() {
        StringBuilder b = new StringBuilder();
        sections.forEach((name, value) -> b.append(name).append(": ").append(render(value)).append('\n'));
        return b.toString();
    }

    private static String render(Object value) {
        if (value instanceof Map<?, ?> map) {
            StringBuilder b = new StringBuilder("{");
            map.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append(": ").append(render(v)));
            return b.append('}').toString();
        }
        return (String) value;
    }

    JobConfig parse(String... overrides) {
        return JobConfig.parse(yaml(), List.of(overrides));
    }

    /** Writes the YAML to {@code file}, for tests that start the job from a configuration file. */
    Path write(Path file) {
        try {
            return Files.writeString(file, yaml());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return yaml();
    }
}
