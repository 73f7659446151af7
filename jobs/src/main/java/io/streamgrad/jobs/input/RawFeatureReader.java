package io.streamgrad.jobs.input;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.model.spec.FeatureSpec;
import io.streamgrad.operators.FeatureValues;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Reads the named raw features of a model with {@code model.features} from a JSON object (the
 * field of each feature's name) or from CSV cells (columns in feature order), into
 * {@link FeatureValues}. Numbers may be JSON numbers or numeric strings (an array of {@code size}
 * of them for a multi-component feature); strings must be JSON strings; integers must be exact
 * 64-bit integers (a JSON integer or its decimal text, never through a double). A missing value
 * (absent, null, empty cell) takes the configured default or rejects the record; a value of the
 * wrong type always rejects it. Every reason names the feature.
 */
final class RawFeatureReader implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int NUMERIC = 0;
    private static final int STRING = 1;
    private static final int INTEGER = 2;

    private final String[] names;
    private final int[] kinds;
    private final int[] sizes;
    /** Offset of each feature in its group of {@link FeatureValues}. */
    private final int[] offsets;
    private final int numbers;
    private final int strings;
    private final int integers;
    /** The default text of each feature, or null. */
    private final String[] defaults;

    RawFeatureReader(List<FeatureSpec> features, Map<String, String> defaults) {
        int n = features.size();
        names = new String[n];
        kinds = new int[n];
        sizes = new int[n];
        offsets = new int[n];
        this.defaults = new String[n];
        int[] counts = new int[3];
        for (int j = 0; j < n; j++) {
            FeatureSpec f = features.get(j);
            names[j] = f.name();
            kinds[j] = f instanceof FeatureSpec.Numeric ? NUMERIC
                    : ((FeatureSpec.Categorical) f).integer() ? INTEGER : STRING;
            sizes[j] = f instanceof FeatureSpec.Numeric num ? num.size() : 1;
            offsets[j] = counts[kinds[j]];
            counts[kinds[j]] += sizes[j];
            this.defaults[j] = defaults.get(f.name());
        }
        numbers = counts[NUMERIC];
        strings = counts[STRING];
        integers = counts[INTEGER];
    }

    FeatureValues fromJson(String key, JsonNode record) throws Reject {
        FeatureValues v = empty();
        for (int j = 0; j < names.length; j++) {
            JsonNode node = record.get(names[j]);
            if (node == null || node.isNull()) {
                String d = missing(key, j);
                for (int i = 0; i < sizes[j]; i++) { // a default fills every component
                    fromText(key, v, j, d, i);
                }
            } else if (kinds[j] == NUMERIC) {
                jsonNumbers(key, v, j, node);
            } else if (kinds[j] == STRING) {
                if (!node.isTextual()) {
                    throw new Reject(key, names[j] + ": expected a string, got " + describe(node));
                }
                v.strings[offsets[j]] = node.textValue();
            } else if (node.isIntegralNumber() && node.canConvertToLong()) {
                v.integers[offsets[j]] = node.longValue();
            } else if (node.isTextual()) {
                fromText(key, v, j, node.textValue(), 0);
            } else {
                throw new Reject(key, names[j] + ": expected an integer, got " + describe(node));
            }
        }
        return v;
    }

    /** The features from {@code cols}, component c of the features read from {@code columns[c]}. */
    FeatureValues fromCells(String key, List<String> cols, int[] columns) throws Reject {
        FeatureValues v = empty();
        int c = 0;
        for (int j = 0; j < names.length; j++) {
            for (int i = 0; i < sizes[j]; i++, c++) {
                int col = columns[c];
                if (col >= cols.size()) {
                    throw new Reject(key, names[j] + ": column " + col + " missing (the line has " + cols.size()
                            + " columns)");
                }
                String cell = cols.get(col).strip();
                fromText(key, v, j, cell.isEmpty() ? missing(key, j) : cell, i);
            }
        }
        return v;
    }

    private String missing(String key, int j) throws Reject {
        if (defaults[j] == null) {
            throw new Reject(key, names[j] + ": missing");
        }
        return defaults[j];
    }

    private void jsonNumbers(String key, FeatureValues v, int j, JsonNode node) throws Reject {
        if (node.isArray()) {
            if (node.size() != sizes[j]) {
                throw new Reject(key, names[j] + ": expected " + sizes[j] + " numbers, got " + node.size());
            }
            for (int i = 0; i < sizes[j]; i++) {
                jsonNumber(key, v, j, i, node.get(i), names[j] + "[" + i + "]");
            }
        } else if (sizes[j] == 1) {
            jsonNumber(key, v, j, 0, node, names[j]);
        } else {
            throw new Reject(key, names[j] + ": expected an array of " + sizes[j] + " numbers, got " + describe(node));
        }
    }

    private void jsonNumber(String key, FeatureValues v, int j, int i, JsonNode node, String name) throws Reject {
        if (node.isNumber()) {
            v.numbers[offsets[j] + i] = finite(key, name, node.doubleValue());
        } else if (node.isTextual()) {
            v.numbers[offsets[j] + i] = number(key, name, node.textValue());
        } else {
            throw new Reject(key, name + ": expected a number, got " + describe(node));
        }
    }

    /** Component {@code i} of feature {@code j} from text (a cell, a JSON string or a default). */
    private void fromText(String key, FeatureValues v, int j, String text, int i) throws Reject {
        if (kinds[j] == NUMERIC) {
            v.numbers[offsets[j] + i] = number(key, sizes[j] > 1 ? names[j] + "[" + i + "]" : names[j], text);
        } else if (kinds[j] == STRING) {
            v.strings[offsets[j]] = text;
        } else {
            try {
                v.integers[offsets[j]] = Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw new Reject(key, names[j] + ": expected an integer, got '" + DeadLetterBounds.abbreviate(text)
                        + "'");
            }
        }
    }

    private static double number(String key, String name, String text) throws Reject {
        try {
            return finite(key, name, Double.parseDouble(text.strip()));
        } catch (NumberFormatException e) {
            throw new Reject(key, name + ": expected a number, got '" + DeadLetterBounds.abbreviate(text) + "'");
        }
    }

    /** The value as read (online statistics see it in float64), refused when not finite in float32. */
    private static double finite(String key, String name, double d) throws Reject {
        if (!Float.isFinite((float) d)) {
            throw new Reject(key, name + ": not a finite number (" + d + ")");
        }
        return d;
    }

    private static String describe(JsonNode n) {
        return n.isArray() ? "an array" : n.isObject() ? "an object" : n.isNumber() ? "a number " + n
                : n.isBoolean() ? "a boolean" : "'" + DeadLetterBounds.abbreviate(n.asText()) + "'";
    }

    private FeatureValues empty() {
        return new FeatureValues(new double[numbers], new String[strings], new long[integers]);
    }
}
