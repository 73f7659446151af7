package io.streamgrad.sql.train;

import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.operators.Example;
import java.io.Serializable;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.Row;

/**
 * Which input columns are the model key, the features and the label, and how a row becomes an
 * {@link Example}. Column types follow the {@code ML_PREDICT} provider's rule: a number or BOOLEAN
 * column is one value, an {@code ARRAY} of numbers (not DECIMAL) as many values as it has elements.
 * A scalar label is the target of a one-output model, or a class index (one-hot encoded) of a
 * multi-output one; an array label is the target vector itself.
 */
@Internal
final class TrainColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int keyColumn;
    private final int[] features;
    private final int label;
    private final boolean[] isArray;
    private final String[] names;
    private final int outputDim;

    private TrainColumns(int keyColumn, int[] features, int label, RowType row, int outputDim) {
        this.keyColumn = keyColumn;
        this.features = features;
        this.label = label;
        this.isArray = new boolean[row.getFieldCount()];
        for (int i = 0; i < isArray.length; i++) {
            isArray[i] = row.getTypeAt(i) instanceof ArrayType;
        }
        this.names = row.getFieldNames().toArray(new String[0]);
        this.outputDim = outputDim;
    }

    /**
     * Resolves the columns of {@code row} (the input table's type) for {@code config}; a
     * {@link ValidationException} names the field or column that does not fit.
     */
    static TrainColumns resolve(TrainConfig config, RowType row, int[] partitionBy, int timeColumn) {
        List<String> names = row.getFieldNames();
        if (partitionBy.length != 1 || !row.getTypeAt(partitionBy[0]).is(LogicalTypeFamily.CHARACTER_STRING)) {
            throw new ValidationException(TrainConfig.PREFIX + "input: PARTITION BY exactly one STRING column (the "
                    + "model key); got " + Arrays.stream(partitionBy).mapToObj(i -> names.get(i) + " "
                    + row.getTypeAt(i)).toList());
        }
        ModelSpec model = config.trainer().modelSpec();
        int label = names.indexOf(config.label());
        if (label < 0) {
            throw TrainConfig.fail("columns.label", "the input has no column '" + config.label() + "'; its columns: "
                    + names);
        }
        checkValueColumn("columns.label", names.get(label), row.getTypeAt(label));
        if (!(row.getTypeAt(label) instanceof ArrayType) && model.outputDim() > 1
                && !row.getTypeAt(label).is(LogicalTypeFamily.INTEGER_NUMERIC)) {
            throw TrainConfig.fail("columns.label", "the model has " + model.outputDim() + " outputs: the label '"
                    + config.label() + "' must be an ARRAY of them or an integer class index, got "
                    + row.getTypeAt(label));
        }
        List<Integer> features = new ArrayList<>();
        if (config.features().isEmpty()) {
            for (int i = 0; i < names.size(); i++) {
                // a time attribute is not known as on_time while the call is typed: skip every datetime
                if (i != partitionBy[0] && i != label && i != timeColumn
                        && !row.getTypeAt(i).is(LogicalTypeFamily.DATETIME)) {
                    features.add(i);
                }
            }
        } else {
            for (String f : config.features()) {
                int i = names.indexOf(f);
                if (i < 0) {
                    throw TrainConfig.fail("columns.features", "the input has no column '" + f + "'; its columns: "
                            + names);
                }
                features.add(i);
            }
        }
        int scalars = 0;
        boolean arrays = false;
        for (int i : features) {
            checkValueColumn("columns.features", names.get(i), row.getTypeAt(i));
            arrays |= row.getTypeAt(i) instanceof ArrayType;
            scalars += row.getTypeAt(i) instanceof ArrayType ? 0 : 1;
        }
        if (features.isEmpty() || (!arrays && scalars != model.inputDim()) || scalars > model.inputDim()) {
            throw TrainConfig.fail("columns.features", "the model takes " + model.inputDim() + " input values but "
                    + "the feature columns are " + features.stream().map(names::get).toList());
        }
        return new TrainColumns(partitionBy[0], features.stream().mapToInt(Integer::intValue).toArray(), label, row,
                model.outputDim());
    }

    private static void checkValueColumn(String field, String column, LogicalType t) {
        boolean scalar = t.is(LogicalTypeFamily.NUMERIC) || t.is(LogicalTypeRoot.BOOLEAN);
        boolean array = t instanceof ArrayType a && a.getElementType().is(LogicalTypeFamily.NUMERIC)
                && !a.getElementType().is(LogicalTypeRoot.DECIMAL);
        if (!scalar && !array) {
            throw TrainConfig.fail(field, "column '" + column + "' has type " + t + "; expected a number, BOOLEAN or "
                    + "ARRAY of numbers (not DECIMAL)");
        }
    }

    /** The row's model key (null when the key column is null). */
    String key(Row row) {
        Object k = row.getField(keyColumn);
        return k == null ? null : k.toString();
    }

    /**
     * The row as an example ({@code eventTime} attached), or its problem as a dead-letter reason
     * in {@code problem[0]}; values are checked further by the trainer's {@code ExampleValidator}.
     */
    Example example(String key, Row row, long eventTime, String[] problem) {
        float[] x = values(row, features, problem);
        if (x == null) {
            return null;
        }
        float[] y = target(row, problem);
        if (y == null) {
            return null;
        }
        return new Example(key, x, y, eventTime, null);
    }

    private float[] values(Row row, int[] columns, String[] problem) {
        int n = 0;
        for (int c : columns) {
            Object v = row.getField(c);
            if (v == null) {
                problem[0] = "column '" + names[c] + "': null";
                return null;
            }
            n += isArray[c] ? Array.getLength(v) : 1;
        }
        float[] out = new float[n];
        int at = 0;
        for (int c : columns) {
            Object v = row.getField(c);
            if (isArray[c]) {
                for (int j = 0; j < Array.getLength(v); j++) {
                    Object e = Array.get(v, j);
                    if (e == null) {
                        problem[0] = "column '" + names[c] + "'[" + j + "]: null";
                        return null;
                    }
                    out[at++] = value(e);
                }
            } else {
                out[at++] = value(v);
            }
        }
        return out;
    }

    private float[] target(Row row, String[] problem) {
        float[] v = values(row, new int[] {label}, problem);
        if (v == null || isArray[label] || outputDim == 1) {
            return v;
        }
        long index = ((Number) row.getField(label)).longValue();
        if (index < 0 || index >= outputDim) {
            problem[0] = "column '" + names[label] + "': class index " + index + " outside [0, " + outputDim + ")";
            return null;
        }
        float[] oneHot = new float[outputDim];
        oneHot[(int) index] = 1f;
        return oneHot;
    }

    /** A number as the jobs read it: a double value becomes a float model input. */
    private static float value(Object v) {
        if (v instanceof Boolean b) {
            return b ? 1f : 0f;
        }
        if (v instanceof BigDecimal d) {
            return (float) d.doubleValue();
        }
        if (v instanceof Double d) {
            return (float) d.doubleValue();
        }
        return ((Number) v).floatValue();
    }

    private static String arrayText(Object array) {
        String s = Arrays.deepToString(new Object[] {array}); // primitive or boxed elements alike
        return s.substring(1, s.length() - 1);
    }

    /** The row's key, feature and label columns as text, for its dead letter. */
    String describe(Row row) {
        StringBuilder s = new StringBuilder("{");
        List<Integer> shown = new ArrayList<>(List.of(keyColumn));
        Arrays.stream(features).forEach(shown::add);
        shown.add(label);
        for (int c : shown) {
            Object v = row.getField(c);
            s.append(s.length() > 1 ? ", " : "").append(names[c]).append('=')
                    .append(v != null && isArray[c] ? arrayText(v) : v);
        }
        return s.append('}').toString();
    }
}
