package io.streamgrad.bench.pipeline;

import io.streamgrad.operators.Example;
import java.io.Serializable;

/**
 * Parsed examples in a form that ships with a Flink function (plain arrays), so the operator stage
 * can feed the operator from memory without any shared static state.
 */
final class ExampleRing implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String[] keys;
    private final float[][] features;
    private final float[][] targets;
    private final long[] eventTimes;
    private final String[] raws;

    private ExampleRing(String[] keys, float[][] features, float[][] targets, long[] eventTimes, String[] raws) {
        this.keys = keys;
        this.features = features;
        this.targets = targets;
        this.eventTimes = eventTimes;
        this.raws = raws;
    }

    static ExampleRing of(Example[] examples) {
        int n = examples.length;
        String[] keys = new String[n];
        float[][] features = new float[n][];
        float[][] targets = new float[n][];
        long[] eventTimes = new long[n];
        String[] raws = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = examples[i].modelKey;
            features[i] = examples[i].features;
            targets[i] = examples[i].target;
            eventTimes[i] = examples[i].eventTime;
            raws[i] = examples[i].raw;
        }
        return new ExampleRing(keys, features, targets, eventTimes, raws);
    }

    /** The examples again (new objects over the same arrays). */
    Example[] examples() {
        Example[] out = new Example[keys.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Example(keys[i], features[i], targets[i], eventTimes[i], raws[i]);
        }
        return out;
    }
}
