package io.streamgrad.model.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.model.features.FeatureBatch;
import io.streamgrad.model.spec.FeatureSpec;
import io.streamgrad.model.spec.SpecException;
import java.util.List;

/**
 * Reads the column form of raw inputs in {@code streamgrad-case/2} ({@code x}: feature name →
 * {@code [B][size]} numbers, {@code [B]} strings or {@code [B]} int64 integers, read exactly).
 */
final class FeatureColumns {
    private FeatureColumns() {}

    /** Number of rows of the columns; every feature must be present with the same row count. */
    static int rowCount(JsonNode x, List<FeatureSpec> features, String path) {
        if (x == null || !x.isObject()) {
            throw new SpecException(path, "must be an object of feature columns");
        }
        int rows = -1;
        for (FeatureSpec f : features) {
            JsonNode col = x.get(f.name());
            if (col == null || !col.isArray()) {
                throw new SpecException(path + "." + f.name(), "is required: a column of the feature's values");
            }
            if (rows >= 0 && col.size() != rows) {
                throw new SpecException(path + "." + f.name(), "has " + col.size() + " rows, other columns " + rows);
            }
            rows = col.size();
        }
        return rows;
    }

    /** Writes the columns into rows {@code [first, first + rows)} of {@code raw} (already added). */
    static void read(JsonNode x, FeatureBatch raw, int first, int rows, String path) {
        List<FeatureSpec> features = raw.features();
        for (int j = 0; j < features.size(); j++) {
            FeatureSpec f = features.get(j);
            JsonNode col = x.get(f.name());
            String cp = path + "." + f.name();
            for (int r = 0; r < rows; r++) {
                JsonNode v = col.get(r);
                String vp = cp + "[" + r + "]";
                if (f instanceof FeatureSpec.Numeric num) {
                    if (v == null || !v.isArray() || v.size() != num.size()) {
                        throw new SpecException(vp, "must be an array of " + num.size() + " numbers");
                    }
                    for (int i = 0; i < num.size(); i++) {
                        JsonNode n = v.get(i);
                        if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
                            throw new SpecException(vp + "[" + i + "]", "must be a finite number, got " + n);
                        }
                        raw.setNumber(first + r, j, i, n.doubleValue());
                    }
                } else if (((FeatureSpec.Categorical) f).integer()) {
                    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                        throw new SpecException(vp, "must be an integer in the int64 range, got " + v);
                    }
                    raw.setInteger(first + r, j, v.longValue());
                } else {
                    if (!v.isTextual()) {
                        throw new SpecException(vp, "must be a string, got " + v);
                    }
                    raw.setString(first + r, j, v.textValue());
                }
            }
        }
    }
}
