package io.streamgrad.model.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Format-version-3 compatibility (front-ends with candidate counts of a {@code minFrequency}
 * lookup and row ages of an {@code expireAfterSteps} embedding): {@code golden/model-state-v3.bin} was written once by {@link #regenerateGoldenFile()}
 * and is committed; every build must read it with the same values and write the same bytes back.
 */
class CountedStateGoldenTest {
    static final String RESOURCE = "/golden/model-state-v3.bin";

    static Trainer trainer() {
        return new Trainer(SpecParser.model(SpecParser.readTree("{\"features\": ["
                + "{\"name\": \"item\", \"type\": \"string\", \"lookup\": {\"vocabulary\": [\"x\"], \"maxTokens\": 6, "
                + "\"numOovIndices\": 2, \"grow\": true, \"minFrequency\": 2}, \"embedding\": {\"outputDim\": 2, "
                + "\"sparseUpdates\": true, \"expireAfterSteps\": 5}},"
                + "{\"name\": \"shop\", \"type\": \"integer\", \"lookup\": {\"maxTokens\": 4, \"grow\": true, "
                + "\"minFrequency\": 3}, \"encoding\": \"oneHot\"},"
                + "{\"name\": \"amount\", \"type\": \"numeric\", \"normalization\": {\"adapt\": \"online\"}}],"
                + "\"layers\": [{\"type\": \"dense\", \"units\": 1}], \"loss\": \"meanSquaredError\"}")),
                SpecParser.optimizer(SpecParser.readTree("{\"type\": \"adam\"}")));
    }

    static MiniBatch batch(Trainer t, int seed) {
        MiniBatch b = MiniBatch.forModel(t.modelSpec(), 4);
        String[] items = {"a", "b", "a", "S\u00e3o"};
        for (int r = 0; r < 4; r++) {
            int row = b.addRow(new float[] {0.5f * r - seed});
            b.raw().setString(row, 0, items[(r + seed) % 4]);
            b.raw().setInteger(row, 1, r % 2 == 0 ? 42 : -7L * seed);
            b.raw().setNumber(row, 2, 0, 3.5 * r + seed);
        }
        return b;
    }

    @Test
    void goldenFileDecodesToTheRecordedStateAndReencodesToIdenticalBytes() throws IOException {
        byte[] bytes = golden();
        assertThat(ByteBuffer.wrap(bytes).getShort(4)).isEqualTo((short) 3);
        ModelState s = ModelStateCodec.decode(bytes);
        // promoted in the order of their second sighting
        assertThat(s.frontEnd().vocabulary(0).tokens()).containsExactly("x", "a", "S\u00e3o", "b");
        assertThat(s.frontEnd().counts(0).size()).isZero();
        assertThat(s.frontEnd().vocabulary(1).tokens()).containsExactly("42");
        assertThat(s.frontEnd().counts(1).count("-7")).isEqualTo(2);
        assertThat(s.frontEnd().counts(1).count("-14")).isEqualTo(2);
        assertThat(s.frontEnd().moments(2).count()).isEqualTo(8);
        RowAges ages = s.frontEnd().ages(0);
        assertThat(ages.lastSeen(2)).isEqualTo(-1); // "x": never looked up
        assertThat(ages.lastSeen(3)).isEqualTo(2); // "a", "S\u00e3o", "b": step 2
        assertThat(ages.lastSeen(5)).isEqualTo(2);
        assertThat(ages.oldest()).isBetween(0, 1); // an OOV row, looked up by step 1 only
        assertThat(ages.lastSeen(ages.oldest())).isEqualTo(1);
        assertThat(s.frontEnd().ages(1)).isNull();
        assertThat(s.iterations()).isEqualTo(2);
        assertThat(ModelStateCodec.encode(s)).isEqualTo(bytes);
        assertThat(s.frontEnd().fits(trainer().modelSpec().features())).isTrue();
    }

    @Test
    void countsAreRejectedInAFormat2State() throws IOException {
        byte[] bytes = golden();
        ByteBuffer.wrap(bytes).putShort(4, (short) 2);
        assertThatThrownBy(() -> ModelStateCodec.decode(bytes)).isInstanceOf(StateFormatException.class)
                .hasMessageContaining("format 3");
    }

    /**
     * Writes the golden file; run with {@code -Dtest=CountedStateGoldenTest#regenerateGoldenFile
     * "-Dtest.argLine=-Dstreamgrad.golden.write=true"}. The state: {@link #trainer()},
     * {@code newState(2026)}, two steps on {@code batch(t, 1)} and {@code batch(t, 2)}.
     */
    @Test
    @EnabledIfSystemProperty(named = "streamgrad.golden.write", matches = "true")
    void regenerateGoldenFile() throws IOException {
        Assumptions.assumeTrue(KernelProvider.get().name().equals("portable"), "portable kernels only");
        Trainer t = trainer();
        ModelState s = t.newState(2026);
        t.step(s, batch(t, 1));
        t.step(s, batch(t, 2));
        Files.write(Path.of("src/test/resources/golden/model-state-v3.bin"), ModelStateCodec.encode(s));
    }

    private static byte[] golden() throws IOException {
        try (InputStream in = CountedStateGoldenTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as(RESOURCE).isNotNull();
            return in.readAllBytes();
        }
    }
}
