package io.streamgrad.model.features;

import io.streamgrad.model.spec.FeatureSpec;
import java.util.Arrays;
import java.util.List;

/**
 * Raw feature values of a batch of rows, column by column in {@code model.features} order:
 * numbers ({@code double}, as read from the input, so online statistics see the written values),
 * strings, or exact 64-bit integers. Rows are appended with {@link #addRow()} and filled with the
 * typed setters; reusable ({@link #clear()}), capacity grows only when needed.
 */
public final class FeatureBatch {
    private final List<FeatureSpec> features;
    private final int[] sizes;
    private final boolean[] integer;
    private final double[][] numbers;
    private final String[][] strings;
    private final long[][] integers;
    private int capacity;
    private int size;

    public FeatureBatch(List<FeatureSpec> features, int initialCapacity) {
        this.features = List.copyOf(features);
        int n = features.size();
        sizes = new int[n];
        integer = new boolean[n];
        numbers = new double[n][];
        strings = new String[n][];
        integers = new long[n][];
        for (int j = 0; j < n; j++) {
            FeatureSpec f = features.get(j);
            if (f instanceof FeatureSpec.Numeric num) {
                sizes[j] = num.size();
            } else if (f instanceof FeatureSpec.Categorical c) {
                integer[j] = c.integer();
            }
        }
        allocate(Math.max(1, initialCapacity));
    }

    public List<FeatureSpec> features() {
        return features;
    }

    /** Position of the feature called {@code name}, or -1. */
    public int indexOf(String name) {
        for (int j = 0; j < features.size(); j++) {
            if (features.get(j).name().equals(name)) {
                return j;
            }
        }
        return -1;
    }

    public int size() {
        return size;
    }

    public void clear() {
        for (String[] s : strings) {
            if (s != null) {
                Arrays.fill(s, 0, size, null);
            }
        }
        size = 0;
    }

    /** Appends a row (numbers and integers 0, strings unset) and returns its index. */
    public int addRow() {
        if (size == capacity) {
            allocate(capacity * 2);
        }
        int r = size++;
        for (int j = 0; j < sizes.length; j++) {
            if (numbers[j] != null) {
                Arrays.fill(numbers[j], r * sizes[j], (r + 1) * sizes[j], 0.0);
            } else if (integers[j] != null) {
                integers[j][r] = 0;
            } else {
                strings[j][r] = null;
            }
        }
        return r;
    }

    /** Component {@code component} of numeric feature {@code feature} in row {@code row}. */
    public void setNumber(int row, int feature, int component, double value) {
        checkRow(row);
        if (numbers[feature] == null) {
            throw new IllegalArgumentException("feature '" + features.get(feature).name() + "' is not numeric");
        }
        if (component < 0 || component >= sizes[feature]) {
            throw new IndexOutOfBoundsException("component " + component + " of feature '"
                    + features.get(feature).name() + "' (size " + sizes[feature] + ")");
        }
        numbers[feature][row * sizes[feature] + component] = value;
    }

    /** All {@code size} components of numeric feature {@code feature} in row {@code row}. */
    public void setNumbers(int row, int feature, double... values) {
        if (values.length != sizes[feature]) {
            throw new IllegalArgumentException("feature '" + features.get(feature).name() + "' has "
                    + sizes[feature] + " components, got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            setNumber(row, feature, i, values[i]);
        }
    }

    public void setString(int row, int feature, String value) {
        checkRow(row);
        if (strings[feature] == null) {
            throw new IllegalArgumentException("feature '" + features.get(feature).name() + "' is not a string feature");
        }
        strings[feature][row] = value;
    }

    public void setInteger(int row, int feature, long value) {
        checkRow(row);
        if (integers[feature] == null) {
            throw new IllegalArgumentException("feature '" + features.get(feature).name()
                    + "' is not an integer feature");
        }
        integers[feature][row] = value;
    }

    /** Numeric column of {@code feature}: row r, component i at {@code [r * size + i]}. */
    double[] numbers(int feature) {
        return numbers[feature];
    }

    /**
     * The categorical value of {@code feature} in {@code row} as the token Keras looks up or hashes:
     * the string itself, or the decimal form of an integer.
     */
    public String token(int row, int feature) {
        if (integers[feature] != null) {
            return Long.toString(integers[feature][row]);
        }
        String s = strings[feature][row];
        if (s == null) {
            throw new IllegalArgumentException("row " + row + ": string feature '" + features.get(feature).name()
                    + "' has no value");
        }
        return s;
    }

    /** Integer value of an integer feature. */
    public long integer(int row, int feature) {
        return integers[feature][row];
    }

    public double number(int row, int feature, int component) {
        return numbers[feature][row * sizes[feature] + component];
    }

    private void checkRow(int row) {
        if (row < 0 || row >= size) {
            throw new IndexOutOfBoundsException("row " + row + " of " + size);
        }
    }

    private void allocate(int cap) {
        for (int j = 0; j < sizes.length; j++) {
            if (sizes[j] > 0) {
                numbers[j] = numbers[j] == null ? new double[cap * sizes[j]] : Arrays.copyOf(numbers[j], cap * sizes[j]);
            } else if (integer[j]) {
                integers[j] = integers[j] == null ? new long[cap] : Arrays.copyOf(integers[j], cap);
            } else {
                strings[j] = strings[j] == null ? new String[cap] : Arrays.copyOf(strings[j], cap);
            }
        }
        capacity = cap;
    }
}
