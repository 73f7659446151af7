package io.streamgrad.model.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.model.FeatureFixtures;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import org.junit.jupiter.api.Test;

/** The front-end inside training and inference: what changes the state and what must not. */
class FrontEndTrainingTest {

    @Test
    void inferenceNeverGrowsOrMerges() {
        Trainer t = FeatureFixtures.trainer();
        ModelState s = t.newState(1);
        ModelState before = s.copy();
        MiniBatch b = FeatureFixtures.batch(t.modelSpec(), 3);
        t.predict(s, b.raw(), b.size(), new float[b.size()]);
        t.evaluate(s, b);
        assertThat(s.bitEquals(before)).isTrue();
        t.step(s, b);
        assertThat(s.frontEnd().vocabulary(0).tokens()).containsExactly("DE", "FR", "IT", "S\u00e3o Tom\u00e9");
        assertThat(s.frontEnd().moments(1).count()).isEqualTo(4);
    }

    @Test
    void aNonFiniteStepLeavesTheFrontEndUntouched() {
        Trainer t = FeatureFixtures.trainer();
        ModelState s = t.newState(1);
        t.step(s, FeatureFixtures.batch(t.modelSpec(), 1));
        ModelState before = s.copy();
        MiniBatch bad = FeatureFixtures.batch(t.modelSpec(), 2);
        bad.raw().setString(0, 0, "NEW");
        bad.raw().setNumbers(1, 1, Double.NaN, 1.0);
        StepResult r = t.step(s, bad);
        assertThat(r.outcome()).isEqualTo(StepResult.Outcome.SKIPPED_NON_FINITE);
        assertThat(s.frontEnd().bitEquals(before.frontEnd())).isTrue();
        assertThat(s.frontEnd().vocabulary(0).positionOf("NEW")).isNegative();
        assertThat(s.weights()[0]).containsExactly(before.weights()[0]);
    }

    @Test
    void rawAndReadyBatchesAreNotMixedUp() {
        Trainer t = FeatureFixtures.trainer();
        ModelState s = t.newState(1);
        MiniBatch ready = new MiniBatch(t.modelSpec().inputDim(), 1, 1);
        ready.add(new float[t.modelSpec().inputDim()], new float[] {0f});
        assertThatThrownBy(() -> t.step(s, ready)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("raw rows");
        MiniBatch raw = MiniBatch.forModel(t.modelSpec(), 1);
        assertThatThrownBy(() -> raw.add(new float[9], new float[1])).isInstanceOf(IllegalStateException.class);
        int row = raw.addRow(new float[] {1f});
        assertThatThrownBy(() -> t.step(s, raw)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("country");
        assertThat(row).isZero();
    }
}
