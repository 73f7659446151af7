package io.streamgrad.operators;

import io.streamgrad.model.state.ModelState;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Many keys in one operator (test harness): 10,000 W1-size models (32-64-64-1 relu, MSE, Adam)
 * on the heap backend. Prints the retained heap after GC against the raw state size (parameters
 * + Adam slots, 4 bytes each), and throughput with the rows spread over all keys against the
 * same rows on one key. Then the checkpoint time and size of one W3 model (784-512-BN-512-BN-10,
 * Adam) on the heap and RocksDB backends. Not a timed test:
 * {@code mvn -o -B test -pl operators -Pbench -Dtest=ManyKeysBench -Dtest.argLine=-Xmx4g}.
 */
@Tag("bench")
class ManyKeysBench {
    private static final int KEYS = Integer.getInteger("manyKeys.keys", 10_000);
    private static final String ADAM = "{\"type\": \"adam\", \"learningRate\": 0.001}";
    private static final String W1 = "{\"inputDim\": 32, \"layers\": ["
            + "{\"type\": \"dense\", \"units\": 64, \"activation\": \"relu\"},"
            + "{\"type\": \"dense\", \"units\": 64, \"activation\": \"relu\"},"
            + "{\"type\": \"dense\", \"units\": 1}], \"loss\": \"meanSquaredError\"}";
    private static final String W3 = "{\"inputDim\": 784, \"layers\": ["
            + "{\"type\": \"dense\", \"units\": 512, \"activation\": \"relu\"}, {\"type\": \"batchNormalization\"},"
            + "{\"type\": \"dense\", \"units\": 512, \"activation\": \"relu\"}, {\"type\": \"batchNormalization\"},"
            + "{\"type\": \"dense\", \"units\": 10, \"activation\": \"softmax\"}],"
            + " \"loss\": \"categoricalCrossentropy\"}";

    @Test
    void manyKeys() throws Exception {
        System.out.println();
        System.out.printf(Locale.ROOT, "StreamGrad many keys: %d W1 models (32-64-64-1, Adam), heap backend, JVM %s %s%n",
                KEYS, System.getProperty("java.vm.version"),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        if (!Boolean.getBoolean("manyKeys.checkpointsOnly")) {
            for (int batch : new int[] {1, 32}) {
                run(batch);
            }
        }
        checkpoints();
    }

    private static void run(int batch) throws Exception {
        OnlineTrainerConfig config = OnlineTrainerConfig.builder().model(W1).optimizer(ADAM).batchSize(batch).seed(1)
                .build();
        ModelState probe = config.newTrainer().newState(1);
        long rawPerModel = 4L * probe.floatCount();
        // rows: every key gets `perKey` batches; the single-key run processes the same number of rows
        int perKey = 2;
        Random r = new Random(5);
        int in = 32;
        float[][] xs = new float[256][in];
        float[][] ys = new float[256][1];
        for (int i = 0; i < xs.length; i++) {
            for (int j = 0; j < in; j++) {
                xs[i][j] = (float) r.nextGaussian();
            }
            ys[i][0] = (float) r.nextGaussian();
        }
        String[] keys = new String[KEYS];
        for (int k = 0; k < KEYS; k++) {
            keys[k] = "key-" + k;
        }

        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(mem);
        double manyRate;
        long retained;
        try (var h = TestSupport.harness(config, 1, 0, null)) {
            h.open();
            // pass 0 creates every model (warm-up), passes 1..perKey*batch are timed
            manyRate = 0;
            for (int pass = 0; pass <= perKey * batch; pass++) {
                long t0 = System.nanoTime();
                int rowsIn = 0;
                for (int round = 0; round < (pass == 0 ? batch : 1); round++) {
                    for (int k = 0; k < KEYS; k++) {
                        int i = (k + rowsIn) & 255;
                        h.processElement(new Example(keys[k], xs[i], ys[i], Example.NO_TIMESTAMP, null), 0L);
                    }
                    rowsIn++;
                }
                if (pass > 0) {
                    manyRate += (System.nanoTime() - t0) / 1e9;
                }
                h.getOutput().clear();
            }
            manyRate = (double) KEYS * perKey * batch / manyRate;
            retained = usedAfterGc(mem) - before;
            if (operator(h).cachedModels() != 0) {
                System.out.println("  (write-back cache holds " + operator(h).cachedModels() + " models)");
            }
        }

        double oneRate;
        try (var h = TestSupport.harness(config, 1, 0, null)) {
            h.open();
            int total = KEYS * perKey * batch;
            for (int i = 0; i < total / 4; i++) { // warm-up
                h.processElement(new Example("only", xs[i & 255], ys[i & 255], Example.NO_TIMESTAMP, null), 0L);
                if ((i & 4095) == 0) {
                    h.getOutput().clear();
                }
            }
            h.getOutput().clear();
            long t0 = System.nanoTime();
            for (int i = 0; i < total; i++) {
                h.processElement(new Example("only", xs[i & 255], ys[i & 255], Example.NO_TIMESTAMP, null), 0L);
                if ((i & 4095) == 0) {
                    h.getOutput().clear();
                }
            }
            oneRate = total / ((System.nanoTime() - t0) / 1e9);
        }
        long raw = rawPerModel * KEYS;
        System.out.printf(Locale.ROOT,
                "  batch %2d: retained heap %,d B for %,d models = %.3f x raw state (%,d B = %d floats x 4 B/model)%n",
                batch, retained, KEYS, retained / (double) raw, raw, probe.floatCount());
        System.out.printf(Locale.ROOT,
                "            throughput %,.0f ex/s over %,d keys vs %,.0f ex/s on 1 key: %.2f x slower%n",
                manyRate, KEYS, oneRate, oneRate / manyRate);
    }

    private static OnlineTrainerOperator operator(
            org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric> h) {
        return TestSupport.operator(h);
    }

    private static long usedAfterGc(MemoryMXBean mem) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }

