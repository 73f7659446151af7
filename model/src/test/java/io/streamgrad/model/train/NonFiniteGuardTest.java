package io.streamgrad.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.TestFixtures;
import io.streamgrad.model.spec.GradientOptions;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.ScheduleSpec;
import io.streamgrad.model.state.ModelState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A step whose loss, gradients or batch statistics are not finite is skipped: the model state is
 * left exactly as it was except for the skipped-update and examples counters, and training goes
 * on as if the bad batch had never arrived.
 */
class NonFiniteGuardTest {

    /** The state before, with only the two counters a skipped step may change advanced. */
    private static ModelState expectedAfterSkip(ModelState before, int batchSize) {
        ModelState e = before.copy();
        e.setSkippedUpdates(before.skippedUpdates() + 1);
        e.setExamplesSeen(before.examplesSeen() + batchSize);
        return e;
    }

    private static MiniBatch poisoned(MiniBatch clean, String where) {
        MiniBatch b = new MiniBatch(clean.inputDim(), clean.outputDim(), clean.size());
        float[] x = new float[clean.inputDim()];
        float[] y = new float[clean.outputDim()];
        for (int r = 0; r < clean.size(); r++) {
            System.arraycopy(clean.features(), r * x.length, x, 0, x.length);
            System.arraycopy(clean.targets(), r * y.length, y, 0, y.length);
            if (r == 2) {
                switch (where) {
                    case "nanFeature" -> x[1] = Float.NaN;
                    case "infFeature" -> x[0] = Float.POSITIVE_INFINITY;
                    case "nanTarget" -> y[0] = Float.NaN;
                    default -> throw new IllegalArgumentException(where);
                }
            }
            b.add(x, y);
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"nanFeature", "infFeature", "nanTarget"})
    void badBatchIsSkippedAndLeavesNoTrace(String where) {
        Trainer trainer = TestFixtures.trainer();
        List<MiniBatch> batches = TestFixtures.batches(trainer.modelSpec(), 31, 8, 6);
        ModelState state = trainer.newState(4);
        TestFixtures.train(trainer, state, batches.subList(0, 4));
        ModelState before = state.copy();

        MiniBatch bad = poisoned(batches.get(4), where);
        StepResult r = trainer.step(state, bad);
        assertThat(r.outcome()).isEqualTo(StepResult.Outcome.SKIPPED_NON_FINITE);
        assertThat(r.applied()).isFalse();
        assertThat(r.learningRate()).isNaN();
        assertThat(r.version()).isEqualTo(before.version());
        assertThat(state.skippedUpdates()).isEqualTo(1);
        assertThat(state.iterations()).isEqualTo(4);
        assertThat(state.bitEquals(expectedAfterSkip(before, bad.size())))
                .as("weights, BN moving statistics, slots, counters, RNG, early stopping untouched").isTrue();

        // training continues, exactly as if the bad batch had never been seen
        TestFixtures.train(trainer, state, batches.subList(4, 8));
        ModelState reference = trainer.newState(4);
        TestFixtures.train(trainer, reference, batches);
        assertThat(state.iterations()).isEqualTo(8);
        reference.setSkippedUpdates(1);
        reference.setExamplesSeen(reference.examplesSeen() + bad.size());
        assertThat(state.bitEquals(reference)).isTrue();
    }

