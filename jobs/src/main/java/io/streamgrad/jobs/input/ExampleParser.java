package io.streamgrad.jobs.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.config.InputFormat;
import io.streamgrad.jobs.config.InputFormat.KeySource;
import io.streamgrad.jobs.config.InputFormat.LabelEncoding;
import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one raw input record (JSON object or CSV line) into an {@link Example}, or into a
 * {@link DeadLetter} naming what is wrong. Never throws: a bad record must not fail the job.
 * Checks widths against the model (input vector = {@code inputDim}, target = output width),
 * class indices against the class count, and rejects non-finite numbers.
 *
 * <p>Nothing taken from a record may make an output record large: a model key longer than
 * {@link #MAX_KEY_CHARS} is rejected (a key becomes a Kafka record key of every metric and
 * snapshot, and a key of keyed state), values quoted in a reason are abbreviated, and a dead
 * letter carries at most {@link #MAX_REASON_CHARS} of reason and {@code maxRecordChars} of record.
 */
public final class ExampleParser implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest model key accepted, in characters. */
    public static final int MAX_KEY_CHARS = 1024;
    /** Longest dead-letter reason, in characters. */
    public static final int MAX_REASON_CHARS = 1000;

    private final InputFormat format;
    private final int inputDim;
    private final int outputDim;
    private final LossKind loss;

    public ExampleParser(InputFormat format, ModelSpec model) {
        this(format, model.inputDim(), model.outputDim(), model.loss());
    }

    public ExampleParser(InputFormat format, int inputDim, int outputDim, LossKind loss) {
        this.format = format;
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        this.loss = loss;
    }

    /** A record could not be used; the message is the dead letter's reason. */
    private static final class Reject extends Exception {
        private static final long serialVersionUID = 1L;
        final String key;

        Reject(String key, String message) {
            super(message, null, false, false);
            this.key = key;
        }
    }

    public ParseResult parse(byte[] recordKey, byte[] value, long kafkaTimestamp) {
        String raw = value == null ? null : new String(value, StandardCharsets.UTF_8);
        String key = recordKey == null ? null : new String(recordKey, StandardCharsets.UTF_8);
        return parse(key, raw, kafkaTimestamp);
    }

    public ParseResult parse(String recordKey, String raw, long kafkaTimestamp) {
        try {
            if (raw == null) {
                throw new Reject(recordKey, "empty record (null value)");
            }
            Example e = format.isJson() ? json(recordKey, raw) : csv(recordKey, raw);
            e.raw = null;
            return ParseResult.ok(e);
        } catch (Reject r) {
            return dead(r.key, r.getMessage(), raw);
        } catch (RuntimeException e) {
            return dead(recordKey, "cannot parse: " + abbreviate(String.valueOf(e)), raw);
        }
    }

    private ParseResult dead(String key, String reason, String raw) {
        String rec = raw == null ? null
                : raw.length() > format.maxRecordChars() ? raw.substring(0, format.maxRecordChars()) : raw;
        if (key != null && key.length() > MAX_KEY_CHARS) {
            key = null; // the reason says why; an oversized key is not repeated in the output
        }
        if (reason.length() > MAX_REASON_CHARS) {
            reason = reason.substring(0, MAX_REASON_CHARS - 3) + "...";
        }
        return ParseResult.dead(new DeadLetter(key, "parse", reason, rec, raw == null ? 0 : raw.length(),
                System.currentTimeMillis()));
    }

    private static void checkKeyLength(String key) throws Reject {
        if (key.length() > MAX_KEY_CHARS) {
            throw new Reject(null, "model key: " + key.length() + " characters, longer than the maximum of "
                    + MAX_KEY_CHARS + " ('" + abbreviate(key) + "')");
        }
    }

    // ------------------------------------------------------------------ JSON

    private Example json(String recordKey, String raw) throws Reject {
        JsonNode n;
        try {
            n = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new Reject(recordKey, "not valid JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new Reject(recordKey, "expected a JSON object");
        }
        String key = switch (format.keyFrom()) {
            case RECORD_KEY -> recordKey;
            case CONSTANT -> format.constantKey();
            default -> {
                JsonNode k = n.get(format.keyField());
                yield k == null || k.isNull() || !k.isValueNode() ? null : k.asText();
            }
        };
        if (key == null || key.isEmpty()) {
            throw new Reject(recordKey, format.keyFrom() == KeySource.RECORD_KEY ? "model key: the Kafka record has no key"
                    : "model key: field '" + format.keyField() + "' is missing");
        }
        checkKeyLength(key);
        float[] x = new float[inputDim];
        if (format.jsonFeatures() != null) {
            JsonNode f = n.get(format.jsonFeatures());
            if (f == null || !f.isArray()) {
                throw new Reject(key, format.jsonFeatures() + ": expected an array of " + inputDim + " numbers");
            }
            if (f.size() != inputDim) {
                throw new Reject(key, format.jsonFeatures() + ": expected " + inputDim + " values, got " + f.size());
            }
            for (int i = 0; i < inputDim; i++) {
                x[i] = number(key, format.jsonFeatures() + "[" + i + "]", f.get(i));
            }
        } else {
            List<String> names = format.jsonFeatureFields();
            for (int i = 0; i < inputDim; i++) {
                JsonNode v = n.get(names.get(i));
                if (v == null || v.isNull()) {
                    throw new Reject(key, names.get(i) + ": missing");
                }
                x[i] = number(key, names.get(i), v);
            }
        }
        JsonNode l = n.get(format.jsonLabel());
        if (l == null || l.isNull()) {
            throw new Reject(key, format.jsonLabel() + ": missing label");
        }
        float[] y;
        if (l.isArray()) {
            List<String> cells = new ArrayList<>();
            for (JsonNode c : l) {
                if (!c.isValueNode()) {
                    throw new Reject(key, format.jsonLabel() + ": expected numbers");
                }
                cells.add(c.asText());
            }
            y = target(key, format.jsonLabel(), cells, true);
        } else if (l.isValueNode()) {
            y = target(key, format.jsonLabel(), List.of(l.asText()), false);
        } else {
            throw new Reject(key, format.jsonLabel() + ": expected a number, a class or an array");
        }
        long time = Example.NO_TIMESTAMP;
        if (format.jsonEventTime() != null) {
            JsonNode t = n.get(format.jsonEventTime());
            if (t != null && !t.isNull()) {
                time = time(key, format.jsonEventTime(), t.asText());
            }
        }
        return new Example(key, x, y, time, raw);
    }

    // ------------------------------------------------------------------ CSV

    private Example csv(String recordKey, String raw) throws Reject {
        Example fast = csvPlain(recordKey, raw);
        if (fast != null) {
            return fast;
        }
        String line = raw.strip();
        if (line.isEmpty()) {
            throw new Reject(recordKey, "empty line");
        }
        List<String> cols = split(line, format.csvDelimiter());
        String key = switch (format.keyFrom()) {
            case RECORD_KEY -> recordKey;
            case CONSTANT -> format.constantKey();
            default -> format.keyColumn() < cols.size() ? cols.get(format.keyColumn()).strip() : null;
        };
        if (key == null || key.isEmpty()) {
            throw new Reject(recordKey, format.keyFrom() == KeySource.RECORD_KEY ? "model key: the Kafka record has no key"
                    : "model key: column " + format.keyColumn() + " is missing");
        }
        checkKeyLength(key);
        float[] x = new float[inputDim];
        for (int i = 0; i < inputDim; i++) {
            int c = format.csvFeatures().get(i);
            x[i] = number(key, "column " + c, cell(key, cols, c));
        }
        List<String> labels = new ArrayList<>();
        for (int c : format.csvLabel()) {
            labels.add(cell(key, cols, c));
        }
        float[] y = target(key, "label", labels, format.csvLabel().size() > 1);
        long time = Example.NO_TIMESTAMP;
        if (format.csvEventTime() >= 0 && format.csvEventTime() < cols.size()
                && !cols.get(format.csvEventTime()).isBlank()) {
            time = time(key, "column " + format.csvEventTime(), cols.get(format.csvEventTime()).strip());
        }
        return new Example(key, x, y, time, raw);
    }

    /**
     * The common CSV line without a String per cell: no quotes, every column present, the model key
     * acceptable and every feature a plain decimal ({@link #plainDecimal}). Returns null for
     * anything else, and the general path then decides (same result, same reasons); the label and
     * event time go through the general code. Equal, bit for bit, to the general path.
     */
    private Example csvPlain(String recordKey, String raw) throws Reject {
        String line = raw.strip();
        int len = line.length();
        if (len == 0) {
            return null;
        }
        int[] cols = columns();
        int needed = cols[inputDim] + 1;
        int[] bounds = new int[needed + 1]; // start of column c at bounds[c], its end at bounds[c + 1] - 1
        int found = 1;
        char delimiter = format.csvDelimiter();
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
        int lastStart = bounds[needed - 1];
        int lastEnd = line.indexOf(delimiter, lastStart);
        bounds[needed] = (lastEnd < 0 ? len : lastEnd) + 1;
        String key = switch (format.keyFrom()) {
            case RECORD_KEY -> recordKey;
            case CONSTANT -> format.constantKey();
            default -> cellText(line, bounds, format.keyColumn());
        };
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_CHARS) {
            return null;
        }
        float[] x = new float[inputDim];
        for (int i = 0; i < inputDim; i++) {
            int c = cols[i];
            int from = bounds[c];
            int to = bounds[c + 1] - 1;
            while (from < to && Character.isWhitespace(line.charAt(from))) {
                from++;
            }
            while (to > from && Character.isWhitespace(line.charAt(to - 1))) {
                to--;
            }
            double d = plainDecimal(line, from, to);
            if (Double.isNaN(d)) {
                return null;
            }
            x[i] = (float) d;
        }
        List<Integer> labelColumns = format.csvLabel();
        List<String> labels = new ArrayList<>(labelColumns.size());
        for (int c : labelColumns) {
            labels.add(cellText(line, bounds, c));
        }
        float[] y = target(key, "label", labels, labelColumns.size() > 1);
        long time = Example.NO_TIMESTAMP;
        int tc = format.csvEventTime();
        if (tc >= 0) {
            String t = cellText(line, bounds, tc);
            if (!t.isEmpty()) {
                time = time(key, "column " + tc, t);
            }
        }
        return new Example(key, x, y, time, raw);
    }

    private static String cellText(String line, int[] bounds, int c) {
        return line.substring(bounds[c], bounds[c + 1] - 1).strip();
    }

    /** The feature columns, then the largest column used (key, features, label, event time). */
    private transient int[] columns;

    private int[] columns() {
        int[] cols = columns;
        if (cols == null) {
            cols = new int[inputDim + 1];
            int max = Math.max(format.keyColumn(), format.csvEventTime());
            for (int i = 0; i < inputDim; i++) {
                cols[i] = format.csvFeatures().get(i);
                max = Math.max(max, cols[i]);
            }
            for (int c : format.csvLabel()) {
                max = Math.max(max, c);
            }
            cols[inputDim] = max;
            columns = cols;
        }
        return cols;
    }

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
            1e13, 1e14, 1e15};

    /**
     * The value of a plain decimal {@code [+-]digits[.digits]} (at least one digit, at most 15 in
     * all) in {@code s[from, to)}, or NaN for any other text (the caller then uses
     * {@link Double#parseDouble}). Exact: the digits form an integer below 2^53 and the scale a power
     * of ten up to 10^15, both exact doubles, so the one correctly rounded division gives the
     * correctly rounded value of the decimal, which is what {@code Double.parseDouble} returns.
     */
    static double plainDecimal(String s, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long m = 0;
        int digits = 0;
        int fraction = -1;
        for (; i < to; i++) {
            char ch = s.charAt(i);
            if (ch >= '0' && ch <= '9') {
                if (++digits > 15) {
                    return Double.NaN;
                }
                m = m * 10 + (ch - '0');
                if (fraction >= 0) {
                    fraction++;
                }
            } else if (ch == '.' && fraction < 0) {
                fraction = 0;
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        double d = fraction > 0 ? m / POW10[fraction] : m;
        return negative ? -d : d;
    }

    private String cell(String key, List<String> cols, int c) throws Reject {
        if (c >= cols.size()) {
            throw new Reject(key, "column " + c + ": missing (the line has " + cols.size() + " columns)");
        }
        return cols.get(c).strip();
    }

    /** Splits one CSV line; double quotes may enclose fields ("" inside quotes is a quote). */
    public static List<String> splitCsv(String line, char delimiter) {
        return split(line, delimiter);
    }

    static List<String> split(String line, char delimiter) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == delimiter) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }

    // ------------------------------------------------------------------ values

    private static float number(String key, String field, JsonNode v) throws Reject {
        if (v.isNumber()) {
            return finite(key, field, v.doubleValue());
        }
        if (v.isTextual()) {
            return number(key, field, v.asText());
        }
        throw new Reject(key, field + ": expected a number, got "
                + (v.isArray() ? "an array" : v.isObject() ? "an object" : abbreviate(v.toString())));
    }

    private static float number(String key, String field, String s) throws Reject {
        double d;
        try {
            d = Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw new Reject(key, field + ": expected a number, got '" + abbreviate(s) + "'");
        }
        return finite(key, field, d);
    }

    private static float finite(String key, String field, double d) throws Reject {
        float f = (float) d;
        if (!Float.isFinite(f)) {
            throw new Reject(key, field + ": not a finite number (" + d + ")");
        }
        return f;
    }

    /**
     * Builds the target vector from the label cell(s). Scalars: class index / class name
     * (one-hot for categorical cross-entropy) or a value; vectors: one value per output.
     */
    private float[] target(String key, String field, List<String> cells, boolean vector) throws Reject {
        LabelEncoding enc = format.labelEncoding();
        boolean categorical = loss == LossKind.CATEGORICAL_CROSSENTROPY;
        if (vector || enc == LabelEncoding.ONE_HOT) {
            if (enc == LabelEncoding.INDEX) {
                throw new Reject(key, field + ": expected a class index, got " + cells.size() + " values");
            }
            if (cells.size() != outputDim) {
                throw new Reject(key, field + ": expected " + outputDim + " values, got " + cells.size());
            }
            float[] y = new float[outputDim];
            for (int i = 0; i < outputDim; i++) {
                y[i] = number(key, field + "[" + i + "]", cells.get(i));
            }
            if (categorical || enc == LabelEncoding.ONE_HOT) {
                checkOneHot(key, field, y);
            } else if (loss == LossKind.BINARY_CROSSENTROPY) {
                for (int i = 0; i < outputDim; i++) {
                    checkProbability(key, field + "[" + i + "]", y[i]);
                }
            }
            return y;
        }
        String cell = cells.get(0).strip();
        int classIndex = format.classes().indexOf(cell);
        boolean asIndex = categorical || enc == LabelEncoding.INDEX || classIndex >= 0;
        if (asIndex && (categorical || loss == LossKind.BINARY_CROSSENTROPY)) {
            int classes = categorical ? outputDim : 2;
            int c = classIndex >= 0 ? classIndex : classIndex(key, field, cell, classes);
            if (categorical) {
                float[] y = new float[outputDim];
                y[c] = 1f;
                return y;
            }
            return new float[] {c};
        }
        if (outputDim != 1) {
            throw new Reject(key, field + ": expected " + outputDim + " values, got 1");
        }
        float v = number(key, field, cell);
        if (loss == LossKind.BINARY_CROSSENTROPY) {
            checkProbability(key, field, v);
        }
        return new float[] {v};
    }

    private int classIndex(String key, String field, String cell, int classes) throws Reject {
        double d;
        try {
            d = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw new Reject(key, field + ": unknown class '" + abbreviate(cell) + "'"
                    + (format.classes().isEmpty() ? " (expected a class index)" : ", expected one of " + format.classes()));
        }
        if (d != Math.rint(d) || d < 0 || d >= classes) {
            throw new Reject(key, field + ": class index must be an integer in [0, " + classes + "), got "
                    + abbreviate(cell));
        }
        return (int) d;
    }

    private static void checkOneHot(String key, String field, float[] y) throws Reject {
        int ones = 0;
        for (float v : y) {
            if (v == 1f) {
                ones++;
            } else if (v != 0f) {
                throw new Reject(key, field + ": one-hot values must be 0 or 1, got " + v);
            }
        }
        if (ones != 1) {
            throw new Reject(key, field + ": one-hot label must contain exactly one 1, got " + ones);
        }
    }

    private static void checkProbability(String key, String field, float v) throws Reject {
        if (v < 0f || v > 1f) {
            throw new Reject(key, field + ": a binary label must be in [0, 1], got " + v);
        }
    }

    private static long time(String key, String field, String s) throws Reject {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            try {
                return Instant.parse(s.strip()).toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw new Reject(key, field + ": event time must be epoch milliseconds or ISO-8601, got '"
                        + abbreviate(s) + "'");
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