    /** One W3 model with Adam: checkpoint (sync + async) time and size, heap and RocksDB. */
    private static void checkpoints() throws Exception {
        OnlineTrainerConfig config = OnlineTrainerConfig.builder().model(W3).optimizer(ADAM).batchSize(128).seed(1)
                .build();
        ModelState probe = config.newTrainer().newState(1);
        System.out.printf(Locale.ROOT, "StreamGrad checkpoint of one W3 model (784-512-BN-512-BN-10, Adam): %,d floats "
                + "= %,d B raw%n", probe.floatCount(), 4L * probe.floatCount());
        Random r = new Random(9);
        Example[] rows = new Example[256];
        for (int i = 0; i < rows.length; i++) {
            float[] x = new float[784];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) r.nextGaussian();
            }
            float[] y = new float[10];
            y[r.nextInt(10)] = 1f;
            rows[i] = new Example("w3", x, y, Example.NO_TIMESTAMP, null);
        }
        for (String name : new String[] {"heap", "rocksdb"}) {
            double best = Double.MAX_VALUE;
            long size = 0;
            for (int rep = 0; rep < 11; rep++) {
                StateBackend backend = name.equals("heap") ? null : TestSupport.rocksDb();
                try (var h = TestSupport.harness(config, 1, 0, backend)) {
                    h.setCheckpointStorage(new JobManagerCheckpointStorage(1 << 30));
                    h.open();
                    for (Example e : rows) { // two steps: the model is dirty
                        h.processElement(e, 0L);
                    }
                    long t0 = System.nanoTime();
                    OperatorSubtaskState s = h.snapshot(rep + 1, rep + 1);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (rep > 0) { // first is a warm-up
                        best = Math.min(best, ms);
                    }
                    size = s.getStateSize();
                }
            }
            System.out.printf(Locale.ROOT, "  %-8s checkpoint %.1f ms (best of 10, sync+async), size %,d B%n", name,
                    best, size);
        }
    }
}
