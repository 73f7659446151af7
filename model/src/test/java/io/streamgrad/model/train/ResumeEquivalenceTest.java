package io.streamgrad.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.TestFixtures;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checkpoint/resume: training 2N steps straight must give the same bits as N steps, a checkpoint
 * (binary codec or {@link ModelState#copy()}), and N more steps, with dropout masks drawn from the
 * state's RNG, BatchNormalization, Adam with a schedule and early stopping mid-epoch.
 */
class ResumeEquivalenceTest {
    private static final int N = 7; // not a multiple of stepsPerEpoch (3): resumes mid-epoch
    private static final long SEED = 17;

    private final Trainer trainer = TestFixtures.trainer();
    private final List<MiniBatch> batches = TestFixtures.batches(trainer.modelSpec(), 23, 2 * N, 6);

    private ModelState straight() {
        ModelState s = trainer.newState(SEED);
        TestFixtures.train(trainer, s, batches);
        return s;
    }

    private ModelState firstHalf() {
        ModelState s = trainer.newState(SEED);
        TestFixtures.train(trainer, s, batches.subList(0, N));
        return s;
    }

    @Test
    void encodeDecodeResumeIsBitIdentical() {
        ModelState straight = straight();
        assertThat(straight.iterations()).isEqualTo(2 * N);
        assertThat(straight.earlyStopping().stepsInEpoch()).isEqualTo(2 * N % 3);

        ModelState half = firstHalf();
        assertThat(half.earlyStopping().stepsInEpoch()).as("checkpoint taken mid-epoch").isEqualTo(N % 3);
        byte[] checkpoint = ModelStateCodec.encode(half);
        ModelState resumed = ModelStateCodec.decode(checkpoint);
        Trainer restarted = TestFixtures.trainer(); // a new process: fresh trainer, fresh buffers
        TestFixtures.train(restarted, resumed, batches.subList(N, 2 * N));

        assertThat(resumed.bitEquals(straight)).as("resumed %s vs straight %s", resumed, straight).isTrue();
        assertThat(ModelStateCodec.encode(resumed)).isEqualTo(ModelStateCodec.encode(straight));
    }

    @Test
    void copyResumeIsBitIdenticalAndIndependent() {
        ModelState straight = straight();
        ModelState half = firstHalf();
        ModelState copy = half.copy();
        assertThat(copy.bitEquals(half)).isTrue();

        TestFixtures.train(trainer, half, batches.subList(N, 2 * N));
        assertThat(copy.iterations()).as("training the original does not touch the copy").isEqualTo(N);
        TestFixtures.train(trainer, copy, batches.subList(N, 2 * N));

        assertThat(half.bitEquals(straight)).isTrue();
        assertThat(copy.bitEquals(straight)).isTrue();
    }

    /** The check is sensitive: losing only the dropout RNG position changes the continuation. */
    @Test
    void resumeWithoutTheRngStateDiverges() {
        ModelState straight = straight();
        ModelState resumed = ModelStateCodec.decode(ModelStateCodec.encode(firstHalf()));
        resumed.setRngState(resumed.rngState() + 1);
        TestFixtures.train(trainer, resumed, batches.subList(N, 2 * N));
        resumed.setRngState(straight.rngState());
        assertThat(resumed.bitEquals(straight)).isFalse();
    }
}
