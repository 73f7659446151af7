package io.streamgrad.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamgrad.model.spec.Activation;
import io.streamgrad.model.spec.EarlyStoppingSpec;
import io.streamgrad.model.spec.GradientOptions;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.ScheduleSpec;
import io.streamgrad.model.state.ModelState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Early stopping as {@code keras/src/callbacks/early_stopping.py} ({@code on_epoch_end}) with an
 * epoch of {@code stepsPerEpoch} steps whose monitored value is the epoch mean.
 *
 * <p>The model is a single weight {@code w} ({@code y = w·x}, MSE, SGD lr 0.5) so that the
 * monitored values are chosen exactly: every epoch is two steps, one with {@code x = 0} (loss
 * {@code y²}, no update) that sets the epoch's value, one with {@code x = 1, y = t} that moves the
 * weight to {@code t} (loss ~1e-6). So epoch {@code e} reports {@code values[e]} (+5e-7) and ends
 * with a weight unique to it.
 */
class EarlyStoppingTest {
    private static final ModelSpec MODEL = new ModelSpec(1,
            List.of(new LayerSpec.Dense(1, Activation.LINEAR, false, null, null)), LossKind.MEAN_SQUARED_ERROR);
    private static final OptimizerSpec SGD = new OptimizerSpec.Sgd(new ScheduleSpec.Constant(0.5), 0.0, false,
            GradientOptions.NONE);
    private static final int STEPS_PER_EPOCH = 2;

    private static EarlyStoppingSpec es(double minDelta, int patience, String mode, Double baseline, boolean restore,
                                        int startFromEpoch) {
        return new EarlyStoppingSpec(EarlyStoppingSpec.MONITOR_LOSS, minDelta, patience, mode, baseline, restore,
                startFromEpoch, STEPS_PER_EPOCH);
    }

    private static EarlyStoppingSpec es(int patience) {
        return es(0.0, patience, "auto", null, false, 0);
    }

    /** What happened over a run of designed epochs. */
    static final class Run {
        final ModelState state;
        /** Weight after each epoch that was trained (before any restore). */
        final List<Float> weightAfterEpoch = new ArrayList<>();
        final List<StepResult.Outcome> outcomes = new ArrayList<>();
        final List<Double> epochMeans = new ArrayList<>();
        /** Epoch whose last step triggered the stop, or -1. */
        int stoppedAt = -1;

        Run(ModelState state) {
            this.state = state;
        }

        float weight() {
            return state.weights()[0][0];
        }
    }

    private static Run run(EarlyStoppingSpec spec, double... epochValues) {
        Trainer trainer = new Trainer(MODEL, SGD, spec);
        Run run = new Run(trainer.withWeights(new float[][] {{1f}}));
        StepResult r = new StepResult();
        float target = 1f;
        for (int e = 0; e < epochValues.length; e++) {
            target += 1e-3f;
            double sum = 0;
            MiniBatch valueStep = MiniBatch.of(new float[][] {{0f}}, new float[][] {{(float) Math.sqrt(2 * epochValues[e])}});
            trainer.step(run.state, valueStep, r);
            run.outcomes.add(r.outcome());
            sum += r.loss();
            assertThat(r.earlyStopTriggered()).as("mid-epoch steps never stop").isFalse();
            MiniBatch moveStep = MiniBatch.of(new float[][] {{1f}}, new float[][] {{target}});
            trainer.step(run.state, moveStep, r);
            run.outcomes.add(r.outcome());
            sum += r.loss();
            if (run.stoppedAt < 0) {
                run.epochMeans.add(sum / STEPS_PER_EPOCH);
                run.weightAfterEpoch.add(r.earlyStopTriggered() ? Float.NaN : run.weight());
            }
            if (r.earlyStopTriggered()) {
                assertThat(run.stoppedAt).as("stops only once").isEqualTo(-1);
                run.stoppedAt = e;
            }
        }
        return run;
    }

