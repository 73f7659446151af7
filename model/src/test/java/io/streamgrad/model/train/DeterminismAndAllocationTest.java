package io.streamgrad.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.TestFixtures;
import io.streamgrad.model.spec.EarlyStoppingSpec;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Same inputs give the same bits; a warmed-up training step allocates nothing. */
class DeterminismAndAllocationTest {

    @Test
    void identicalRunsGiveBitIdenticalStates() {
        Trainer a = TestFixtures.trainer();
        Trainer b = TestFixtures.trainer();
        ModelState sa = a.newState(99);
        ModelState sb = b.newState(99);
        assertThat(sa.bitEquals(sb)).as("same seed, same initial state").isTrue();
        List<MiniBatch> batches = TestFixtures.batches(a.modelSpec(), 3, 20, 8);
        TestFixtures.train(a, sa, batches);
        TestFixtures.train(b, sb, TestFixtures.batches(b.modelSpec(), 3, 20, 8));
        assertThat(sa.iterations()).isEqualTo(20);
        assertThat(sa.bitEquals(sb)).isTrue();
        assertThat(ModelStateCodec.encode(sa)).isEqualTo(ModelStateCodec.encode(sb));

        ModelState other = a.newState(100);
        TestFixtures.train(a, other, batches);
        assertThat(other.bitEquals(sa)).as("another seed gives another model").isFalse();
    }

    /** One trainer serves many models: interleaving their steps changes none of them. */
    @Test
    void interleavedModelsOnOneTrainerMatchSoloRuns() {
        Trainer shared = TestFixtures.trainer();
        List<MiniBatch> small = TestFixtures.batches(shared.modelSpec(), 4, 10, 3);
        List<MiniBatch> large = TestFixtures.batches(shared.modelSpec(), 5, 10, 9);
        ModelState x = shared.newState(1);
        ModelState y = shared.newState(2);
        StepResult r = new StepResult();
        for (int i = 0; i < 10; i++) {
            shared.step(x, small.get(i), r);
            shared.step(y, large.get(i), r);
        }
        Trainer solo = TestFixtures.trainer();
        ModelState xs = solo.newState(1);
        TestFixtures.train(solo, xs, small);
        ModelState ys = TestFixtures.trainer().newState(2);
        TestFixtures.train(TestFixtures.trainer(), ys, large);
        assertThat(x.bitEquals(xs)).isTrue();
        assertThat(y.bitEquals(ys)).isTrue();
    }

    @Test
    void warmedUpStepAllocatesNothing() {
        // early stopping configured (restoreBestWeights keeps a copy) but with a patience that never stops
        Trainer trainer = new Trainer(TestFixtures.bnDropoutModel(), TestFixtures.adamWithSchedule(),
                new EarlyStoppingSpec(EarlyStoppingSpec.MONITOR_LOSS, 0.0, 1_000_000, "auto", null, true, 0, 4));
        ModelState state = trainer.newState(8);
        List<MiniBatch> batches = TestFixtures.batches(trainer.modelSpec(), 6, 8, 16);
        StepResult r = new StepResult();
        assertThat(-(allocated() - allocated())).as("the probe itself allocates nothing").isZero();
        assertAllocationFree(trainer, state, batches, r);
        assertThat(r.outcome()).isEqualTo(StepResult.Outcome.APPLIED);
    }

    @Test
    void warmedUpStepOfAStoppedModelAllocatesNothing() {
        Trainer trainer = new Trainer(TestFixtures.bnDropoutModel(), TestFixtures.adamWithSchedule(),
                new EarlyStoppingSpec(EarlyStoppingSpec.MONITOR_LOSS, 0.0, 0, "auto", null, true, 0, 1));
        ModelState state = trainer.newState(8);
        List<MiniBatch> batches = TestFixtures.batches(trainer.modelSpec(), 6, 8, 16);
        StepResult r = TestFixtures.train(trainer, state, batches);
        assertThat(r.outcome()).as("patience 0 stops at epoch 1").isEqualTo(StepResult.Outcome.STOPPED);
        assertAllocationFree(trainer, state, batches, r);
        assertThat(r.outcome()).isEqualTo(StepResult.Outcome.STOPPED);
    }

    private static final int WINDOW = 200;
    private static final int MEASURED_WINDOWS = 5;
    /** Warm-up budget: the Vector API kernels box vectors until C2 has compiled them (slow on a loaded machine). */
    private static final long MAX_WARM_UP_NANOS = 60_000_000_000L;

    /**
     * Warms up until three consecutive {@value #WINDOW}-step windows allocate nothing (JIT done;
     * on a loaded machine the Vector API kernels may take many thousand steps), then measures
     * {@value #MEASURED_WINDOWS} more windows. Any allocation in the step itself (even one object
     * every few steps) shows up in every window, so the quietest window must be exactly 0 bytes;
     * the others may only carry a small JIT recompilation transient (< 1 KB).
     */
    private static void assertAllocationFree(Trainer trainer, ModelState state, List<MiniBatch> batches,
                                             StepResult r) {
        long start = System.nanoTime();
        int steps = 0;
        int quiet = 0;
        long last = -1;
        while (quiet < 3 && System.nanoTime() - start < MAX_WARM_UP_NANOS) {
            last = window(trainer, state, batches, r);
            steps += WINDOW;
            quiet = last == 0 ? quiet + 1 : 0;
        }
        long[] bytes = new long[MEASURED_WINDOWS];
        for (int w = 0; w < MEASURED_WINDOWS; w++) {
            bytes[w] = window(trainer, state, batches, r);
        }
        String what = String.format("bytes allocated per %d-step window after %d warm-up steps (last warm-up "
                + "window %d bytes): %s", WINDOW, steps, last, java.util.Arrays.toString(bytes));
        assertThat(java.util.Arrays.stream(bytes).min().getAsLong()).as(what).isZero();
        assertThat(java.util.Arrays.stream(bytes).max().getAsLong()).as(what).isLessThan(1024);
    }

    private static long window(Trainer trainer, ModelState state, List<MiniBatch> batches, StepResult r) {
        long before = allocated();
        for (int i = 0; i < WINDOW; i++) {
            trainer.step(state, batches.get(i % batches.size()), r);
        }
        return allocated() - before;
    }

    /** Looked up once: {@code ManagementFactory.getThreadMXBean()} itself allocates on every call. */
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
