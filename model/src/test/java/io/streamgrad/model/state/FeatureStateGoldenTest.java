package io.streamgrad.model.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.model.FeatureFixtures;
import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Format-version-2 compatibility (states with a feature front-end): {@code golden/model-state-v2.bin}
 * was written once by {@link #regenerateGoldenFile()} and is committed; every build must read it
 * with the same values and write the same bytes back. Also: round trips of trained front-end states.
 */
class FeatureStateGoldenTest {
    static final String RESOURCE = "/golden/model-state-v2.bin";
    static Trainer trainer() {
        return FeatureFixtures.trainer();
    }

    static MiniBatch batch(ModelSpec spec, int seed) {
        return FeatureFixtures.batch(spec, seed);
    }

    @Test
    void goldenFileDecodesToTheRecordedState() throws IOException {
        byte[] bytes = golden();
        assertThat(ByteBuffer.wrap(bytes).getShort(4)).isEqualTo((short) 2);
        ModelState s = ModelStateCodec.decode(bytes);
        assertThat(s.frontEnd().featureCount()).isEqualTo(4);
        assertThat(s.frontEnd().vocabulary(0).tokens()).containsExactly("DE", "FR", "IT", "S\u00e3o Tom\u00e9");
        assertThat(s.frontEnd().moments(1).count()).isEqualTo(8);
        assertThat(s.frontEnd().moments(1).mean(0)).isEqualTo(12.75);
        assertThat(s.frontEnd().vocabulary(2).tokens()).containsExactly("7", "-3");
        assertThat(s.frontEnd().vocabulary(3)).isNull();
        assertThat(s.frontEnd().moments(3)).isNull();
        // embeddings first (country 6x2, device 3x2), then the trunk
        assertThat(s.weights()[0]).hasSize(12);
        assertThat(s.weights()[1]).hasSize(6);
        assertThat(s.weights()[2]).hasSize((2 + 2 + 3 + 2) * 3);
        assertThat(s.iterations()).isEqualTo(2);
    }

    @Test
    void goldenFileReencodesToIdenticalBytes() throws IOException {
        byte[] bytes = golden();
        assertThat(ModelStateCodec.encode(ModelStateCodec.decode(bytes))).isEqualTo(bytes);
        ModelState viaStream = ModelStateCodec.decode(new DataInputStream(new ByteArrayInputStream(bytes)),
                trainer().network().layout());
        assertThat(ModelStateCodec.encode(viaStream)).isEqualTo(bytes);
    }

    @Test
    void trainedFrontEndStatesRoundTripBitForBitAndResumeIdentically() {
        Trainer t = trainer();
        ModelState s = t.newState(3);
        t.step(s, batch(t.modelSpec(), 1));
        ModelState decoded = ModelStateCodec.decode(ModelStateCodec.encode(s));
        assertThat(decoded.bitEquals(s)).isTrue();
        t.step(s, batch(t.modelSpec(), 2));
        t.step(decoded, batch(t.modelSpec(), 2));
        assertThat(decoded.bitEquals(s)).isTrue();
        assertThat(s.copy().bitEquals(s)).isTrue();
        decoded.frontEnd().vocabulary(0).truncate(2);
        assertThat(decoded.bitEquals(s)).isFalse();
    }

    @Test
    void aTruncatedFrontEndIsRejected() {
        Trainer t = trainer();
        ModelState s = t.newState(3);
        byte[] bytes = ModelStateCodec.encode(s);
        assertThatThrownBy(() -> ModelStateCodec.decode(Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(StateFormatException.class);
    }

    /**
     * Writes the golden file; run with {@code -Dtest=FeatureStateGoldenTest#regenerateGoldenFile
     * "-Dtest.argLine=-Dstreamgrad.golden.write=true"}. The state: {@link #trainer()}, {@code newState(2026)},
     * two steps on {@code batch(spec, 1)} and {@code batch(spec, 2)}.
     */
    @Test
    @EnabledIfSystemProperty(named = "streamgrad.golden.write", matches = "true")
    void regenerateGoldenFile() throws IOException {
        Assumptions.assumeTrue(KernelProvider.get().name().equals("portable"), "portable kernels only");
        Trainer t = trainer();
        ModelState s = t.newState(2026);
        t.step(s, batch(t.modelSpec(), 1));
        t.step(s, batch(t.modelSpec(), 2));
        Path out = Path.of("src/test/resources/golden/model-state-v2.bin");
        Files.write(out, ModelStateCodec.encode(s));
    }

    private static byte[] golden() throws IOException {
        try (InputStream in = FeatureStateGoldenTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as(RESOURCE).isNotNull();
            return in.readAllBytes();
        }
    }
}