    @Test
    void designedEpochValuesAreWhatIsMonitored() {
        Run run = run(es(100), 1.0, 0.5, 0.25);
        assertThat(run.epochMeans).hasSize(3);
        assertThat(run.epochMeans.get(0)).isCloseTo(1.0, within(1e-5));
        assertThat(run.epochMeans.get(2)).isCloseTo(0.25, within(1e-5));
        assertThat(run.state.earlyStopping().best()).isCloseTo(0.25, within(1e-5));
        assertThat(run.state.earlyStopping().epoch()).isEqualTo(3);
        assertThat(run.weight()).isCloseTo(1.003f, within(1e-6f));
    }

    @Test
    void stopsAfterPatienceEpochsWithoutImprovementAndThenFreezes() {
        Run run = run(es(2), 1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.1);
        // epoch 1 is best; epochs 2 and 3 do not improve: wait reaches patience 2 at epoch 3
        assertThat(run.stoppedAt).isEqualTo(3);
        assertThat(run.state.earlyStopping().stopped()).isTrue();
        assertThat(run.state.earlyStopping().stoppedEpoch()).isEqualTo(3);
        assertThat(run.state.earlyStopping().bestEpoch()).isEqualTo(1);
        assertThat(run.outcomes.subList(0, 8)).containsOnly(StepResult.Outcome.APPLIED);
        assertThat(run.outcomes.subList(8, 14)).containsOnly(StepResult.Outcome.STOPPED);
        // the stopping step itself was applied; later steps change nothing (not even with epoch 6's 0.1)
        assertThat(run.state.iterations()).isEqualTo(8);
        assertThat(run.state.version()).isEqualTo(8);
        assertThat(run.weight()).isCloseTo(1.004f, within(1e-6f));
        assertThat(run.state.earlyStopping().bestWeights()).as("no copy without restoreBestWeights").isNull();
    }

    @Test
    void stoppedModelStepsReportInferenceLossAndLeaveTheStateAlone() {
        Trainer trainer = new Trainer(MODEL, SGD, es(0));
        ModelState s = trainer.withWeights(new float[][] {{1f}});
        MiniBatch flat = MiniBatch.of(new float[][] {{0f}, {1f}}, new float[][] {{1f}, {1f}});
        StepResult r = new StepResult();
        int steps = 0;
        while (!s.earlyStopping().stopped()) {
            trainer.step(s, flat, r);
            assertThat(++steps).isLessThan(20);
        }
        ModelState before = s.copy();
        trainer.step(s, MiniBatch.of(new float[][] {{2f}}, new float[][] {{5f}}), r);
        assertThat(r.outcome()).isEqualTo(StepResult.Outcome.STOPPED);
        assertThat(r.applied()).isFalse();
        assertThat(r.loss()).as("(2·w − 5)² with w frozen").isCloseTo(Math.pow(2 * before.weights()[0][0] - 5, 2),
                within(1e-5));
        assertThat(r.learningRate()).isNaN();
        assertThat(s.weights()[0][0]).isEqualTo(before.weights()[0][0]);
        assertThat(s.iterations()).isEqualTo(before.iterations());
        assertThat(s.version()).isEqualTo(before.version());
        assertThat(s.slots()[0].length).isZero();
    }

    @Test
    void restoreBestWeightsRestoresTheBestEpoch() {
        Run run = run(es(0.0, 2, "auto", null, true, 0), 1.0, 0.5, 0.6, 0.7, 0.8);
        assertThat(run.stoppedAt).isEqualTo(3);
        assertThat(run.weight()).as("weights of epoch 1, the best").isEqualTo(run.weightAfterEpoch.get(1));
        assertThat(run.weightAfterEpoch.get(1)).isNotEqualTo(run.weightAfterEpoch.get(2));

        Run firstBest = run(es(0.0, 2, "auto", null, true, 0), 0.5, 0.6, 0.7, 0.8);
        assertThat(firstBest.stoppedAt).isEqualTo(2);
        assertThat(firstBest.weight()).isEqualTo(firstBest.weightAfterEpoch.get(0));
        assertThat(firstBest.state.earlyStopping().bestWeights()[0][0]).isEqualTo(firstBest.weightAfterEpoch.get(0));
    }

