package io.streamgrad.jobs.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamgrad.model.spec.EarlyStoppingSpec;
import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.spec.SpecParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The typed, validated configuration of {@code OnlineTrainingJob}: one YAML (or JSON) document,
 * plus {@code --set path=value} overrides applied to the document before validation. Every
 * problem is reported as a {@link ConfigException} naming the field path. See
 * {@code examples/*.yaml} for a commented example of every section.
 */
public final class JobConfig {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    /**
     * Kafka connection, client pass-through settings and the sink delivery guarantee.
     * {@code stoppingOffsets}: {@code none} (unbounded, the default) or {@code latest} (bounded: read
     * up to the input's latest offsets at job start, then finish; partial batches are trained and
     * final snapshots published at end of input).
     */
    public record Kafka(String bootstrapServers, String groupId, String startingOffsets, Map<String, String> properties,
                        String deliveryGuarantee, String transactionalIdPrefix, long transactionTimeoutMs,
                        String stoppingOffsets) {
        public Kafka {
            properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        }

        public Kafka(String bootstrapServers, String groupId, String startingOffsets, Map<String, String> properties,
                     String deliveryGuarantee, String transactionalIdPrefix, long transactionTimeoutMs) {
            this(bootstrapServers, groupId, startingOffsets, properties, deliveryGuarantee, transactionalIdPrefix,
                    transactionTimeoutMs, "none");
        }

        /** True when the input is read up to its latest offsets at start and the job then finishes. */
        public boolean bounded() {
            return !"none".equals(stoppingOffsets);
        }
    }

    public record Topics(String input, String metrics, String snapshots, String deadLetters) {}

    /** Mini-batching: {@code batchSize} examples per step, partial batches flushed after {@code maxBatchDelayMs} (0 = never). */
    public record Training(int batchSize, long maxBatchDelayMs, long seed, int metricsEverySteps) {}

    /** When snapshots are published: every N steps, every T ms (0 = off), on early stop. */
    public record Snapshots(long everySteps, long intervalMs, boolean onEarlyStop, boolean includeOptimizerState) {}

    public record Checkpointing(long intervalMs, String directory) {
        public boolean enabled() {
            return intervalMs > 0;
        }
    }

    /**
     * Initial weights. {@code source}: {@code none}, {@code file} (a snapshot JSON file, or a
     * JSON-lines file of snapshots) or {@code topic} (the newest snapshot per key on the snapshot
     * topic). With {@code allKeys}, a single snapshot initializes every key; otherwise snapshots
     * apply to their own key only.
     */
    public record WarmStart(String source, String file, String topic, boolean allKeys) {
        public boolean enabled() {
            return !"none".equals(source);
        }
    }

    private final String jobName;
    private final int parallelism;
    /** Upper bound of any future rescale (key groups); 0 = Flink's default. */
    private final int maxParallelism;
    private final Kafka kafka;
    private final Topics topics;
    private final InputFormat input;
    private final Training training;
    private final Snapshots snapshots;
    private final Checkpointing checkpointing;
    private final WarmStart warmStart;
    private final ModelSpec model;
    private final OptimizerSpec optimizer;
    private final EarlyStoppingSpec earlyStopping;
    private final JsonNode document;

    private JobConfig(JsonNode doc) {
        this.document = doc;
        Fields root = new Fields(doc, "");
        if (doc == null || doc.isMissingNode() || doc.isNull()) {
            throw new ConfigException("(document)", "is empty");
        }
        Fields job = root.object("job");
        jobName = job.string("name", "streamgrad-online-training");
        parallelism = job.integer("parallelism", 1, 1);
        maxParallelism = job.integer("maxParallelism", 0, 0);
        if (maxParallelism != 0 && (maxParallelism < parallelism || maxParallelism > 32768)) {
            throw new ConfigException("job.maxParallelism", "must be between job.parallelism (" + parallelism
                    + ") and 32768, got " + maxParallelism);
        }
        job.rejectUnknown();

        // model first: the input format is checked against its dimensions
        model = spec(() -> SpecParser.model(required(root, "model"), "model"));
        optimizer = spec(() -> SpecParser.optimizer(required(root, "optimizer"), "optimizer"));
        JsonNode es = root.raw("earlyStopping");
        earlyStopping = es == null ? null : spec(() -> SpecParser.earlyStopping(es, "earlyStopping"));

        Fields cp = root.object("checkpointing");
        checkpointing = new Checkpointing(cp.longValue("intervalMs", 10_000, 0), cp.string("directory", null));
        cp.rejectUnknown();

        Fields k = root.object("kafka");
        String bootstrap = k.requiredString("bootstrapServers");
        String group = k.string("groupId", jobName);
        String offsets = k.oneOf("startingOffsets", "committedOrEarliest", "earliest", "latest", "committedOrEarliest");
        String stopping = k.oneOf("stoppingOffsets", "none", "none", "latest");
        Map<String, String> props = k.stringMap("properties");
        props.replaceAll((key, v) -> resolveEnv(k.child("properties") + "." + key, v));
        for (String reserved : List.of("bootstrap.servers", "key.serializer", "value.serializer", "key.deserializer",
                "value.deserializer", "transactional.id", "enable.auto.commit", "isolation.level")) {
            if (props.containsKey(reserved)) {
                throw new ConfigException(k.child("properties") + "." + reserved, "is set by StreamGrad and cannot be overridden"
                        + (reserved.equals("bootstrap.servers") ? " (use kafka.bootstrapServers)" : ""));
            }
        }
        String guarantee = k.oneOf("deliveryGuarantee", checkpointing.enabled() ? "exactly-once" : "at-least-once",
                "exactly-once", "at-least-once", "none");
        if (guarantee.equals("exactly-once") && !checkpointing.enabled()) {
            throw new ConfigException(k.child("deliveryGuarantee"),
                    "exactly-once needs checkpointing (checkpointing.intervalMs > 0)");
        }
        String txPrefix = k.string("transactionalIdPrefix", jobName);
        if (!txPrefix.matches("[A-Za-z0-9._-]+")) {
            throw new ConfigException(k.child("transactionalIdPrefix"), "may only contain letters, digits, '.', '_' and '-'");
        }
        long txTimeout = k.longValue("transactionTimeoutMs", 900_000, 1_000);
        if (guarantee.equals("exactly-once") && txTimeout <= checkpointing.intervalMs()) {
            throw new ConfigException(k.child("transactionTimeoutMs"), "must be larger than checkpointing.intervalMs ("
                    + checkpointing.intervalMs() + ")");
        }
        k.rejectUnknown();
        kafka = new Kafka(bootstrap, group, offsets, props, guarantee, txPrefix, txTimeout, stopping);

        Fields t = root.object("topics");
        topics = new Topics(t.requiredString("input"), t.string("metrics", "streamgrad-metrics"),
                t.string("snapshots", "streamgrad-snapshots"), t.string("deadLetters", "streamgrad-dead-letters"));
        t.rejectUnknown();

        input = input(root.object("input"), model);

        Fields tr = root.object("training");
        training = new Training(tr.integer("batchSize", 32, 1), tr.longValue("maxBatchDelayMs", 1_000, 0),
                tr.longValue("seed", 42, Long.MIN_VALUE), tr.integer("metricsEverySteps", 1, 1));
        tr.rejectUnknown();

        Fields sn = root.object("snapshots");
        snapshots = new Snapshots(sn.longValue("everySteps", 100, 0), sn.longValue("intervalMs", 0, 0),
                sn.bool("onEarlyStop", true), sn.bool("includeOptimizerState", true));
        sn.rejectUnknown();

        Fields ws = root.object("warmStart");
        String src = ws.oneOf("source", "none", "none", "file", "topic");
        String file = ws.string("file", null);
        if (src.equals("file")) {
            if (file == null) {
                throw new ConfigException(ws.child("file"), "is required when warmStart.source is file");
            }
            if (!Files.isRegularFile(Path.of(file))) {
                throw new ConfigException(ws.child("file"), "file not found: " + file);
            }
        }
        warmStart = new WarmStart(src, file, ws.string("topic", topics.snapshots()), ws.bool("allKeys", false));
        ws.rejectUnknown();
        root.rejectUnknown();
    }

    private static InputFormat input(Fields in, ModelSpec model) {
        String format = in.oneOf("format", "json", "json", "csv");
        boolean json = format.equals("json");
        Fields key = in.object("key");
        String keyFrom = key.oneOf("from", json ? "field" : "recordKey", "field", "recordKey", "constant");
        String keyField = null;
        int keyColumn = -1;
        if (keyFrom.equals("field")) {
            if (json) {
                keyField = key.string("field", "key");
            } else {
                Integer c = key.optionalInteger("column", 0);
                if (c == null) {
                    throw new ConfigException(key.child("column"), "is required when input.key.from is field and the format is csv");
                }
                keyColumn = c;
            }
        }
        key.raw("field");
        key.raw("column");
        String constant = key.string("constant", "default");
        key.rejectUnknown();

        Fields label = in.object("label");
        String encoding = label.oneOf("encoding", "auto", "auto", "index", "oneHot", "value");
        List<String> classes = label.strings("classes");
        label.rejectUnknown();
        int out = model.outputDim();
        LossKind loss = model.loss();
        if (encoding.equals("index") && !(loss == LossKind.CATEGORICAL_CROSSENTROPY
                || (loss == LossKind.BINARY_CROSSENTROPY && out == 1))) {
            throw new ConfigException(label.child("encoding"), "index labels need a classification loss (model.loss is "
                    + loss.jsonName() + ")");
        }
        if (encoding.equals("oneHot") && loss != LossKind.CATEGORICAL_CROSSENTROPY) {
            throw new ConfigException(label.child("encoding"), "oneHot labels need model.loss categoricalCrossentropy");
        }
        if (!classes.isEmpty()) {
            int expected = loss == LossKind.BINARY_CROSSENTROPY ? 2 : out;
            if (!loss.isCrossentropy() || classes.size() != expected) {
                throw new ConfigException(label.child("classes"), loss.isCrossentropy()
                        ? "must list " + expected + " class names (the model's output classes), got " + classes.size()
                        : "class names need a classification loss");
            }
        }

        Fields j = in.object("json");
        Fields c = in.object("csv");
        String jsonFeatures = null;
        List<String> featureFields = List.of();
        String jsonLabel = null;
        String jsonTime = null;
        char delimiter = ',';
        List<Integer> csvFeatures = List.of();
        List<Integer> csvLabel = List.of();
        int csvTime = -1;
        if (json) {
            featureFields = j.strings("featureFields");
            jsonFeatures = j.string("features", featureFields.isEmpty() ? "features" : null);
            if (jsonFeatures != null && !featureFields.isEmpty()) {
                throw new ConfigException(j.child("featureFields"), "set either input.json.features or input.json.featureFields, not both");
            }
            if (!featureFields.isEmpty() && featureFields.size() != model.inputDim()) {
                throw new ConfigException(j.child("featureFields"), "lists " + featureFields.size()
                        + " fields but model.inputDim is " + model.inputDim());
            }
            jsonLabel = j.string("label", "label");
            jsonTime = j.string("eventTime", null);
            j.rejectUnknown();
            if (c.has("delimiter") || c.has("features") || c.has("label") || c.has("eventTime")) {
                throw new ConfigException(in.child("csv"), "is only used with input.format csv");
            }
        } else {
            String d = c.string("delimiter", ",");
            if (d.equals("\\t") || d.equals("tab")) {
                d = "\t";
            }
            if (d.length() != 1) {
                throw new ConfigException(c.child("delimiter"), "must be a single character, got '" + d + "'");
            }
            delimiter = d.charAt(0);
            csvFeatures = c.columns("features");
            if (csvFeatures.isEmpty()) {
                throw new ConfigException(c.child("features"), "is required: the columns of the input vector, e.g. [1, 2, 3] or \"1-3\"");
            }
            if (csvFeatures.size() != model.inputDim()) {
                throw new ConfigException(c.child("features"), "lists " + csvFeatures.size()
                        + " columns but model.inputDim is " + model.inputDim());
            }
            csvLabel = c.columns("label");
            if (csvLabel.isEmpty()) {
                throw new ConfigException(c.child("label"), "is required: the label column(s)");
            }
            Integer time = c.optionalInteger("eventTime", 0);
            csvTime = time == null ? -1 : time;
            c.rejectUnknown();
            if (j.has("features") || j.has("featureFields") || j.has("label") || j.has("eventTime")) {
                throw new ConfigException(in.child("json"), "is only used with input.format json");
            }
        }
        int maxChars = in.integer("maxRecordChars", 10_000, 16);
        in.rejectUnknown();
        return new InputFormat(format, keyFrom, keyField, keyColumn, constant, encoding, classes, jsonFeatures,
                featureFields, jsonLabel, jsonTime, delimiter, csvFeatures, csvLabel, csvTime, maxChars);
    }

    private static JsonNode required(Fields root, String name) {
        JsonNode n = root.raw(name);
        if (n == null) {
            throw new ConfigException(name, "is required");
        }
        return n;
    }

    private static <T> T spec(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (SpecException e) {
            throw new ConfigException(e.field(), e.problem());
        }
    }

    private static String resolveEnv(String field, String value) {
        Matcher m = ENV.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = System.getenv(m.group(1));
            if (v == null) {
                v = m.group(2);
            }
            if (v == null) {
                throw new ConfigException(field, "environment variable " + m.group(1) + " is not set");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    // ---------------------------------------------------------------- loading

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

    public static JobConfig parse(String yaml, List<String> overrides) {
        JsonNode doc;
        try {
            doc = yaml.isBlank() ? JsonNodeFactory.instance.objectNode() : YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("(document)", "is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : ""));
        }
        if (doc == null || doc.isMissingNode() || doc.isNull()) {
            doc = JsonNodeFactory.instance.objectNode();
        }
        if (!doc.isObject()) {
            throw new ConfigException("(document)", "must be a YAML mapping");
        }
        for (String o : overrides) {
            applyOverride((ObjectNode) doc, o);
        }
        return new JobConfig(doc);
    }

    /**
     * Applies {@code a.b[2].c=value}; the value is read as a YAML scalar or flow collection
     * ({@code 5}, {@code true}, {@code [1, 2]}, {@code {l2: 0.01}}, or plain text).
     */
    static void applyOverride(ObjectNode doc, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("--set " + override, "expected path=value");
        }
        String path = override.substring(0, eq).trim();
        String text = override.substring(eq + 1);
        JsonNode value;
        try {
            value = text.isEmpty() ? TextNode.valueOf("") : YAML.readTree(text);
        } catch (JsonProcessingException e) {
            value = TextNode.valueOf(text);
        }
        if (value == null || value.isMissingNode()) {
            value = TextNode.valueOf(text);
        }
        List<Object> steps = new ArrayList<>();
        String kafkaProps = "kafka.properties.";
        String[] parts = path.startsWith(kafkaProps) && path.length() > kafkaProps.length()
                // Kafka client setting names contain dots: keep them as one key
                ? new String[] {"kafka", "properties", path.substring(kafkaProps.length())}
                : path.split("\\.");
        if (parts.length == 3 && parts[0].equals("kafka") && parts[1].equals("properties")) {
            steps.add("kafka");
            steps.add("properties");
            steps.add(parts[2]);
            parts = new String[0];
        }
        for (String part : parts) {
            Matcher m = Pattern.compile("([^\\[\\]]+)((?:\\[\\d+])*)").matcher(part);
            if (!m.matches()) {
                throw new ConfigException(path, "is not a valid override path");
            }
            steps.add(m.group(1));
            Matcher idx = Pattern.compile("\\[(\\d+)]").matcher(m.group(2));
            while (idx.find()) {
                steps.add(Integer.parseInt(idx.group(1)));
            }
        }
        JsonNode cur = doc;
        for (int i = 0; i < steps.size() - 1; i++) {
            Object s = steps.get(i);
            Object next = steps.get(i + 1);
            JsonNode child;
            if (s instanceof String name) {
                if (!cur.isObject()) {
                    throw new ConfigException(path, "'" + name + "' is not inside an object");
                }
                child = cur.get(name);
                if (child == null || child.isNull() || !child.isContainerNode()) {
                    child = next instanceof Integer ? ((ObjectNode) cur).putArray(name) : ((ObjectNode) cur).putObject(name);
                }
            } else {
                int index = (Integer) s;
                if (!cur.isArray() || index >= cur.size()) {
                    throw new ConfigException(path, "index [" + index + "] is out of range");
                }
                child = cur.get(index);
            }
            cur = child;
        }
        Object last = steps.get(steps.size() - 1);
        if (last instanceof String name) {
            if (!cur.isObject()) {
                throw new ConfigException(path, "'" + name + "' is not inside an object");
            }
            ((ObjectNode) cur).set(name, value);
        } else {
            int index = (Integer) last;
            if (!cur.isArray() || index > cur.size()) {
                throw new ConfigException(path, "index [" + index + "] is out of range");
            }
            ArrayNode a = (ArrayNode) cur;
            if (index == a.size()) {
                a.add(value);
            } else {
                a.set(index, value);
            }
        }
    }

    // ---------------------------------------------------------------- accessors

    public String jobName() {
        return jobName;
    }

    public int parallelism() {
        return parallelism;
    }

    /** Maximum parallelism (number of key groups) fixed into savepoints; 0 = Flink's default. */
    public int maxParallelism() {
        return maxParallelism;
    }

    public Kafka kafka() {
        return kafka;
    }

    public Topics topics() {
        return topics;
    }

    public InputFormat input() {
        return input;
    }

    public Training training() {
        return training;
    }

    public Snapshots snapshots() {
        return snapshots;
    }

    public Checkpointing checkpointing() {
        return checkpointing;
    }

    public WarmStart warmStart() {
        return warmStart;
    }

    public ModelSpec model() {
        return model;
    }

    public OptimizerSpec optimizer() {
        return optimizer;
    }

    /** Early stopping, or null when not configured. */
    public EarlyStoppingSpec earlyStopping() {
        return earlyStopping;
    }

    /** The effective document (after overrides). */
    public JsonNode document() {
        return document;
    }

    /** Kafka client properties: the pass-through settings (security etc.) plus bootstrap servers. */
    public java.util.Properties clientProperties() {
        java.util.Properties p = new java.util.Properties();
        p.putAll(kafka.properties());
        p.put("bootstrap.servers", kafka.bootstrapServers());
        return p;
    }

    /** Whether a client setting holds a secret and must never be logged. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("token")
                || k.contains("credential") || k.endsWith(".key") || k.contains("keystore.key") || k.contains("private");
    }

    /** A one-screen summary with secrets redacted, for logs. */
    public String describe() {
        Map<String, String> props = new TreeMap<>();
        kafka.properties().forEach((key, v) -> props.put(key, isSecret(key) ? "******" : v));
        return "job " + jobName + " (parallelism " + parallelism
                + (maxParallelism > 0 ? ", max parallelism " + maxParallelism : "") + ")\n"
                + "  kafka " + kafka.bootstrapServers() + ", group " + kafka.groupId() + ", " + kafka.deliveryGuarantee()
                + (kafka.bounded() ? ", bounded (stops at the " + kafka.stoppingOffsets() + " offsets at start)" : "")
                + (kafka.deliveryGuarantee().equals("exactly-once") ? " (transactional id prefix " + kafka.transactionalIdPrefix() + ")" : "")
                + (props.isEmpty() ? "" : ", client settings " + props) + "\n"
                + "  topics: input " + topics.input() + ", metrics " + topics.metrics() + ", snapshots " + topics.snapshots()
                + ", dead letters " + topics.deadLetters() + "\n"
                + "  input " + input.format() + ", key from " + input.keyFrom() + ", labels " + input.labelEncoding() + "\n"
                + "  model: inputDim " + model.inputDim() + ", " + model.layers().size() + " layers, loss "
                + model.loss().jsonName() + ", optimizer " + optimizer.type() + "\n"
                + "  batch " + training.batchSize() + ", checkpoint every " + checkpointing.intervalMs() + " ms, snapshot every "
                + snapshots.everySteps() + " steps" + (warmStart.enabled() ? ", warm start from " + warmStart.source() : "");
    }
}
