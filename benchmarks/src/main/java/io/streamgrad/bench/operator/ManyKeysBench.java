package io.streamgrad.bench.operator;

import io.streamgrad.model.bench.Workload;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.LossMetric;
import io.streamgrad.operators.OnlineTrainerConfig;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * {@code many-keys}: many W1-size models (32-64-64-1 relu, MSE, Adam) in one operator on the heap
 * backend: the retained heap after GC against the raw state size (parameters + Adam slots, 4 bytes
 * each), and throughput with the rows spread over all keys against the same rows on one key. Then
 * the checkpoint time and size of one W3 model (784-512-BN-512-BN-10, Adam), heap and RocksDB.
 */
public final class ManyKeysBench {
    private static final String W1 = Workload.W1.modelJson(1);
    private static final int ROWS = 256;

    private final PrintStream out;
    private final int keys;

    public ManyKeysBench(PrintStream out, int keys) {
        this.out = out;
        this.keys = keys;
    }

    /** Both parts, or only the checkpoint part. */
    public void run(boolean checkpointsOnly) throws Exception {
        out.println();
        out.printf(Locale.ROOT, "StreamGrad many keys: %d W1 models (32-64-64-1, Adam), heap backend, JVM %s %s%n",
                keys, System.getProperty("java.vm.version"), ManagementFactory.getRuntimeMXBean().getInputArguments());
        if (!checkpointsOnly) {
            for (int batch : new int[] {1, 32}) {
                manyKeys(batch);
            }
        }
        checkpoints();
    }

    private void manyKeys(int batch) throws Exception {
        OnlineTrainerConfig config = OnlineTrainerConfig.builder().model(W1).optimizer(Workload.ADAM)
                .batchSize(batch).seed(1).build();
        ModelState probe = config.newTrainer().newState(1);
        long rawPerModel = 4L * probe.floatCount();
        // every key gets `perKey` batches; the single-key run processes the same number of rows
        int perKey = 2;
        Random r = new Random(5);
        float[][] xs = new float[ROWS][32];
        float[][] ys = new float[ROWS][1];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < 32; j++) {
                xs[i][j] = (float) r.nextGaussian();
            }
            ys[i][0] = (float) r.nextGaussian();
        }
        String[] names = new String[keys];
        for (int k = 0; k < keys; k++) {
            names[k] = "key-" + k;
        }

        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(mem);
        double manySeconds = 0;
        long retained;
        try (var h = OperatorHarness.create(config, OperatorHarness.Backend.HEAP)) {
            h.open();
            // pass 0 creates every model (warm-up), passes 1..perKey*batch are timed
            for (int pass = 0; pass <= perKey * batch; pass++) {
                long t0 = System.nanoTime();
                int rowsIn = 0;
                for (int round = 0; round < (pass == 0 ? batch : 1); round++) {
                    for (int k = 0; k < keys; k++) {
                        int i = (k + rowsIn) & (ROWS - 1);
                        h.processElement(new Example(names[k], xs[i], ys[i], Example.NO_TIMESTAMP, null), 0L);
                    }
                    rowsIn++;
                }
                if (pass > 0) {
                    manySeconds += (System.nanoTime() - t0) / 1e9;
                }
                h.getOutput().clear();
            }
            retained = usedAfterGc(mem) - before;
        }
        double manyRate = (double) keys * perKey * batch / manySeconds;
        double oneRate = oneKey(config, xs, ys, keys * perKey * batch);
        long raw = rawPerModel * keys;
        out.printf(Locale.ROOT,
                "  batch %2d: retained heap %,d B for %,d models = %.3f x raw state (%,d B = %d floats x 4 B/model)%n",
                batch, retained, keys, retained / (double) raw, raw, probe.floatCount());
        out.printf(Locale.ROOT,
                "            throughput %,.0f ex/s over %,d keys vs %,.0f ex/s on 1 key: %.2f x slower%n",
                manyRate, keys, oneRate, oneRate / manyRate);
    }

    /** Examples per second of {@code total} rows on a single key, after a quarter as warm-up. */
    private static double oneKey(OnlineTrainerConfig config, float[][] xs, float[][] ys, int total) throws Exception {
        try (var h = OperatorHarness.create(config, OperatorHarness.Backend.HEAP)) {
            h.open();
            feedOneKey(h, xs, ys, total / 4);
            h.getOutput().clear();
            long t0 = System.nanoTime();
            feedOneKey(h, xs, ys, total);
            return total / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static void feedOneKey(KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric> h,
                                   float[][] xs, float[][] ys, int rows) throws Exception {
        for (int i = 0; i < rows; i++) {
            h.processElement(new Example("only", xs[i & (ROWS - 1)], ys[i & (ROWS - 1)], Example.NO_TIMESTAMP, null),
                    0L);
            if ((i & 4095) == 0) {
                h.getOutput().clear();
            }
        }
    }

    private static long usedAfterGc(MemoryMXBean mem) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }

    /** One W3 model with Adam: checkpoint (sync + async) time and size, heap and RocksDB. */
    private void checkpoints() throws Exception {
        OnlineTrainerConfig config = OnlineTrainerConfig.builder().model(Workload.W3.modelJson(128))
                .optimizer(Workload.ADAM).batchSize(128).seed(1).build();
        ModelState probe = config.newTrainer().newState(1);
        out.printf(Locale.ROOT, "StreamGrad checkpoint of one W3 model (784-512-BN-512-BN-10, Adam): %,d floats "
                + "= %,d B raw%n", probe.floatCount(), 4L * probe.floatCount());
        Random r = new Random(9);
        Example[] rows = new Example[ROWS];
        for (int i = 0; i < rows.length; i++) {
            float[] x = new float[784];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) r.nextGaussian();
            }
            float[] y = new float[10];
            y[r.nextInt(10)] = 1f;
            rows[i] = new Example("w3", x, y, Example.NO_TIMESTAMP, null);
        }
        for (OperatorHarness.Backend backend : OperatorHarness.Backend.values()) {
            double best = Double.MAX_VALUE;
            long size = 0;
            for (int rep = 0; rep < 11; rep++) {
                try (var h = OperatorHarness.create(config, backend)) {
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
            out.printf(Locale.ROOT, "  %-8s checkpoint %.1f ms (best of 10, sync+async), size %,d B%n",
                    backend.name().toLowerCase(Locale.ROOT), best, size);
        }
    }
}
