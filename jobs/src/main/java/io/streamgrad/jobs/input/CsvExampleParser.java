package io.streamgrad.jobs.input;

import io.streamgrad.operators.Example;
import io.streamgrad.operators.FeatureValues;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV line to an example: features (a vector, or the named raw features of a model with
 * {@code model.features}, in feature order), label and event time from numbered columns. The common
 * line (no quotes, plain decimal features) takes a path that makes no String per cell; everything
 * else takes the general path, and both give the same result, bit for bit, with the same reasons.
 */
final class CsvExampleParser implements RecordParser {
    private static final long serialVersionUID = 1L;

    private final ModelKeySource keys;
    /** The model key's column (when the key is read from the record). */
    private final int keyColumn;
    private final char delimiter;
    private final int[] features;
    private final int[] label;
    /** The event-time column, or -1. */
    private final int eventTime;
    private final int inputDim;
    private final LabelEncoder labels;
    /** The largest column used (key, features, label, event time): the plain path reads no further. */
    private final int lastColumn;
    /** Reads named raw features (a model with {@code model.features}), or null for a feature vector. */
    private final RawFeatureReader rawFeatures;

    CsvExampleParser(ModelKeySource keys, int keyColumn, char delimiter, int[] features, int[] label, int eventTime,
                     int inputDim, LabelEncoder labels, RawFeatureReader rawFeatures) {
        this.keys = keys;
        this.keyColumn = keyColumn;
        this.delimiter = delimiter;
        this.features = features.clone();
        this.label = label.clone();
        this.eventTime = eventTime;
        this.inputDim = inputDim;
        this.labels = labels;
        int max = Math.max(keyColumn, eventTime);
        for (int c : features) {
            max = Math.max(max, c);
        }
        for (int c : label) {
            max = Math.max(max, c);
        }
        this.lastColumn = max;
        this.rawFeatures = rawFeatures;
    }

    @Override
    public Example parse(String recordKey, String raw) throws Reject {
        Example plain = rawFeatures == null ? parsePlain(recordKey, raw) : null;
        return plain != null ? plain : parseGeneral(recordKey, raw);
    }

    private Example parseGeneral(String recordKey, String raw) throws Reject {
        String line = raw.strip();
        if (line.isEmpty()) {
            throw new Reject(recordKey, "empty line");
        }
        List<String> cols = CsvText.split(line, delimiter);
        String key = keys.require(recordKey, keys.readsRecord() && keyColumn < cols.size()
                ? cols.get(keyColumn).strip() : null);
        float[] x = null;
        FeatureValues values = null;
        if (rawFeatures != null) {
            values = rawFeatures.fromCells(key, cols, features);
        } else {
            x = new float[inputDim];
            for (int i = 0; i < inputDim; i++) {
                int c = features[i];
                x[i] = FieldValues.number(key, "column " + c, cell(key, cols, c));
            }
        }
        List<String> cells = new ArrayList<>();
        for (int c : label) {
            cells.add(c >= cols.size() && labels.optional() ? "" : cell(key, cols, c)); // an event may end early
        }
        float[] y = labels.encode(key, "label", cells, label.length > 1);
        long time = Example.NO_TIMESTAMP;
        if (eventTime >= 0 && eventTime < cols.size() && !cols.get(eventTime).isBlank()) {
            time = FieldValues.eventTime(key, "column " + eventTime, cols.get(eventTime).strip());
        }
        return values == null ? new Example(key, x, y, time, raw) : Example.withFeatureValues(key, values, y, time, raw);
    }

    private static String cell(String key, List<String> cols, int c) throws Reject {
        if (c >= cols.size()) {
            throw new Reject(key, "column " + c + ": missing (the line has " + cols.size() + " columns)");
        }
        return cols.get(c).strip();
    }

    /**
     * The common line without a String per cell: no quotes, every column present, the model key
     * acceptable and every feature a plain decimal ({@link CsvText#plainDecimal}). Returns null for
     * anything else, and the general path then decides (same result, same reasons); the label and
     * event time go through the shared code.
     */
    private Example parsePlain(String recordKey, String raw) throws Reject {
        String line = raw.strip();
        int len = line.length();
        if (len == 0) {
            return null;
        }
        int needed = lastColumn + 1;
        int[] bounds = new int[needed + 1]; // start of column c at bounds[c], its end at bounds[c + 1] - 1
        int found = 1;
        for (int i = 0; i < len; i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                return null;
            }
            if (ch == delimiter) {
                if (found == needed) {
                    break; // the columns after the last one used are not looked at
                }
                bounds[found++] = i + 1;
            }
        }
        if (found < needed) {
            return null; // a missing column: the general path names it
        }
        // the end of the last needed column: the next delimiter or the end of the line
        int lastEnd = line.indexOf(delimiter, bounds[needed - 1]);
        bounds[needed] = (lastEnd < 0 ? len : lastEnd) + 1;
        String key = keys.pick(recordKey, keys.readsRecord() ? cellText(line, bounds, keyColumn) : null);
        if (!ModelKeySource.acceptable(key)) {
            return null;
        }
        float[] x = new float[inputDim];
        for (int i = 0; i < inputDim; i++) {
            int c = features[i];
            int from = bounds[c];
            int to = bounds[c + 1] - 1;
            while (from < to && Character.isWhitespace(line.charAt(from))) {
                from++;
            }
            while (to > from && Character.isWhitespace(line.charAt(to - 1))) {
                to--;
            }
            double d = CsvText.plainDecimal(line, from, to);
            if (Double.isNaN(d)) {
                return null;
            }
            x[i] = (float) d;
        }
        List<String> cells = new ArrayList<>(label.length);
        for (int c : label) {
            cells.add(cellText(line, bounds, c));
        }
        float[] y = labels.encode(key, "label", cells, label.length > 1);
        long time = Example.NO_TIMESTAMP;
        if (eventTime >= 0) {
            String t = cellText(line, bounds, eventTime);
            if (!t.isEmpty()) {
                time = FieldValues.eventTime(key, "column " + eventTime, t);
            }
        }
        return new Example(key, x, y, time, raw);
    }

    private static String cellText(String line, int[] bounds, int c) {
        return line.substring(bounds[c], bounds[c + 1] - 1).strip();
    }
}
