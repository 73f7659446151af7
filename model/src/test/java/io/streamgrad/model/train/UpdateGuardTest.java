package io.streamgrad.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.TestFixtures;
import io.streamgrad.model.optim.Optimizer;
import io.streamgrad.model.spec.GradientOptions;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.ScheduleSpec;
import io.streamgrad.model.state.ModelState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two ways of {@link UpdateGuard#apply}: predicting finiteness before writing (Adam on the
 * vector kernels) and save-apply-check-rollback give the same bits.
 */
class UpdateGuardTest {

    private static float[][] gradients(Trainer trainer, long seed) {
        float[][] g = new float[trainer.network().layout().size()][];
        float[][] template = trainer.network().gradients();
        for (int v = 0; v < g.length; v++) {
            if (template[v] != null) {
                g[v] = new float[template[v].length];
                for (int i = 0; i < g[v].length; i++) {
                    g[v][i] = (float) Math.sin(seed + 0.37 * i);
                }
            }
        }
        return g;
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e-3, 1e39})
    void predictingAndRollingBackGiveTheSameBits(double learningRate) {
        OptimizerSpec adam = new OptimizerSpec.Adam(new ScheduleSpec.Constant(learningRate), 0.9, 0.999, 1e-7, false,
                GradientOptions.NONE);
        Trainer trainer = new Trainer(TestFixtures.bnDropoutModel(), adam);
        Optimizer optimizer = new Optimizer(adam);
        UpdateGuard predicting = new UpdateGuard(trainer.network().layout(), optimizer.slotCount(),
                optimizer.scalarCount(), true);
        UpdateGuard copying = new UpdateGuard(trainer.network().layout(), optimizer.slotCount(),
                optimizer.scalarCount(), false);
        ModelState a = trainer.newState(3);
        ModelState b = a.copy();
        ModelState before = a.copy();
        for (int step = 0; step < 3; step++) {
            double lrA = predicting.apply(optimizer, a, gradients(trainer, step), 1.0, null);
            double lrB = copying.apply(optimizer, b, gradients(trainer, step), 1.0, null);
            assertThat(Double.doubleToRawLongBits(lrA)).isEqualTo(Double.doubleToRawLongBits(lrB));
            assertThat(a.bitEquals(b)).as("step %d", step).isTrue();
            if (learningRate > 1) {
                assertThat(lrA).as("an overflowing update is refused").isNaN();
                assertThat(a.bitEquals(before)).isTrue();
            } else {
                assertThat(lrA).isEqualTo(learningRate);
            }
        }
    }
}
