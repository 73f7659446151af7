package io.streamgrad.model.bench;

import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

/**
 * One thread training its own model on a fixed ring of eight synthetic mini-batches: a warm-up, then
 * a timed phase whose steps, elapsed time and allocated bytes it records.
 */
final class TrainingLoop implements Runnable {
    private static final int RING = 8;

    private final Trainer trainer;
    private final ModelState state;
    private final MiniBatch[] batches;
    private final double warmupSeconds;
    private final double seconds;
    private long steps;
    private long elapsedNanos;
    private long allocatedBytes;
    private Throwable failure;

    TrainingLoop(ModelSpec model, OptimizerSpec optimizer, int batch, long seed, double warmupSeconds,
                 double seconds) {
        this.trainer = new Trainer(model, optimizer);
        this.state = trainer.newState(seed);
        this.warmupSeconds = warmupSeconds;
        this.seconds = seconds;
        this.batches = syntheticBatches(model, trainer.network().outputDim(), batch, new SplittableRandom(seed));
    }

    /** Inputs uniform in [-1, 1); one-hot targets for classifiers, uniform targets for regression. */
    private static MiniBatch[] syntheticBatches(ModelSpec model, int out, int batch, SplittableRandom rnd) {
        int in = model.inputDim();
        boolean classes = model.loss() != LossKind.MEAN_SQUARED_ERROR;
        MiniBatch[] ring = new MiniBatch[RING];
        for (int b = 0; b < RING; b++) {
            float[][] x = new float[batch][in];
            float[][] y = new float[batch][out];
            for (int r = 0; r < batch; r++) {
                for (int j = 0; j < in; j++) {
                    x[r][j] = (float) (rnd.nextDouble() * 2 - 1);
                }
                if (classes) {
                    y[r][rnd.nextInt(out)] = 1f;
                } else {
                    for (int j = 0; j < out; j++) {
                        y[r][j] = (float) (rnd.nextDouble() * 2 - 1);
                    }
                }
            }
            ring[b] = MiniBatch.of(x, y);
        }
        return ring;
    }

    @Override
    public void run() {
        try {
            StepResult result = new StepResult();
            long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
            long i = 0;
            while (System.nanoTime() < end) {
                trainer.step(state, batches[(int) (i++ % RING)], result);
            }
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().getId();
            long alloc0 = mx.getThreadAllocatedBytes(tid);
            long start = System.nanoTime();
            long stop = start + (long) (seconds * 1e9);
            long n = 0;
            long now;
            do {
                for (int k = 0; k < RING; k++) {
                    trainer.step(state, batches[k], result);
                }
                n += RING;
                now = System.nanoTime();
            } while (now < stop);
            elapsedNanos = now - start;
            allocatedBytes = mx.getThreadAllocatedBytes(tid) - alloc0;
            steps = n;
        } catch (Throwable t) {
            failure = t;
        }
    }

    long steps() {
        return steps;
    }

    long elapsedNanos() {
        return elapsedNanos;
    }

    long allocatedBytes() {
        return allocatedBytes;
    }

    /** What the thread failed with, or null. */
    Throwable failure() {
        return failure;
    }
}
