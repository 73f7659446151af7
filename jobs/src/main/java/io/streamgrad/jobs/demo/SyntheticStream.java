package io.streamgrad.jobs.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;

/**
 * A realistic synthetic regression stream: several model keys (regions), each with its own
 * nonlinear target function of 4 features plus noise. At {@link #drift()} the function of one key
 * changes (concept drift); its loss jumps and then recovers as the model adapts.
 * Deterministic for a seed.
 */
public final class SyntheticStream {
    public static final int FEATURES = 4;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final List<String> keys;
    private final double[][] weights;
    private final Random rnd;
    private final String driftKey;
    private volatile boolean drifted;
    private long n;

    public SyntheticStream(List<String> keys, long seed) {
        this.keys = List.copyOf(keys);
        this.rnd = new Random(seed);
        this.weights = new double[keys.size()][FEATURES + 1];
        for (double[] w : weights) {
            for (int i = 0; i < w.length; i++) {
                w[i] = rnd.nextGaussian();
            }
        }
        this.driftKey = keys.get(keys.size() > 1 ? 1 : 0);
    }

    public String driftKey() {
        return driftKey;
    }

    public boolean drifted() {
        return drifted;
    }

    /** The drifting key's target function changes from now on. */
    public synchronized void drift() {
        double[] w = weights[keys.indexOf(driftKey)];
        for (int i = 0; i < w.length; i++) {
            w[i] = -w[i] + 0.5 * rnd.nextGaussian();
        }
        drifted = true;
    }

    /** The next example as a JSON line: {"key":..,"features":[..],"label":..,"ts":..}. */
    public synchronized String next(long timestampMillis) {
        int k = (int) (n++ % keys.size());
        double[] w = weights[k];
        ObjectNode o = MAPPER.createObjectNode();
        o.put("key", keys.get(k));
        var f = o.putArray("features");
        double y = w[FEATURES];
        for (int i = 0; i < FEATURES; i++) {
            double x = Math.round(rnd.nextGaussian() * 1000) / 1000.0;
            f.add(x);
            y += w[i] * x;
        }
        y = Math.tanh(y) * 2 + 0.3 * Math.sin(3 * f.get(0).asDouble()) + 0.05 * rnd.nextGaussian();
        o.put("label", Math.round(y * 10000) / 10000.0);
        o.put("ts", timestampMillis);
        return o.toString();
    }
}