    @Test
    void minDeltaIsAnAbsoluteMarginWhateverItsSign() {
        double[] slowly = {1.0, 0.95, 0.9, 0.85, 0.8};
        assertThat(run(es(0.0, 2, "auto", null, false, 0), slowly).stoppedAt).as("min_delta 0").isEqualTo(-1);
        // improvements of 0.05 are below min_delta 0.1: wait grows from epoch 1
        assertThat(run(es(0.1, 2, "auto", null, false, 0), slowly).stoppedAt).isEqualTo(2);
        assertThat(run(es(-0.1, 2, "auto", null, false, 0), slowly).stoppedAt).as("abs(min_delta)").isEqualTo(2);
        assertThat(run(es(0.04, 2, "auto", null, false, 0), slowly).stoppedAt).isEqualTo(-1);
    }

    @Test
    void modeMaxTreatsLargerValuesAsBetter() {
        double[] rising = {0.5, 0.6, 0.55, 0.54, 0.53};
        assertThat(run(es(0.0, 2, "max", null, false, 0), rising).stoppedAt).isEqualTo(3);
        // min mode (auto for loss) on the same values: epoch 0 is best, stop at epoch 2
        assertThat(run(es(0.0, 2, "auto", null, false, 0), rising).stoppedAt).isEqualTo(2);
        // max mode: min_delta is added to the reference, not subtracted
        assertThat(run(es(0.2, 2, "max", null, false, 0), rising).stoppedAt).isEqualTo(2);
    }

    @Test
    void baselineResetsWaitOnlyWhenAlsoBeaten() {
        double[] improvingAboveBaseline = {1.0, 0.9, 0.8, 0.85, 0.84};
        // without a baseline: best at epoch 2, wait 1 at epoch 3, 2 at epoch 4
        assertThat(run(es(0.0, 2, "auto", null, false, 0), improvingAboveBaseline).stoppedAt).isEqualTo(4);
        // baseline 0.5 is never beaten: wait keeps counting through the improvements (1, 2, 3) and
        // the first non-improving epoch stops
        assertThat(run(es(0.0, 2, "auto", 0.5, false, 0), improvingAboveBaseline).stoppedAt).isEqualTo(3);

        double[] flat = {1.0, 1.0, 1.0, 1.0};
        assertThat(run(es(0.0, 2, "auto", null, false, 0), flat).stoppedAt).isEqualTo(2);
        assertThat(run(es(0.0, 2, "auto", 0.5, false, 0), flat).stoppedAt).isEqualTo(1);

        // beating baseline and best resets wait
        double[] beats = {1.0, 0.4, 0.45, 0.46, 0.47};
        assertThat(run(es(0.0, 2, "auto", 0.5, false, 0), beats).stoppedAt).isEqualTo(3);
    }

    @Test
    void epochsBeforeStartFromEpochAreIgnored() {
        double[] values = {0.1, 1.0, 1.0, 1.0, 1.0};
        assertThat(run(es(0.0, 1, "auto", null, false, 0), values).stoppedAt).isEqualTo(1);
        Run late = run(es(0.0, 1, "auto", null, true, 1), values);
        assertThat(late.stoppedAt).as("epoch 0 ignored: best is epoch 1").isEqualTo(2);
        assertThat(late.state.earlyStopping().bestEpoch()).isEqualTo(1);
        assertThat(late.weight()).isEqualTo(late.weightAfterEpoch.get(1));

        Run later = run(es(0.0, 1, "auto", null, false, 3), values);
        assertThat(later.stoppedAt).isEqualTo(4);
    }

    @Test
    void patienceZeroNeverStopsAtEpochZero() {
        assertThat(run(es(0), 1.0, 1.0, 1.0).stoppedAt).isEqualTo(1);
        assertThat(run(es(0.0, 0, "auto", 0.5, false, 0), 1.0, 1.0).stoppedAt).isEqualTo(1);
        assertThat(run(es(0), 1.0, 0.9, 0.8, 0.85).stoppedAt).isEqualTo(3);
    }
}
