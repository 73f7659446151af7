package io.streamgrad.sql.predict;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * How the columns of a model's {@code INPUT} (the {@code DESCRIPTOR} columns, in order) become one
 * model row: every numeric or BOOLEAN column is one feature, an {@code ARRAY} of numbers is as many
 * features as it has elements, and at most one character-string column is the per-row model key.
 */
@Internal
public final class InputLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    enum Kind { NUMBER, BOOLEAN, ARRAY, KEY }

    private final Kind[] kinds;
    private final LogicalTypeRoot[] roots;
    private final LogicalTypeRoot[] elementRoots;
    private final int[] precisions;
    private final int[] scales;
    private final int keyColumn;
    private final int scalarFeatures;
    private final boolean hasArrays;

    private InputLayout(Kind[] kinds, LogicalType[] types) {
        this.kinds = kinds;
        this.roots = new LogicalTypeRoot[types.length];
        this.elementRoots = new LogicalTypeRoot[types.length];
        this.precisions = new int[types.length];
        this.scales = new int[types.length];
        for (int i = 0; i < types.length; i++) {
            roots[i] = types[i].getTypeRoot();
            if (types[i] instanceof ArrayType a) {
                elementRoots[i] = a.getElementType().getTypeRoot();
            }
            if (types[i] instanceof DecimalType d) {
                precisions[i] = d.getPrecision();
                scales[i] = d.getScale();
            }
        }
        int key = -1;
        int scalars = 0;
        boolean arrays = false;
        for (int i = 0; i < kinds.length; i++) {
            switch (kinds[i]) {
                case KEY -> key = i;
                case ARRAY -> arrays = true;
                default -> scalars++;
            }
        }
        this.keyColumn = key;
        this.scalarFeatures = scalars;
        this.hasArrays = arrays;
    }

    /** The layout of {@code schema}, or a {@link ValidationException} naming the first column it cannot use. */
    public static InputLayout of(ResolvedSchema schema) {
        List<Column> columns = schema.getColumns();
        if (columns.isEmpty()) {
            throw new ValidationException("streamgrad model: the INPUT has no columns");
        }
        Kind[] kinds = new Kind[columns.size()];
        LogicalType[] types = new LogicalType[columns.size()];
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < kinds.length; i++) {
            Column c = columns.get(i);
            types[i] = c.getDataType().getLogicalType();
            kinds[i] = kindOf(c);
            if (kinds[i] == Kind.KEY) {
                keys.add(c.getName());
            }
        }
        if (keys.size() > 1) {
            throw new ValidationException("streamgrad model: INPUT may have one STRING column (the model key), "
                    + "found " + keys);
        }
        InputLayout layout = new InputLayout(kinds, types);
        if (layout.scalarFeatures == 0 && !layout.hasArrays) {
            throw new ValidationException("streamgrad model: the INPUT has no feature column");
        }
        return layout;
    }

    private static Kind kindOf(Column c) {
        LogicalType t = c.getDataType().getLogicalType();
        if (t.is(LogicalTypeFamily.CHARACTER_STRING)) {
            return Kind.KEY;
        }
        if (t.is(LogicalTypeRoot.BOOLEAN)) {
            return Kind.BOOLEAN;
        }
        if (t.is(LogicalTypeFamily.NUMERIC)) {
            return Kind.NUMBER;
        }
        if (t instanceof ArrayType a && a.getElementType().is(LogicalTypeFamily.NUMERIC)
                && !a.getElementType().is(LogicalTypeRoot.DECIMAL)) {
            return Kind.ARRAY;
        }
        throw new ValidationException("streamgrad model: INPUT column '" + c.getName() + "' has type " + t
                + "; expected a number, BOOLEAN, ARRAY of numbers (not DECIMAL), or one STRING model key");
    }

    /** Whether a STRING column gives each row's model key. */
    public boolean hasKeyColumn() {
        return keyColumn >= 0;
    }

    /** Features contributed by scalar columns (arrays add theirs at runtime). */
    public int scalarFeatures() {
        return scalarFeatures;
    }

    public boolean hasArrays() {
        return hasArrays;
    }

    /**
     * Whether rows of this layout fit a model of {@code inputDim} inputs; exact without arrays,
     * otherwise only an upper bound on the scalars (array lengths are checked per row).
     */
    public String checkInputDim(int inputDim) {
        if (!hasArrays && scalarFeatures != inputDim) {
            return "the model takes " + inputDim + " input values but the INPUT has " + scalarFeatures
                    + " feature columns";
        }
        if (hasArrays && scalarFeatures > inputDim) {
            return "the model takes " + inputDim + " input values but the INPUT has " + scalarFeatures
                    + " scalar feature columns besides its arrays";
        }
        return null;
    }

    /** The row's model key, or {@code fixed} when the layout has no key column. */
    public String key(RowData row, String fixed) {
        if (keyColumn < 0) {
            return fixed;
        }
        StringData s = row.isNullAt(keyColumn) ? null : row.getString(keyColumn);
        return s == null ? null : s.toString();
    }

    /**
     * Writes the row's features into {@code out} ({@code inputDim} floats). Returns false when a
     * feature is null, not finite as a float (the jobs reject such records too), or the arrays do
     * not add up to {@code inputDim} values.
     */
    public boolean features(RowData row, float[] out) {
        int n = 0;
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] == Kind.KEY) {
                continue;
            }
            if (row.isNullAt(i)) {
                return false;
            }
            if (kinds[i] == Kind.ARRAY) {
                ArrayData a = row.getArray(i);
                if (n + a.size() > out.length) {
                    return false;
                }
                for (int j = 0; j < a.size(); j++) {
                    if (a.isNullAt(j) || !finite(out[n++] = element(a, j, elementRoots[i]))) {
                        return false;
                    }
                }
            } else {
                if (n >= out.length) {
                    return false;
                }
                if (!finite(out[n++] = scalar(row, i))) {
                    return false;
                }
            }
        }
        return n == out.length;
    }

    private static boolean finite(float f) {
        return Float.isFinite(f);
    }

    /** The planner hands ML_PREDICT arguments over as a GenericRowData of internal objects. */
    private float scalar(RowData row, int i) {
        Object v = row instanceof GenericRowData g ? g.getField(i) : typed(row, i);
        if (v instanceof Boolean b) {
            return b ? 1f : 0f;
        }
        if (v instanceof DecimalData d) {
            return (float) d.toBigDecimal().doubleValue();
        }
        if (v instanceof Double d) {
            return (float) d.doubleValue(); // as the DataStream scorer: double feature, float model row
        }
        return ((Number) v).floatValue();
    }

    private Object typed(RowData row, int i) {
        return switch (roots[i]) {
            case BOOLEAN -> row.getBoolean(i);
            case TINYINT -> row.getByte(i);
            case SMALLINT -> row.getShort(i);
            case INTEGER -> row.getInt(i);
            case BIGINT -> row.getLong(i);
            case FLOAT -> row.getFloat(i);
            case DOUBLE -> row.getDouble(i);
            case DECIMAL -> row.getDecimal(i, precisions[i], scales[i]);
            default -> throw new IllegalStateException("not a feature type: " + roots[i]);
        };
    }

    private static float element(ArrayData a, int j, LogicalTypeRoot root) {
        return switch (root) {
            case TINYINT -> a.getByte(j);
            case SMALLINT -> a.getShort(j);
            case INTEGER -> a.getInt(j);
            case BIGINT -> a.getLong(j);
            case FLOAT -> a.getFloat(j);
            case DOUBLE -> (float) a.getDouble(j);
            default -> throw new IllegalStateException("unsupported ARRAY element type " + root);
        };
    }
}
