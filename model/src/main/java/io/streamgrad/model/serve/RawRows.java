package io.streamgrad.model.serve;

import io.streamgrad.model.features.FeatureBatch;
import io.streamgrad.model.spec.FeatureSpec;
import io.streamgrad.model.spec.ModelSpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Raw rows given as maps (feature name to value) for a model with features, filled into a
 * {@link FeatureBatch}. Integers are taken exactly (never through a double); a missing value or
 * one of the wrong type is refused with a message naming the feature.
 */
final class RawRows {
    private RawRows() {}

    static FeatureBatch batchOf(ModelSpec model, List<? extends Map<String, ?>> rows) {
        if (!model.hasFeatures()) {
            throw new IllegalArgumentException("the model has no features: predict ready vectors instead");
        }
        FeatureBatch batch = new FeatureBatch(model.features(), rows.size());
        for (Map<String, ?> row : rows) {
            int r = batch.addRow();
            for (int j = 0; j < model.features().size(); j++) {
                FeatureSpec f = model.features().get(j);
                Object v = row.get(f.name());
                if (v == null) {
                    throw new IllegalArgumentException("feature '" + f.name() + "': missing");
                }
                if (f instanceof FeatureSpec.Numeric num) {
                    double[] values = numbers(f.name(), v, num.size());
                    batch.setNumbers(r, j, values);
                } else if (((FeatureSpec.Categorical) f).integer()) {
                    batch.setInteger(r, j, integer(f.name(), v));
                } else if (v instanceof String s) {
                    batch.setString(r, j, s);
                } else {
                    throw wrongType(f.name(), "a string", v);
                }
            }
        }
        return batch;
    }

    private static double[] numbers(String name, Object v, int size) {
        double[] out = new double[size];
        if (v instanceof Number n && size == 1) {
            out[0] = n.doubleValue();
        } else if (v instanceof double[] d && d.length == size) {
            System.arraycopy(d, 0, out, 0, size);
        } else if (v instanceof float[] f && f.length == size) {
            for (int i = 0; i < size; i++) {
                out[i] = f[i];
            }
        } else if (v instanceof List<?> list && list.size() == size) {
            for (int i = 0; i < size; i++) {
                if (!(list.get(i) instanceof Number n)) {
                    throw wrongType(name + "[" + i + "]", "a number", list.get(i));
                }
                out[i] = n.doubleValue();
            }
        } else {
            throw wrongType(name, size == 1 ? "a number" : size + " numbers", v);
        }
        for (int i = 0; i < size; i++) {
            if (!Float.isFinite((float) out[i])) {
                throw new IllegalArgumentException("feature '" + name + "': not a finite number (" + out[i] + ")");
            }
        }
        return out;
    }

    private static long integer(String name, Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        try {
            if (v instanceof BigInteger b) {
                return b.longValueExact();
            }
            if (v instanceof BigDecimal d) {
                return d.longValueExact();
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("feature '" + name + "': not a 64-bit integer (" + v + ")");
        }
        throw wrongType(name, "an integer", v);
    }

    private static IllegalArgumentException wrongType(String name, String expected, Object v) {
        return new IllegalArgumentException("feature '" + name + "': expected " + expected + ", got "
                + v.getClass().getSimpleName());
    }
}