    @Test
    void hugeLearningRateOverflowIsSkippedWithoutFurtherDamage() {
        // step 0 uses lr 1e38 (schedule(0)); the weights become ~1e38 and the next loss overflows
        OptimizerSpec sgd = new OptimizerSpec.Sgd(
                new ScheduleSpec.PiecewiseConstantDecay(List.of(0L), List.of(1e38, 0.01)), 0.0, false,
                GradientOptions.NONE);
        OptimizerSpec adam = new OptimizerSpec.Adam(
                new ScheduleSpec.PiecewiseConstantDecay(List.of(0L), List.of(1e38, 0.001)), 0.9, 0.999, 1e-7, false,
                GradientOptions.NONE);
        for (OptimizerSpec opt : List.of(sgd, adam)) {
            Trainer trainer = new Trainer(TestFixtures.bnDropoutModel(), opt, TestFixtures.earlyStopping(true));
            List<MiniBatch> batches = TestFixtures.batches(trainer.modelSpec(), 8, 4, 6);
            ModelState state = trainer.newState(6);
            StepResult r = trainer.step(state, batches.get(0));
            assertThat(r.outcome()).as(opt.type()).isEqualTo(StepResult.Outcome.APPLIED);
            assertThat(r.learningRate()).isEqualTo(1e38);
            for (int k = 1; k < 4; k++) {
                ModelState before = state.copy();
                trainer.step(state, batches.get(k), r);
                assertThat(r.outcome()).as("%s step %d, loss %s", opt.type(), k, r.loss())
                        .isEqualTo(StepResult.Outcome.SKIPPED_NON_FINITE);
                assertThat(Double.isFinite(r.loss()) && Double.isFinite(r.gradientNorm())).isFalse();
                assertThat(state.bitEquals(expectedAfterSkip(before, 6))).as("%s step %d", opt.type(), k).isTrue();
            }
            assertThat(state.iterations()).isEqualTo(1);
            assertThat(state.version()).isEqualTo(1);
            assertThat(state.skippedUpdates()).isEqualTo(3);
        }
    }

    @Test
    void anUpdateThatOverflowsIsRolledBackSoTheLastFiniteModelSurvives() {
        // loss and gradients are finite, but lr·g exceeds the float32 range: the update itself
        // would write ±inf into the weights (and, for momentum, into the velocity slot)
        OptimizerSpec sgd = new OptimizerSpec.Sgd(new ScheduleSpec.Constant(1e39), 0.9, false, GradientOptions.NONE);
        Trainer trainer = new Trainer(TestFixtures.bnDropoutModel(), sgd, TestFixtures.earlyStopping(true));
        List<MiniBatch> batches = TestFixtures.batches(trainer.modelSpec(), 9, 3, 6);
        ModelState state = trainer.newState(7);
        for (MiniBatch batch : batches) {
            ModelState before = state.copy();
            StepResult r = trainer.step(state, batch);
            assertThat(Double.isFinite(r.loss()) && Double.isFinite(r.gradientNorm()))
                    .as("the guard on loss and gradients alone would let this step through").isTrue();
            assertThat(r.outcome()).isEqualTo(StepResult.Outcome.SKIPPED_NON_FINITE);
            assertThat(state.bitEquals(expectedAfterSkip(before, batch.size()))).isTrue();
        }
        for (float[] w : state.weights()) {
            for (float x : w) {
                assertThat(Float.isFinite(x)).isTrue();
            }
        }
        assertThat(state.skippedUpdates()).isEqualTo(3);
        assertThat(state.version()).isZero();
    }

    @Test
    void anAdamUpdateThatOverflowsIsSkippedBeforeItWrites() {
        // finite loss and gradients, but alpha = lr·√(1−β2)/(1−β1) is beyond float32: with the
        // vector kernels the update is predicted non-finite and never written, elsewhere rolled back
        OptimizerSpec adam = new OptimizerSpec.Adam(new ScheduleSpec.Constant(1e39), 0.9, 0.999, 1e-7, false,
                GradientOptions.NONE);
        Trainer trainer = new Trainer(TestFixtures.bnDropoutModel(), adam, TestFixtures.earlyStopping(true));
        List<MiniBatch> batches = TestFixtures.batches(trainer.modelSpec(), 10, 3, 6);
        ModelState state = trainer.newState(8);
        for (MiniBatch batch : batches) {
            ModelState before = state.copy();
            StepResult r = trainer.step(state, batch);
            assertThat(Double.isFinite(r.loss()) && Double.isFinite(r.gradientNorm())).isTrue();
            assertThat(r.outcome()).isEqualTo(StepResult.Outcome.SKIPPED_NON_FINITE);
            assertThat(state.bitEquals(expectedAfterSkip(before, batch.size()))).isTrue();
        }
        assertThat(state.skippedUpdates()).isEqualTo(3);
        assertThat(state.version()).isZero();
    }
}
