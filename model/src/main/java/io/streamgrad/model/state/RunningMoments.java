package io.streamgrad.model.state;

import java.util.Arrays;

/**
 * Online Normalization statistics of one numeric feature, in float64 whatever the model dtype:
 * the example count, the mean and M2 (sum of squared deviations) per component. Batches are merged
 * with the parallel formula of Chan, Golub and LeVeque; the variance is the population variance.
 */
public final class RunningMoments {
    private long count;
    private final double[] mean;
    private final double[] m2;

    public RunningMoments(int size) {
        this.mean = new double[size];
        this.m2 = new double[size];
    }

    /** Statistics of {@code count} examples with the given mean and population variance (warm start). */
    public static RunningMoments of(long count, double[] mean, double[] variance) {
        RunningMoments m = new RunningMoments(mean.length);
        m.count = count;
        for (int i = 0; i < mean.length; i++) {
            m.mean[i] = mean[i];
            m.m2[i] = variance[i] * count;
        }
        return m;
    }

    /** Restores raw fields (codec). */
    static RunningMoments raw(long count, double[] mean, double[] m2) {
        RunningMoments m = new RunningMoments(mean.length);
        m.count = count;
        System.arraycopy(mean, 0, m.mean, 0, mean.length);
        System.arraycopy(m2, 0, m.m2, 0, m2.length);
        return m;
    }

    public int size() {
        return mean.length;
    }

    public long count() {
        return count;
    }

    public double mean(int i) {
        return mean[i];
    }

    public double m2(int i) {
        return m2[i];
    }

    /** Population variance {@code M2 / count} (0 before any example). */
    public double variance(int i) {
        return count == 0 ? 0.0 : m2[i] / count;
    }

    /**
     * Merges {@code rows} examples; component i of row r is {@code values[r * size() + i]}.
     */
    public void merge(double[] values, int rows) {
        if (rows == 0) {
            return;
        }
        int s = mean.length;
        long n = count + rows;
        for (int i = 0; i < s; i++) {
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                sum += values[r * s + i];
            }
            double meanB = sum / rows;
            double m2B = 0;
            for (int r = 0; r < rows; r++) {
                double d = values[r * s + i] - meanB;
                m2B += d * d;
            }
            double delta = meanB - mean[i];
            mean[i] = mean[i] + delta * rows / n;
            m2[i] = m2[i] + m2B + delta * delta * count * rows / n;
        }
        count = n;
    }

    /** Overwrites this with {@code o} (same size). */
    public void setTo(RunningMoments o) {
        count = o.count;
        System.arraycopy(o.mean, 0, mean, 0, mean.length);
        System.arraycopy(o.m2, 0, m2, 0, m2.length);
    }

    public RunningMoments copy() {
        return raw(count, mean, m2);
    }

    public boolean bitEquals(RunningMoments o) {
        return o != null && count == o.count && Arrays.equals(mean, o.mean) && Arrays.equals(m2, o.m2);
    }
}
