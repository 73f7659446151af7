package io.streamgrad.it;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** One labelled row of a model key; values are exact in float, double and their decimal text. */
record Sample(String key, float[] x, float y) {

    /** The JSON record {@code {"model": key, "x": [...], "y": y}}. */
    String json() {
        StringBuilder b = new StringBuilder("{\"model\":\"").append(key).append("\",\"x\":[");
        for (int i = 0; i < x.length; i++) {
            b.append(i == 0 ? "" : ",").append(exact(x[i]));
        }
        return b.append("],\"y\":").append(exact(y)).append('}').toString();
    }

    private static String exact(float f) {
        return new BigDecimal(f).toPlainString();
    }

    /**
     * The record keyed by the model key, to partition {@code hash(key) mod partitions} (a key's
     * rows keep their order; keys {@code k0, k1, ...} spread evenly).
     */
    StreamGradFixture.In toRecord(int partitions) {
        return StreamGradFixture.In.text(key, json()).toPartition(Math.floorMod(key.hashCode(), partitions));
    }

    /** {@code perKey} rows for each key, interleaved key by key; a per-key linear target. */
    static List<Sample> generate(long seed, List<String> keys, int perKey, int inputDim) {
        Random r = new Random(seed);
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < perKey; i++) {
            for (int k = 0; k < keys.size(); k++) {
                float[] x = new float[inputDim];
                float y = 0.25f * k;
                for (int d = 0; d < inputDim; d++) {
                    x[d] = Math.round(r.nextGaussian() * 256) / 256f;
                    y += (d % 2 == 0 ? 1 : -1) * (0.5f + 0.25f * ((d + k) % 3)) * x[d];
                }
                out.add(new Sample(keys.get(k), x, y));
            }
        }
        return out;
    }
}
