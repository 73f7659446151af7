package io.streamgrad.operators.training;

import io.streamgrad.model.features.FeatureBatch;
import io.streamgrad.model.spec.FeatureSpec;
import io.streamgrad.operators.FeatureValues;
import java.util.List;
import org.apache.flink.annotation.Internal;

/**
 * Where each feature of a model sits in a {@link FeatureValues} (its group and offset), to check
 * an example's values and copy them into a raw row of a {@link FeatureBatch}.
 */
@Internal
public final class FeatureRows {
    private final List<FeatureSpec> features;
    /** Per feature: offset in its group (numbers: first component). */
    private final int[] offset;
    private final int numbers;
    private final int strings;
    private final int integers;

    public FeatureRows(List<FeatureSpec> features) {
        this.features = List.copyOf(features);
        offset = new int[features.size()];
        int n = 0;
        int s = 0;
        int i = 0;
        for (int j = 0; j < features.size(); j++) {
            FeatureSpec f = features.get(j);
            if (f instanceof FeatureSpec.Numeric num) {
                offset[j] = n;
                n += num.size();
            } else if (((FeatureSpec.Categorical) f).integer()) {
                offset[j] = i++;
            } else {
                offset[j] = s++;
            }
        }
        numbers = n;
        strings = s;
        integers = i;
    }

    /** Numeric components per row. */
    public int numbers() {
        return numbers;
    }

    public int strings() {
        return strings;
    }

    public int integers() {
        return integers;
    }

    /** Why {@code v} cannot be fed to the model (a dead-letter reason naming the feature), or null. */
    public String problem(FeatureValues v) {
        if (v == null) {
            return "features: missing (the model takes named features: " + names() + ")";
        }
        int n = v.numbers == null ? 0 : v.numbers.length;
        int s = v.strings == null ? 0 : v.strings.length;
        int i = v.integers == null ? 0 : v.integers.length;
        if (n != numbers || s != strings || i != integers) {
            return "features: expected " + numbers + " numeric components, " + strings + " strings and " + integers
                    + " integers, got " + n + ", " + s + " and " + i;
        }
        for (int j = 0; j < features.size(); j++) {
            FeatureSpec f = features.get(j);
            if (f instanceof FeatureSpec.Numeric num) {
                for (int c = 0; c < num.size(); c++) {
                    double d = v.numbers[offset[j] + c];
                    if (!Float.isFinite((float) d)) {
                        return f.name() + (num.size() > 1 ? "[" + c + "]" : "") + ": not a finite number (" + d + ")";
                    }
                }
            } else if (!((FeatureSpec.Categorical) f).integer() && v.strings[offset[j]] == null) {
                return f.name() + ": missing";
            }
        }
        return null;
    }

    /** Copies valid values into row {@code row} of {@code batch}. */
    public void fill(FeatureBatch batch, int row, FeatureValues v) {
        fill(batch, row, v.numbers, 0, v.strings, 0, v.integers, 0);
    }

    /** Copies one row stored from the given offsets of the three groups into row {@code row} of {@code batch}. */
    public void fill(FeatureBatch batch, int row, double[] nums, int numOff, String[] strs, int strOff, long[] ints,
                     int intOff) {
        for (int j = 0; j < features.size(); j++) {
            FeatureSpec f = features.get(j);
            if (f instanceof FeatureSpec.Numeric num) {
                for (int c = 0; c < num.size(); c++) {
                    batch.setNumber(row, j, c, nums[numOff + offset[j] + c]);
                }
            } else if (((FeatureSpec.Categorical) f).integer()) {
                batch.setInteger(row, j, ints[intOff + offset[j]]);
            } else {
                batch.setString(row, j, strs[strOff + offset[j]]);
            }
        }
    }

    private String names() {
        StringBuilder b = new StringBuilder();
        for (FeatureSpec f : features) {
            b.append(b.length() == 0 ? "" : ", ").append(f.name());
        }
        return b.toString();
    }
}
