package io.streamgrad.model.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.TestFixtures;
import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.model.train.Trainer;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Format-version-1 compatibility: {@code golden/model-state-v1.bin} was written once by
 * {@link #regenerateGoldenFile()} and is committed. Any build must still read it, with the same
 * values, and write exactly the same bytes back. (Only decoding and encoding are pinned here: the
 * training numerics that produced the file may legitimately change.)
 */
class GoldenStateTest {
    static final String RESOURCE = "/golden/model-state-v1.bin";
    static final long SEED = 2024;
    static final long DATA_SEED = 7;
    static final int STEPS = 9;
    static final int BATCH = 5;

    @Test
    void goldenFileDecodesToTheRecordedState() throws IOException {
        byte[] bytes = golden();
        ByteBuffer header = ByteBuffer.wrap(bytes);
        assertThat(header.getInt(0)).isEqualTo(ModelStateCodec.MAGIC).isEqualTo(0x53474D53);
        assertThat(header.getShort(4)).isEqualTo((short) 1);

        ModelState s = ModelStateCodec.decode(bytes);
        assertThat(s.version()).isEqualTo(9);
        assertThat(s.iterations()).isEqualTo(9);
        assertThat(s.examplesSeen()).isEqualTo(45);
        assertThat(s.skippedUpdates()).isZero();
        assertThat(s.rngState()).isEqualTo(GOLDEN_RNG_STATE);
        assertThat(s.lastLoss()).isEqualTo(GOLDEN_LAST_LOSS);

        // bnDropoutModel: kernel[4x6], gamma, beta, movingMean, movingVariance [6], kernel[6x2], bias[2]
        assertThat(s.weights().length).isEqualTo(7);
        assertThat(s.weights()[0]).hasSize(24);
        assertThat(s.weights()[0][0]).isEqualTo(GOLDEN_KERNEL0_0);
        assertThat(s.weights()[0][23]).isEqualTo(GOLDEN_KERNEL0_23);
        assertThat(s.weights()[3][2]).as("BN moving mean").isEqualTo(GOLDEN_MOVING_MEAN_2);
        assertThat(s.weights()[4][5]).as("BN moving variance").isEqualTo(GOLDEN_MOVING_VARIANCE_5);
        assertThat(s.weights()[6]).as("output bias").containsExactly(GOLDEN_BIAS);
        assertThat(s.slots()[0]).hasDimensions(2, 24);
        assertThat(s.slots()[3]).as("moving statistics have no slots").isEmpty();
        assertThat(s.slots()[6][1][1]).as("Adam v of the output bias").isEqualTo(GOLDEN_BIAS_V_1);
        assertThat(s.scalars()).isEmpty();

        EarlyStoppingState es = s.earlyStopping();
        assertThat(es.epoch()).isEqualTo(3);
        assertThat(es.stepsInEpoch()).isZero();
        assertThat(es.stopped()).isFalse();
        assertThat(es.bestWeights()).isNotNull();
        assertThat(es.bestWeights().length).isEqualTo(7);
        assertThat(es.best()).isEqualTo(GOLDEN_BEST);
    }

    @Test
    void goldenFileReencodesToIdenticalBytes() throws IOException {
        byte[] bytes = golden();
        assertThat(ModelStateCodec.encode(ModelStateCodec.decode(bytes))).isEqualTo(bytes);
        ModelState viaStream = ModelStateCodec.decode(new DataInputStream(new ByteArrayInputStream(bytes)),
                TestFixtures.trainer().network().layout());
        assertThat(ModelStateCodec.encode(viaStream)).isEqualTo(bytes);
    }

    /** The golden state still trains with the current engine (it fits the fixture model). */
    @Test
    void goldenStateResumesTraining() throws IOException {
        Trainer trainer = TestFixtures.trainer();
        ModelState s = ModelStateCodec.decode(golden());
        TestFixtures.train(trainer, s, TestFixtures.batches(trainer.modelSpec(), 99, 2, BATCH));
        assertThat(s.iterations()).isEqualTo(11);
        assertThat(s.version()).isEqualTo(11);
    }

    /**
     * Writes the golden file. Disabled by default; run (from the repository root) with
     * {@code mvn -o -q -B test -pl model -Dtest=GoldenStateTest#regenerateGoldenFile
     * "-Dtest.argLine=-Xmx2g -Dstreamgrad.golden.write=true"}, then update the constants below from
     * the printed values. The state: {@link TestFixtures#trainer()} (Adam with exponential decay,
     * dense + BN + relu + dropout + dense, early stopping with restoreBestWeights),
     * {@code newState(2024)}, 9 steps on {@code TestFixtures.batches(model, 7, 9, 5)}, portable
     * kernels. The committed file was written this way (and this method reproduces it byte for byte
     * as long as the training numerics of the portable kernels are unchanged).
     */
    @Test
    @EnabledIfSystemProperty(named = "streamgrad.golden.write", matches = "true")
    void regenerateGoldenFile() throws IOException {
        // the file was produced with the portable kernels; the vector run of the build must not overwrite it
        Assumptions.assumeTrue(KernelProvider.get().name().equals("portable"), "portable kernels only");
        Trainer trainer = TestFixtures.trainer();
        ModelState s = trainer.newState(SEED);
        TestFixtures.train(trainer, s, TestFixtures.batches(trainer.modelSpec(), DATA_SEED, STEPS, BATCH));
        byte[] bytes = ModelStateCodec.encode(s);
        Path out = Path.of("src/test/resources/golden/model-state-v1.bin");
        Files.createDirectories(out.getParent());
        Files.write(out, bytes);
        System.out.printf("wrote %s (%d bytes)%n", out.toAbsolutePath(), bytes.length);
        System.out.printf("rngState %dL%nlastLoss %s%nkernel0[0] %sf%nkernel0[23] %sf%nmovingMean[2] %sf%n"
                        + "movingVariance[5] %sf%nbias %sf, %sf%nbias v[1] %sf%nbest %s%n",
                s.rngState(), s.lastLoss(), s.weights()[0][0], s.weights()[0][23], s.weights()[3][2],
                s.weights()[4][5], s.weights()[6][0], s.weights()[6][1], s.slots()[6][1][1],
                s.earlyStopping().best());
    }

    private static byte[] golden() throws IOException {
        try (InputStream in = GoldenStateTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as(RESOURCE).isNotNull();
            return in.readAllBytes();
        }
    }

    // Values printed by regenerateGoldenFile() when the file was written.
    static final long GOLDEN_RNG_STATE = -6514371456792766778L;
    static final double GOLDEN_LAST_LOSS = 1.0125242252312978;
    static final float GOLDEN_KERNEL0_0 = 0.1527988f;
    static final float GOLDEN_KERNEL0_23 = -0.0729159f;
    static final float GOLDEN_MOVING_MEAN_2 = -0.06030807f;
    static final float GOLDEN_MOVING_VARIANCE_5 = 0.5683423f;
    static final float[] GOLDEN_BIAS = {0.055944756f, -0.030284937f};
    static final float GOLDEN_BIAS_V_1 = 0.0034930608f;
    static final double GOLDEN_BEST = 1.3647765631025235;
}
