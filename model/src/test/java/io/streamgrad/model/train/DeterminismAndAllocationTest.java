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
        for (int i = 0; i < 3000; i++) {
            trainer.step(state, batches.get(i % batches.size()), r);
        }
        assertThat(r.outcome()).isEqualTo(StepResult.Outcome.APPLIED);

        long probe = -(allocated() - allocated()); // the probe itself: 0 on HotSpot
        assertThat(probe).isZero();
        long before = allocated();
        for (int i = 0; i < 200; i++) {
            trainer.step(state, batches.get(i % batches.size()), r);
        }
        long bytes = allocated() - before;
        assertThat(r.outcome()).isEqualTo(StepResult.Outcome.APPLIED);
        assertThat(bytes).as("bytes allocated by 200 warmed-up steps").isZero();
    }

    @Test
    void warmedUpStepOfAStoppedModelAllocatesNothing() {
        Trainer trainer = new Trainer(TestFixtures.bnDropoutModel(), TestFixtures.adamWithSchedule(),
                new EarlyStoppingSpec(EarlyStoppingSpec.MONITOR_LOSS, 0.0, 0, "auto", null, true, 0, 1));
        ModelState state = trainer.newState(8);
        List<MiniBatch> batches = TestFixtures.batches(trainer.modelSpec(), 6, 8, 16);
        StepResult r = new StepResult();
        for (int i = 0; i < 3000; i++) {
            trainer.step(state, batches.get(i % batches.size()), r);
        }
        assertThat(r.outcome()).isEqualTo(StepResult.Outcome.STOPPED);
        long before = allocated();
        for (int i = 0; i < 200; i++) {
            trainer.step(state, batches.get(i % batches.size()), r);
        }
        assertThat(allocated() - before).as("bytes allocated by 200 steps of a stopped model").isZero();
    }

    /** Looked up once: {@code ManagementFactory.getThreadMXBean()} itself allocates on every call. */
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
