package io.streamgrad.operators;

import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** Shared fixtures: specifications, a learnable synthetic stream, harness helpers. */
final class TestSupport {
    static final int MAX_PARALLELISM = 128;

    /** 3 inputs -> 1 output regression; y = 2 x0 - x1 + 0.5 x2 + 0.3. */
    static final String LINEAR_MODEL = """
            {"inputDim": 3, "layers": [{"type": "dense", "units": 1}], "loss": "meanSquaredError"}""";
    static final String SGD = """
            {"type": "sgd", "learningRate": 0.05}""";

    /** Everything that carries state: BN, dropout, Adam with a schedule, a classifier. */
    static final String RICH_MODEL = """
            {"inputDim": 3, "layers": [
              {"type": "dense", "units": 8, "activation": "relu", "kernelRegularizer": {"l2": 0.001}},
              {"type": "batchNormalization"},
              {"type": "dropout", "rate": 0.25},
              {"type": "dense", "units": 2, "activation": "softmax"}],
             "loss": "categoricalCrossentropy"}""";
    static final String ADAM_DECAY = """
            {"type": "adam", "learningRate": {"type": "exponentialDecay", "initialLearningRate": 0.01,
             "decaySteps": 5, "decayRate": 0.9}}""";
    static final String SLOW_EARLY_STOPPING = """
            {"monitor": "loss", "patience": 1000, "stepsPerEpoch": 2, "restoreBestWeights": true}""";

    /**
     * Named raw features: online-normalised numbers, a growing string lookup with an embedding,
     * a hashed integer one-hot; BN and dropout in the trunk, a classifier.
     */
    static final String FEATURES_MODEL = """
            {"features": [
              {"name": "amount", "type": "numeric", "size": 2, "normalization": {"adapt": "online"}},
              {"name": "country", "type": "string",
               "lookup": {"vocabulary": ["DE"], "maxTokens": 5, "numOovIndices": 2, "grow": true},
               "embedding": {"outputDim": 3}},
              {"name": "store", "type": "integer", "hashing": {"numBins": 4}, "encoding": "oneHot"}],
             "layers": [
              {"type": "dense", "units": 6, "activation": "relu"},
              {"type": "batchNormalization"},
              {"type": "dropout", "rate": 0.25},
              {"type": "dense", "units": 2, "activation": "softmax"}],
             "loss": "categoricalCrossentropy"}""";
    static final String[] COUNTRIES = {"DE", "FR", "IT", "ES", "PL", "NL", "S\u00e3o Tom\u00e9"};

    private TestSupport() {}

    static OnlineTrainerConfig.Builder features(int batchSize) {
        return OnlineTrainerConfig.builder().model(FEATURES_MODEL).optimizer(ADAM_DECAY)
                .earlyStopping(SLOW_EARLY_STOPPING).batchSize(batchSize).seed(13);
    }

    static Example featuresExample(String key, Random r) {
        double a = 100 + 50 * r.nextGaussian();
        double b = r.nextGaussian();
        String country = COUNTRIES[r.nextInt(COUNTRIES.length)];
        long store = r.nextInt(20) - 5;
        boolean pos = (a > 100) ^ country.equals("FR") ^ (store % 3 == 0);
        return Example.withFeatureValues(key, new FeatureValues(new double[] {a, b}, new String[] {country},
                new long[] {store}), pos ? new float[] {0, 1} : new float[] {1, 0}, Example.NO_TIMESTAMP, null);
    }

    /** {@code n} raw-feature examples for {@link #FEATURES_MODEL} over {@code keys}. */
    static List<Example> featuresStream(String[] keys, int n, long seed) {
        Random r = new Random(seed);
        List<Example> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(featuresExample(keys[r.nextInt(keys.length)], r));
        }
        return out;
    }

    static OnlineTrainerConfig.Builder linear(int batchSize) {
        return OnlineTrainerConfig.builder().model(LINEAR_MODEL).optimizer(SGD).batchSize(batchSize).seed(7);
    }

    static OnlineTrainerConfig.Builder rich(int batchSize) {
        return OnlineTrainerConfig.builder().model(RICH_MODEL).optimizer(ADAM_DECAY)
                .earlyStopping(SLOW_EARLY_STOPPING).batchSize(batchSize).seed(11);
    }

    static Example linearExample(String key, Random r) {
        float[] x = {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()};
        float y = 2 * x[0] - x[1] + 0.5f * x[2] + 0.3f;
        return new Example(key, x, new float[] {y}, Example.NO_TIMESTAMP, null);
    }

    static Example classExample(String key, Random r) {
        float[] x = {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()};
        boolean pos = x[0] + 0.5f * x[1] - x[2] > 0;
        return new Example(key, x, pos ? new float[] {0, 1} : new float[] {1, 0}, Example.NO_TIMESTAMP, null);
    }

    /** {@code n} examples over {@code keys}, in a seeded random key order. */
    static List<Example> stream(String[] keys, int n, long seed, boolean classification) {
        Random r = new Random(seed);
        List<Example> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String k = keys[r.nextInt(keys.length)];
            out.add(classification ? classExample(k, r) : linearExample(k, r));
        }
        return out;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric> harness(OnlineTrainerConfig config)
            throws Exception {
        return harness(config, 1, 0, null);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric> harness(
            OnlineTrainerConfig config, int parallelism, int subtask, StateBackend backend) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new OnlineTrainerOperator(config), e -> e.modelKey,
                        Types.STRING, MAX_PARALLELISM, parallelism, subtask);
        if (backend != null) {
            h.setStateBackend(backend);
        }
        return h;
    }

    static StateBackend rocksDb() {
        return new EmbeddedRocksDBStateBackend();
    }

    static OnlineTrainerOperator operator(KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric> h) {
        return (OnlineTrainerOperator) h.getOperator();
    }

    static List<LossMetric> metrics(KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric> h) {
        return h.extractOutputValues();
    }

    static List<SnapshotRecord> snapshots(KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric> h) {
        var q = h.getSideOutput(OnlineTrainerOperator.SNAPSHOTS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    static List<DeadLetter> deadLetters(KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric> h) {
        var q = h.getSideOutput(OnlineTrainerOperator.DEAD_LETTERS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    static ModelState state(SnapshotRecord s) {
        return ModelStateCodec.decode(s.state);
    }
}
