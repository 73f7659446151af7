package io.streamgrad.jobs.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.FeatureValues;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON object to an example: the features from one array field or from named numeric fields
 * (or, for a model with {@code model.features}, each feature from the field of its name),
 * the label from one field (a number, a class name or an array), an optional event-time field.
 * Numbers may also come as numeric strings.
 */
final class JsonExampleParser implements RecordParser {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelKeySource keys;
    private final String keyField;
    /** The feature array field, or null when {@link #featureFields} are used. */
    private final String features;
    private final List<String> featureFields;
    private final String label;
    /** The event-time field, or null. */
    private final String eventTime;
    private final int inputDim;
    private final LabelEncoder labels;
    /** Reads named raw features (a model with {@code model.features}), or null for a feature vector. */
    private final RawFeatureReader rawFeatures;

    JsonExampleParser(ModelKeySource keys, String keyField, String features, List<String> featureFields,
                      String label, String eventTime, int inputDim, LabelEncoder labels,
                      RawFeatureReader rawFeatures) {
        this.keys = keys;
        this.keyField = keyField;
        this.features = features;
        this.featureFields = List.copyOf(featureFields);
        this.label = label;
        this.eventTime = eventTime;
        this.inputDim = inputDim;
        this.labels = labels;
        this.rawFeatures = rawFeatures;
    }

    @Override
    public Example parse(String recordKey, String raw) throws Reject {
        JsonNode n;
        try {
            n = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new Reject(recordKey, "not valid JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new Reject(recordKey, "expected a JSON object");
        }
        String key = keys.require(recordKey, keys.readsRecord() ? text(n.get(keyField)) : null);
        float[] x = rawFeatures == null ? features(key, n) : null;
        FeatureValues values = rawFeatures == null ? null : rawFeatures.fromJson(key, n);
        float[] y = target(key, n);
        long time = Example.NO_TIMESTAMP;
        if (eventTime != null) {
            JsonNode t = n.get(eventTime);
            if (t != null && !t.isNull()) {
                time = FieldValues.eventTime(key, eventTime, t.asText());
            }
        }
        return values == null ? new Example(key, x, y, time, raw) : Example.withFeatureValues(key, values, y, time, raw);
    }

    /** The text of a scalar field; null for a missing field, null or a structure. */
    private static String text(JsonNode k) {
        return k == null || k.isNull() || !k.isValueNode() ? null : k.asText();
    }

    private float[] features(String key, JsonNode n) throws Reject {
        float[] x = new float[inputDim];
        if (features != null) {
            JsonNode f = n.get(features);
            if (f == null || !f.isArray()) {
                throw new Reject(key, features + ": expected an array of " + inputDim + " numbers");
            }
            if (f.size() != inputDim) {
                throw new Reject(key, features + ": expected " + inputDim + " values, got " + f.size());
            }
            for (int i = 0; i < inputDim; i++) {
                x[i] = number(key, features + "[" + i + "]", f.get(i));
            }
        } else {
            for (int i = 0; i < inputDim; i++) {
                JsonNode v = n.get(featureFields.get(i));
                if (v == null || v.isNull()) {
                    throw new Reject(key, featureFields.get(i) + ": missing");
                }
                x[i] = number(key, featureFields.get(i), v);
            }
        }
        return x;
    }

    private float[] target(String key, JsonNode n) throws Reject {
        JsonNode l = n.get(label);
        if (l == null || l.isNull()) {
            return labels.missing(key, label);
        }
        if (l.isArray()) {
            List<String> cells = new ArrayList<>();
            for (JsonNode c : l) {
                if (!c.isValueNode()) {
                    throw new Reject(key, label + ": expected numbers");
                }
                cells.add(c.asText());
            }
            return labels.encode(key, label, cells, true);
        }
        if (l.isValueNode()) {
            return labels.encode(key, label, List.of(l.asText()), false);
        }
        throw new Reject(key, label + ": expected a number, a class or an array");
    }

    private static float number(String key, String field, JsonNode v) throws Reject {
        if (v.isNumber()) {
            return FieldValues.finite(key, field, v.doubleValue());
        }
        if (v.isTextual()) {
            return FieldValues.number(key, field, v.asText());
        }
        throw new Reject(key, field + ": expected a number, got "
                + (v.isArray() ? "an array" : v.isObject() ? "an object" : DeadLetterBounds.abbreviate(v.toString())));
    }
}
