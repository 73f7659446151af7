package io.streamgrad.jobs.config;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.streamgrad.model.spec.FeatureSpec;
import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code input} section: how input records become examples. Serializable: shipped to the
 * Flink parse function. The flat accessors ({@link #keyField()}, {@link #csvFeatures()}, ...)
 * give each setting with its format-dependent default applied.
 *
 * @param maxRecordChars dead letters keep at most this many characters of the raw record
 * @param defaults for a model with {@code model.features}: the value a feature takes when a
 *     record lacks it (JSON field absent or null, CSV cell empty), written as in a CSV cell (a
 *     number for every component of a numeric feature, a string, an integer); a feature without a
 *     default makes such a record a dead letter. A value of the wrong type is never defaulted.
 */
public record InputFormat(Format format, Key key, Label label, Json json, Csv csv, Integer maxRecordChars,
                          Map<String, String> defaults) implements Serializable {

    /** An input section without feature defaults. */
    public InputFormat(Format format, Key key, Label label, Json json, Csv csv, Integer maxRecordChars) {
        this(format, key, label, json, csv, maxRecordChars, null);
    }

    /** The record format. */
    public enum Format {
        JSON("json"), CSV("csv");

        private final String yamlName;

        Format(String yamlName) {
            this.yamlName = yamlName;
        }

        @JsonValue
        @Override
        public String toString() {
            return yamlName;
        }
    }

    /** Where the model key comes from. */
    public enum KeySource {
        /** A JSON field or CSV column. */
        FIELD("field"),
        /** The Kafka record key. */
        RECORD_KEY("recordKey"),
        /** One constant key: a single model. */
        CONSTANT("constant");

        private final String yamlName;

        KeySource(String yamlName) {
            this.yamlName = yamlName;
        }

        @JsonValue
        @Override
        public String toString() {
            return yamlName;
        }
    }

    /** How a label becomes the target vector. */
    public enum LabelEncoding {
        /** Decided by the model's loss and the label's shape. */
        AUTO("auto"),
        /** A class index, one-hot encoded here. */
        INDEX("index"),
        /** The label already is the target vector. */
        ONE_HOT("oneHot"),
        /** Raw numbers. */
        VALUE("value");

        private final String yamlName;

        LabelEncoding(String yamlName) {
            this.yamlName = yamlName;
        }

        @JsonValue
        @Override
        public String toString() {
            return yamlName;
        }
    }

    /**
     * {@code input.key}: the model key's source; {@code field} is the JSON field, {@code column}
     * the CSV column (for {@link KeySource#FIELD}), {@code constant} the key for {@link KeySource#CONSTANT}.
     */
    public record Key(KeySource from, String field, Integer column, String constant) implements Serializable {
        public Key {
            field = Checks.text("field", field, null);
            constant = Checks.text("constant", constant, "default");
            if (column != null && column < 0) {
                throw new ConfigException("column", "must be >= 0, got " + column);
            }
        }
    }

    /** {@code input.label}: the encoding and optional class names (a textual label maps to its index). */
    public record Label(LabelEncoding encoding, List<String> classes) implements Serializable {
        public Label {
            encoding = Checks.orDefault(encoding, LabelEncoding.AUTO);
            classes = Checks.names("classes", classes);
        }
    }

    /**
     * {@code input.json}: the feature array field, or named numeric fields mapped to the input vector
     * in order; the label field; the event-time field (epoch ms or ISO-8601), or null.
     */
    public record Json(String features, List<String> featureFields, String label, String eventTime)
            implements Serializable {
        public Json {
            featureFields = Checks.names("featureFields", featureFields);
            features = Checks.text("features", features, null);
            if (features != null && !featureFields.isEmpty()) {
                throw new ConfigException("featureFields", "set either input.json.features or input.json.featureFields, not both");
            }
            label = Checks.text("label", label, null);
            eventTime = Checks.text("eventTime", eventTime, null);
        }

        boolean isEmpty() {
            return features == null && featureFields.isEmpty() && label == null && eventTime == null;
        }
    }

    /**
     * {@code input.csv}: delimiter ({@code tab} or {@code \t} for a tab), the columns of the input
     * vector in order, the label column(s) (one, or one per output), the event-time column (-1 = none).
     */
    public record Csv(String delimiter, @JsonDeserialize(using = ColumnsDeserializer.class) List<Integer> features,
                      @JsonDeserialize(using = ColumnsDeserializer.class) List<Integer> label, Integer eventTime)
            implements Serializable {
        public Csv {
            delimiter = Checks.text("delimiter", delimiter, null);
            if ("\\t".equals(delimiter) || "tab".equals(delimiter)) {
                delimiter = "\t";
            }
            if (delimiter != null && delimiter.length() != 1) {
                throw new ConfigException("delimiter", "must be a single character, got '" + delimiter + "'");
            }
            features = Checks.list(features);
            label = Checks.list(label);
            if (eventTime != null && eventTime < 0) {
                throw new ConfigException("eventTime", "must be >= 0, got " + eventTime);
            }
        }

        boolean isEmpty() {
            return delimiter == null && features.isEmpty() && label.isEmpty() && eventTime == null;
        }
    }

    public InputFormat {
        format = Checks.orDefault(format, Format.JSON);
        boolean isJson = format == Format.JSON;
        key = key == null ? new Key(null, null, null, null) : key;
        KeySource from = Checks.orDefault(key.from(), isJson ? KeySource.FIELD : KeySource.RECORD_KEY);
        String keyField = null;
        Integer keyColumn = null;
        if (from == KeySource.FIELD && isJson) {
            keyField = Checks.orDefault(key.field(), "key");
        } else if (from == KeySource.FIELD) {
            keyColumn = key.column();
            if (keyColumn == null) {
                throw new ConfigException("key.column", "is required when input.key.from is field and the format is csv");
            }
        }
        key = new Key(from, keyField, keyColumn, key.constant());
        label = label == null ? new Label(null, null) : label;
        if (isJson) {
            if (csv != null && !csv.isEmpty()) {
                throw new ConfigException("csv", "is only used with input.format csv");
            }
            json = json == null ? new Json(null, null, null, null) : json;
            csv = null;
        } else {
            if (json != null && !json.isEmpty()) {
                throw new ConfigException("json", "is only used with input.format json");
            }
            csv = csv == null ? new Csv(null, null, null, null) : csv;
            if (csv.features().isEmpty()) {
                throw new ConfigException("csv.features", "is required: the columns of the input vector, e.g. [1, 2, 3] or \"1-3\"");
            }
            if (csv.label().isEmpty()) {
                throw new ConfigException("csv.label", "is required: the label column(s)");
            }
            json = null;
        }
        maxRecordChars = Checks.atLeast("maxRecordChars", maxRecordChars, 10_000, 16);
        defaults = defaults == null ? Map.of() : new LinkedHashMap<>(defaults); // serializable, ordered
    }

    /** Checks the input against the model's dimensions and loss; errors name {@code input.*} fields. */
    void checkAgainst(ModelSpec model) {
        int out = model.outputDim();
        LossKind loss = model.loss();
        LabelEncoding encoding = label.encoding();
        if (encoding == LabelEncoding.INDEX && !(loss == LossKind.CATEGORICAL_CROSSENTROPY
                || (loss == LossKind.BINARY_CROSSENTROPY && out == 1))) {
            throw new ConfigException("input.label.encoding", "index labels need a classification loss (model.loss is "
                    + loss.jsonName() + ")");
        }
        if (encoding == LabelEncoding.ONE_HOT && loss != LossKind.CATEGORICAL_CROSSENTROPY) {
            throw new ConfigException("input.label.encoding", "oneHot labels need model.loss categoricalCrossentropy");
        }
        List<String> classes = label.classes();
        if (!classes.isEmpty()) {
            int expected = loss == LossKind.BINARY_CROSSENTROPY ? 2 : out;
            if (!loss.isCrossentropy() || classes.size() != expected) {
                throw new ConfigException("input.label.classes", loss.isCrossentropy()
                        ? "must list " + expected + " class names (the model's output classes), got " + classes.size()
                        : "class names need a classification loss");
            }
        }
        if (model.hasFeatures()) {
            checkFeatures(model.features());
            return;
        }
        if (!defaults.isEmpty()) {
            throw new ConfigException("input.defaults", "needs a model with model.features");
        }
        if (isJson() && !json.featureFields().isEmpty() && json.featureFields().size() != model.inputDim()) {
            throw new ConfigException("input.json.featureFields", "lists " + json.featureFields().size()
                    + " fields but model.inputDim is " + model.inputDim());
        }
        if (!isJson() && csv.features().size() != model.inputDim()) {
            throw new ConfigException("input.csv.features", "lists " + csv.features().size()
                    + " columns but model.inputDim is " + model.inputDim());
        }
    }

    /**
     * A model with named features reads JSON fields by feature name, or CSV columns listed in
     * feature order ({@code size} columns for a numeric feature); defaults must name a feature and
     * fit its type.
     */
    private void checkFeatures(List<FeatureSpec> features) {
        if (isJson() && (json.features() != null || !json.featureFields().isEmpty())) {
            throw new ConfigException(json.features() != null ? "input.json.features" : "input.json.featureFields",
                    "a model with model.features reads each feature from the JSON field of its name");
        }
        int columns = 0;
        for (FeatureSpec f : features) {
            columns += f instanceof FeatureSpec.Numeric n ? n.size() : 1;
        }
        if (!isJson() && csv.features().size() != columns) {
            throw new ConfigException("input.csv.features", "lists " + csv.features().size() + " columns but the "
                    + "model's features take " + columns + " (one per feature, `size` for a numeric feature)");
        }
        for (Map.Entry<String, String> d : defaults.entrySet()) {
            String path = "input.defaults." + d.getKey();
            FeatureSpec f = features.stream().filter(x -> x.name().equals(d.getKey())).findFirst()
                    .orElseThrow(() -> new ConfigException(path, "is not a feature of the model"));
            String v = d.getValue() == null ? "" : d.getValue().strip();
            try {
                if (f instanceof FeatureSpec.Numeric) {
                    if (!Float.isFinite((float) Double.parseDouble(v))) {
                        throw new NumberFormatException();
                    }
                } else if (((FeatureSpec.Categorical) f).integer()) {
                    Long.parseLong(v);
                } else if (d.getValue() == null) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new ConfigException(path, "must be " + (f instanceof FeatureSpec.Numeric ? "a finite number"
                        : ((FeatureSpec.Categorical) f).integer() ? "a 64-bit integer" : "a string")
                        + ", got '" + d.getValue() + "'");
            }
        }
    }

    /** Feature name to its default text (see the record comment). */
    public Map<String, String> featureDefaults() {
        return defaults;
    }

    public boolean isJson() {
        return format == Format.JSON;
    }

    public KeySource keyFrom() {
        return key.from();
    }

    /** JSON field holding the model key (keyFrom = field, json), or null. */
    public String keyField() {
        return key.field();
    }

    /** CSV column holding the model key (keyFrom = field, csv), or -1. */
    public int keyColumn() {
        return key.column() == null ? -1 : key.column();
    }

    public String constantKey() {
        return key.constant();
    }

    public LabelEncoding labelEncoding() {
        return label.encoding();
    }

    public List<String> classes() {
        return label.classes();
    }

    /** JSON field holding the feature array, or null when {@link #jsonFeatureFields()} are used. */
    public String jsonFeatures() {
        if (!isJson() || !json.featureFields().isEmpty()) {
            return null;
        }
        return Checks.orDefault(json.features(), "features");
    }

    public List<String> jsonFeatureFields() {
        return isJson() ? json.featureFields() : List.of();
    }

    public String jsonLabel() {
        return isJson() ? Checks.orDefault(json.label(), "label") : null;
    }

    /** JSON event-time field, or null. */
    public String jsonEventTime() {
        return isJson() ? json.eventTime() : null;
    }

    public char csvDelimiter() {
        return isJson() || csv.delimiter() == null ? ',' : csv.delimiter().charAt(0);
    }

    public List<Integer> csvFeatures() {
        return isJson() ? List.of() : csv.features();
    }

    public List<Integer> csvLabel() {
        return isJson() ? List.of() : csv.label();
    }

    /** CSV event-time column, or -1. */
    public int csvEventTime() {
        return isJson() || csv.eventTime() == null ? -1 : csv.eventTime();
    }
}
