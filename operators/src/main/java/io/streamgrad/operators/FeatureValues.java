package io.streamgrad.operators;

import io.streamgrad.model.spec.FeatureSpec;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The raw feature values of one example for a model with {@code model.features}, grouped by type,
 * each group in the order the features are listed: the components of the numeric features one
 * after another, the string features, the integer features (exact 64-bit). A Flink POJO of
 * primitive and String arrays, so it is serialized without Kryo.
 */
@PublicEvolving
public class FeatureValues {
    /** Components of the numeric features, feature after feature ({@code size} values each). */
    public double[] numbers;
    /** Values of the string features. */
    public String[] strings;
    /** Values of the integer features. */
    public long[] integers;

    public FeatureValues() {}

    public FeatureValues(double[] numbers, String[] strings, long[] integers) {
        this.numbers = numbers;
        this.strings = strings;
        this.integers = integers;
    }

    /** Empty values sized for {@code features} (numbers 0, integers 0, strings unset). */
    public static FeatureValues forFeatures(List<FeatureSpec> features) {
        int numeric = 0;
        int string = 0;
        int integer = 0;
        for (FeatureSpec f : features) {
            if (f instanceof FeatureSpec.Numeric n) {
                numeric += n.size();
            } else if (((FeatureSpec.Categorical) f).integer()) {
                integer++;
            } else {
                string++;
            }
        }
        return new FeatureValues(new double[numeric], new String[string], new long[integer]);
    }

    public FeatureValues copy() {
        return new FeatureValues(numbers == null ? null : numbers.clone(), strings == null ? null : strings.clone(),
                integers == null ? null : integers.clone());
    }

    @Override
    public String toString() {
        return "{numbers=" + Arrays.toString(numbers) + ", strings=" + Arrays.toString(strings) + ", integers="
                + Arrays.toString(integers) + "}";
    }
}
