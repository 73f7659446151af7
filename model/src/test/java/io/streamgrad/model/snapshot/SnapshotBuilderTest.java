package io.streamgrad.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.TestFixtures;
import io.streamgrad.model.spec.EarlyStoppingSpec;
import io.streamgrad.model.spec.SpecWriter;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.Trainer;
import org.junit.jupiter.api.Test;

class SnapshotBuilderTest {

    @Test
    void fullSnapshotCarriesTheLiveStateAndItsCounters() {
        Trainer trainer = TestFixtures.trainer();
        ModelState s = trainer.newState(3);
        TestFixtures.train(trainer, s, TestFixtures.batches(trainer.modelSpec(), 1, 5, 4));
        ModelSnapshot snap = new SnapshotBuilder(trainer, true).build("k", s, 1234L);
        assertThat(snap.state()).isSameAs(s);
        assertThat(snap.includesOptimizerState()).isTrue();
        assertThat(snap.version()).isEqualTo(s.version());
        assertThat(snap.step()).isEqualTo(s.iterations());
        assertThat(snap.examplesSeen()).isEqualTo(s.examplesSeen());
        assertThat(snap.createdAtMillis()).isEqualTo(1234L);
        assertThat(snap.stopped()).isFalse();
        assertThat(snap.stopReason()).isNull();
        assertThat(snap.model()).isEqualTo(trainer.modelSpec());
        assertThat(snap.optimizer()).isEqualTo(trainer.optimizer().spec());
    }

    @Test
    void weightsOnlySnapshotDropsOptimizerSlotsButKeepsWeightsAndCounters() {
        Trainer trainer = TestFixtures.trainer();
        ModelState s = trainer.newState(3);
        TestFixtures.train(trainer, s, TestFixtures.batches(trainer.modelSpec(), 1, 5, 4));
        ModelSnapshot snap = new SnapshotBuilder(trainer, false).build("k", s, 0L);
        ModelState w = snap.state();
        assertThat(snap.includesOptimizerState()).isFalse();
        assertThat(w.weights()).isDeepEqualTo(s.weights());
        assertThat(w.version()).isEqualTo(s.version());
        assertThat(w.iterations()).isEqualTo(s.iterations());
        assertThat(w.examplesSeen()).isEqualTo(s.examplesSeen());
        assertThat(w.rngState()).isEqualTo(s.rngState());
        assertThat(trainer.optimizerStateFits(w)).isFalse();
    }

    @Test
    void aStoppedModelSaysWhy() {
        Trainer trainer = new Trainer(TestFixtures.bnDropoutModel(), TestFixtures.adamWithSchedule(),
                new EarlyStoppingSpec(EarlyStoppingSpec.MONITOR_LOSS, 0.0, 0, "auto", null, true, 0, 1));
        ModelState s = trainer.newState(8);
        TestFixtures.train(trainer, s, TestFixtures.batches(trainer.modelSpec(), 6, 8, 16));
        ModelSnapshot snap = new SnapshotBuilder(trainer, true).build("k", s, 0L);
        assertThat(snap.stopped()).isTrue();
        assertThat(snap.stopReason()).startsWith("early stopping: 'loss' did not improve (minDelta 0.0, patience 0 "
                + "epochs of 1 steps); best ").endsWith("; best weights restored");
    }

    @Test
    void wireSpecsAreParsedOnceForEqualTexts() {
        Trainer trainer = TestFixtures.trainer();
        String model = SpecWriter.model(trainer.modelSpec()).toString();
        String optimizer = SpecWriter.optimizer(trainer.optimizer().spec()).toString();
        SnapshotSpecs a = SnapshotSpecs.parse(model, optimizer);
        assertThat(a.model()).isEqualTo(trainer.modelSpec());
        assertThat(a.optimizer()).isEqualTo(trainer.optimizer().spec());
        assertThat(SnapshotSpecs.parse(new String(model), new String(optimizer))).isSameAs(a);
    }
}
