package io.streamgrad.sql.predict;

import io.streamgrad.model.serve.OutputKind;
import io.streamgrad.model.serve.Prediction;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * How a prediction fills the columns of a model's {@code OUTPUT}. Columns are recognised by name
 * (case-insensitive): {@code model_version} (BIGINT) the snapshot's version, {@code model_key}
 * (STRING) the key scored with, {@code class_index} (INT or BIGINT) the predicted class of a
 * classifier; every other column is an output value: either one {@code ARRAY<FLOAT|DOUBLE>} with
 * all the model's outputs, or one FLOAT/DOUBLE column per model output, in order.
 */
@Internal
public final class OutputLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String VERSION = "model_version";
    public static final String KEY = "model_key";
    public static final String CLASS_INDEX = "class_index";

    enum Role { VERSION, KEY, CLASS_INDEX, VALUE, VALUES_ARRAY }

    private final Role[] roles;
    /** DOUBLE (not FLOAT) values, BIGINT (not INT) class index. */
    private final boolean[] wide;
    private final int valueColumns;
    private final boolean valuesArray;
    private final boolean classIndex;

    private OutputLayout(Role[] roles, boolean[] wide) {
        this.roles = roles;
        this.wide = wide;
        int values = 0;
        boolean array = false;
        boolean cls = false;
        for (Role r : roles) {
            switch (r) {
                case VALUE -> values++;
                case VALUES_ARRAY -> array = true;
                case CLASS_INDEX -> cls = true;
                default -> { }
            }
        }
        this.valueColumns = values;
        this.valuesArray = array;
        this.classIndex = cls;
    }

    /** The layout of {@code schema}, or a {@link ValidationException} naming the column it cannot fill. */
    public static OutputLayout of(ResolvedSchema schema) {
        List<Column> columns = schema.getColumns();
        Role[] roles = new Role[columns.size()];
        boolean[] wide = new boolean[columns.size()];
        for (int i = 0; i < roles.length; i++) {
            Column c = columns.get(i);
            LogicalType t = c.getDataType().getLogicalType();
            String name = c.getName().toLowerCase(Locale.ROOT);
            switch (name) {
                case VERSION -> roles[i] = expect(c, t.is(LogicalTypeRoot.BIGINT), "BIGINT", Role.VERSION);
                case KEY -> roles[i] = expect(c, t.is(LogicalTypeFamily.CHARACTER_STRING), "STRING", Role.KEY);
                case CLASS_INDEX -> {
                    roles[i] = expect(c, t.is(LogicalTypeRoot.INTEGER) || t.is(LogicalTypeRoot.BIGINT),
                            "INT or BIGINT", Role.CLASS_INDEX);
                    wide[i] = t.is(LogicalTypeRoot.BIGINT);
                }
                default -> {
                    if (t instanceof ArrayType a) {
                        roles[i] = expect(c, isFloating(a.getElementType()), "ARRAY<FLOAT> or ARRAY<DOUBLE>",
                                Role.VALUES_ARRAY);
                        wide[i] = a.getElementType().is(LogicalTypeRoot.DOUBLE);
                    } else {
                        roles[i] = expect(c, isFloating(t), "FLOAT or DOUBLE (an output value)", Role.VALUE);
                        wide[i] = t.is(LogicalTypeRoot.DOUBLE);
                    }
                }
            }
            if (i > 0 && roles[i] != Role.VALUE && roles[i] != Role.VALUES_ARRAY) {
                for (int j = 0; j < i; j++) {
                    if (roles[j] == roles[i]) {
                        throw new ValidationException("streamgrad model: OUTPUT column '" + c.getName()
                                + "' appears twice");
                    }
                }
            }
        }
        OutputLayout layout = new OutputLayout(roles, wide);
        if (layout.valuesArray && layout.valueColumns > 0) {
            throw new ValidationException("streamgrad model: OUTPUT has both an ARRAY of values and scalar value "
                    + "columns; use one or the other");
        }
        if (countArrays(roles) > 1) {
            throw new ValidationException("streamgrad model: OUTPUT may have one ARRAY of values");
        }
        return layout;
    }

    private static int countArrays(Role[] roles) {
        int n = 0;
        for (Role r : roles) {
            n += r == Role.VALUES_ARRAY ? 1 : 0;
        }
        return n;
    }

    private static boolean isFloating(LogicalType t) {
        return t.is(LogicalTypeRoot.FLOAT) || t.is(LogicalTypeRoot.DOUBLE);
    }

    private static Role expect(Column c, boolean ok, String expected, Role role) {
        if (!ok) {
            throw new ValidationException("streamgrad model: OUTPUT column '" + c.getName() + "' has type "
                    + c.getDataType().getLogicalType() + "; expected " + expected);
        }
        return role;
    }

    /** Why a model of this output width and kind cannot fill the columns, or null when it can. */
    public String checkModel(int outputDim, OutputKind kind) {
        if (!valuesArray && valueColumns > 0 && valueColumns != outputDim) {
            return "the model has " + outputDim + " outputs but the OUTPUT has " + valueColumns + " value columns";
        }
        if (classIndex && kind.classCount(outputDim) == 0) {
            return "OUTPUT column '" + CLASS_INDEX + "' needs a classifier but the model is " + kind;
        }
        return null;
    }

    public int arity() {
        return roles.length;
    }

    /** The output row of {@code p}, predicted by version {@code version} of key {@code key}. */
    public RowData row(Prediction p, long version, String key) {
        GenericRowData row = new GenericRowData(roles.length);
        float[] v = p.values();
        int next = 0;
        for (int i = 0; i < roles.length; i++) {
            switch (roles[i]) {
                case VERSION -> row.setField(i, version);
                case KEY -> row.setField(i, StringData.fromString(key));
                case CLASS_INDEX -> row.setField(i, classIndex(p.classIndex(), wide[i]));
                case VALUE -> {
                    float f = v[next++];
                    row.setField(i, wide[i] ? (Object) (double) f : (Object) f);
                }
                case VALUES_ARRAY -> row.setField(i, wide[i] ? new GenericArrayData(widen(v))
                        : new GenericArrayData(v.clone()));
                default -> throw new IllegalStateException();
            }
        }
        return row;
    }

    /** The row of an input that could not be scored (no model yet, or a null/missing feature): all nulls but the key. */
    public RowData unscored(String key) {
        GenericRowData row = new GenericRowData(roles.length);
        for (int i = 0; i < roles.length; i++) {
            if (roles[i] == Role.KEY && key != null) {
                row.setField(i, StringData.fromString(key));
            }
        }
        return row;
    }

    /** INT or BIGINT as the column is declared (a conditional expression would promote both to long). */
    private static Object classIndex(int index, boolean asLong) {
        if (index == OutputKind.NO_CLASS) {
            return null;
        }
        if (asLong) {
            return (long) index;
        }
        return index;
    }

    private static double[] widen(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
