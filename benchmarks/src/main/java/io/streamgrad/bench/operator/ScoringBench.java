package io.streamgrad.bench.operator;

import io.streamgrad.model.bench.Workload;
import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.model.nn.Network;
import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecWriter;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.PredictionRecord;
import io.streamgrad.operators.ScoringConfig;
import io.streamgrad.operators.ScoringOperator;
import io.streamgrad.operators.SnapshotRecord;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * Scoring against training at batch 1, per workload, in one thread (one core): a bare training step,
 * bare {@code Predictor} inference, and the scoring operator in Flink's keyed two-input test harness
 * (heap state), whose every event is timed alone (wall clock) for the latency percentiles. Costs are
 * this thread's CPU time per call, so other processes on a loaded machine do not inflate them;
 * compare them as same-run ratios.
 */
public final class ScoringBench {
    private static final int RING = 64;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private final PrintStream out;
    private final double seconds;

    public ScoringBench(PrintStream out, double seconds) {
        this.out = out;
        this.seconds = seconds;
    }

    public void run() throws Exception {
        out.printf("kernels %s, %.1f s per measurement after as long a warm-up%n", KernelProvider.get().name(), seconds);
        out.printf("%-4s %12s %12s %12s %14s %12s %12s %12s%n", "", "train us/ex", "predict us", "operator us",
                "op events/s", "op/train", "p50 us", "p99 us");
        out.println("     (CPU time per example or event; events/s = 1 / operator CPU time; p50/p99 = wall clock per event)");
        for (Workload w : Workload.values()) {
            row(w);
        }
    }

    private void row(Workload w) throws Exception {
        ModelSpec model = w.model(1);
        OptimizerSpec adam = Workload.adam();
        Trainer trainer = new Trainer(model, adam);
        ModelState state = trainer.newState(7);
        SplittableRandom rnd = new SplittableRandom(7);
        int in = model.inputDim();
        int outDim = trainer.network().outputDim();
        float[][] xs = new float[RING][in];
        MiniBatch[] batches = new MiniBatch[RING];
        for (int i = 0; i < RING; i++) {
            for (int j = 0; j < in; j++) {
                xs[i][j] = (float) (rnd.nextDouble() * 2 - 1);
            }
            float[] y = new float[outDim];
            y[rnd.nextInt(outDim)] = 1f;
            batches[i] = MiniBatch.of(new float[][] {xs[i]}, new float[][] {y});
        }
        StepResult result = new StepResult();
        double trainNs = timed(i -> trainer.step(state, batches[(int) (i % RING)], result));

        Predictor predictor = Predictor.of(model, state, "k", 0L);
        Network scratch = predictor.newScratch();
        float[] values = new float[outDim];
        double predictNs = timed(i -> predictor.predictValues(xs[(int) (i % RING)], 1, values, scratch));

        // the snapshot's version must be its state's (the trained step count), or admission refuses it
        SnapshotRecord snapshot = SnapshotRecord.of(new ModelSnapshot("k", state.version(), state.version(), 1, 0,
                false, null, 0L, model, adam, state, true), null, SpecWriter.model(model).toString(),
                SpecWriter.optimizer(adam).toString());
        try (KeyedTwoInputStreamOperatorTestHarness<String, Example, SnapshotRecord, PredictionRecord> h =
                     new KeyedTwoInputStreamOperatorTestHarness<>(new ScoringOperator(ScoringConfig.defaults()),
                             e -> e.modelKey, s -> s.modelKey, Types.STRING, 128, 1, 0)) {
            h.open();
            h.processElement2(snapshot, 0L);
            requireNoDeadLetters(h, w + " snapshot");
            Example[] events = new Example[RING];
            for (int i = 0; i < RING; i++) {
                events[i] = new Example("k", xs[i], null, 1_000L + i, null);
                events[i].eventId = "e" + i;
            }
            long[] latencies = new long[1 << 20];
            long n = 0;
            long warmEnd = System.nanoTime() + (long) (seconds * 1e9);
            long start = 0;
            long cpuStart = 0;
            boolean measuring = false;
            long stop = Long.MAX_VALUE;
            while (true) {
                long t0 = System.nanoTime();
                if (!measuring && t0 >= warmEnd) {
                    measuring = true;
                    start = t0;
                    cpuStart = CPU.getCurrentThreadCpuTime();
                    stop = t0 + (long) (seconds * 1e9);
                    n = 0;
                }
                if (t0 >= stop) {
                    break;
                }
                h.processElement1(events[(int) (n % RING)], 0L);
                long t1 = System.nanoTime();
                if (measuring && n < latencies.length) {
                    latencies[(int) n] = t1 - t0;
                }
                n++;
                if ((n & 1023) == 0) {
                    h.getOutput().clear(); // the harness keeps every record; not part of the operator's cost
                }
            }
            requireNoDeadLetters(h, w + " events"); // the figures are of predictions, not of refusals
            double operatorNs = (CPU.getCurrentThreadCpuTime() - cpuStart) / (double) n;
            long[] sample = Arrays.copyOf(latencies, (int) Math.min(n, latencies.length));
            Arrays.sort(sample);
            out.printf("%-4s %12.2f %12.2f %12.2f %,14.0f %12.3f %12.2f %12.2f%n", w, trainNs / 1e3, predictNs / 1e3,
                    operatorNs / 1e3, 1e9 / operatorNs, operatorNs / trainNs,
                    sample[sample.length / 2] / 1e3, sample[(int) (sample.length * 0.99)] / 1e3);
        }
    }

    private static void requireNoDeadLetters(KeyedTwoInputStreamOperatorTestHarness<String, Example, SnapshotRecord,
            PredictionRecord> h, String what) {
        var dead = h.getSideOutput(ScoringOperator.DEAD_LETTERS);
        if (dead != null && !dead.isEmpty()) {
            throw new IllegalStateException(what + ": dead letters instead of predictions, e.g. " + dead.peek());
        }
    }

    private interface Step {
        void run(long i) throws Exception;
    }

    /** CPU nanoseconds per call after a warm-up of the same length. */
    private double timed(Step step) throws Exception {
        long i = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            step.run(i++);
        }
        long cpuStart = CPU.getCurrentThreadCpuTime();
        long stop = System.nanoTime() + (long) (seconds * 1e9);
        long n = 0;
        while (System.nanoTime() < stop) {
            step.run(n++);
        }
        return (CPU.getCurrentThreadCpuTime() - cpuStart) / (double) n;
    }
}
