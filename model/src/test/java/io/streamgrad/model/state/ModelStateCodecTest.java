package io.streamgrad.model.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.streamgrad.model.TestFixtures;
import io.streamgrad.model.spec.Activation;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.train.Trainer;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The binary state format ({@link ModelStateCodec}): exact round trips and hostile inputs. */
class ModelStateCodecTest {
    /** Offset of the variable count: magic(4) + format(2) + 5 longs + 1 double. */
    private static final int VAR_COUNT_OFFSET = 4 + 2 + 5 * 8 + 8;
    private static final int FIRST_ARRAY_LENGTH_OFFSET = VAR_COUNT_OFFSET + 4;

    private static Trainer trainer;
    private static ModelState trained;
    private static byte[] encoded;

    @BeforeAll
    static void train() {
        trainer = TestFixtures.trainer();
        trained = trainer.newState(11);
        TestFixtures.train(trainer, trained, TestFixtures.batches(trainer.modelSpec(), 5, 12, 6));
        encoded = ModelStateCodec.encode(trained);
    }

    @Test
    void trainedStateRoundTripsBitExactly() throws IOException {
        // the state exercises every section of the format
        assertThat(trained.iterations()).isEqualTo(12);
        assertThat(trained.earlyStopping().bestWeights()).as("restoreBestWeights keeps best weights").isNotNull();
        assertThat(trained.earlyStopping().epoch()).isEqualTo(4);
        assertThat(trained.slots()[0].length).as("Adam slots m, v").isEqualTo(2);
        assertThat(trained.rngState()).isNotZero();

        ModelState decoded = ModelStateCodec.decode(encoded);
        assertThat(decoded.bitEquals(trained)).as("decode(encode(s)) bitEquals s").isTrue();
        assertThat(ModelStateCodec.encode(decoded)).isEqualTo(encoded);

        ModelState viaStream = ModelStateCodec.decode(new DataInputStream(new ByteArrayInputStream(encoded)),
                trainer.network().layout());
        assertThat(viaStream.bitEquals(trained)).isTrue();
    }

    @Test
    void bitEqualsNoticesASingleBit() {
        ModelState decoded = ModelStateCodec.decode(encoded);
        float[] w = decoded.weights()[0];
        w[3] = Math.nextUp(w[3]);
        assertThat(decoded.bitEquals(trained)).isFalse();
        ModelState other = ModelStateCodec.decode(encoded);
        other.slots()[0][1][0] = Math.nextDown(other.slots()[0][1][0]);
        assertThat(other.bitEquals(trained)).isFalse();
        ModelState best = ModelStateCodec.decode(encoded);
        best.earlyStopping().bestWeights()[1][0] += 1f;
        assertThat(best.bitEquals(trained)).isFalse();
    }

    @Test
    void freshStateWithNaNLossAndNoBestWeightsRoundTrips() {
        ModelState fresh = trainer.newState(3);
        assertThat(fresh.lastLoss()).isNaN();
        assertThat(fresh.earlyStopping().bestWeights()).isNull();
        ModelState decoded = ModelStateCodec.decode(ModelStateCodec.encode(fresh));
        assertThat(decoded.bitEquals(fresh)).isTrue();
        assertThat(decoded.earlyStopping().bestWeights()).isNull();
    }

    @Test
    @Timeout(20)
    void everyTruncationThrowsStateFormatException() {
        for (int n = 0; n < encoded.length; n++) {
            byte[] prefix = Arrays.copyOf(encoded, n);
            int len = n;
            Throwable t = catchThrowable(() -> ModelStateCodec.decode(prefix));
            assertThat(t).as("decode of the first %d of %d bytes", len, encoded.length)
                    .isInstanceOf(StateFormatException.class);
            Throwable s = catchThrowable(() -> ModelStateCodec.decode(
                    new DataInputStream(new ByteArrayInputStream(prefix)), trainer.network().layout()));
            assertThat(s).as("stream decode of the first %d of %d bytes", len, encoded.length)
                    .isInstanceOf(StateFormatException.class);
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
        assertThatThrownBy(() -> ModelStateCodec.decode(longer)).isInstanceOf(StateFormatException.class)
                .hasMessageContaining("trailing");
    }

    @Test
    void wrongMagicIsRejected() {
        byte[] bad = encoded.clone();
        bad[0] = 'X';
        assertThatThrownBy(() -> ModelStateCodec.decode(bad)).isInstanceOf(StateFormatException.class)
                .hasMessageContaining("magic");
        assertThatThrownBy(() -> ModelStateCodec.decode("{\"format\":1}".getBytes()))
                .isInstanceOf(StateFormatException.class);
    }

    @Test
    void unknownFormatVersionIsRejected() {
        byte[] bad = encoded.clone();
        // version 2 (front-end states) is known since the feature front-end; the next one is not
        ByteBuffer.wrap(bad).putShort(4, (short) (ModelStateCodec.FORMAT_VERSION + 1));
        assertThatThrownBy(() -> ModelStateCodec.decode(bad)).isInstanceOf(StateFormatException.class)
                .hasMessageContaining("version " + (ModelStateCodec.FORMAT_VERSION + 1));
        ByteBuffer.wrap(bad).putShort(4, (short) 0);
        assertThatThrownBy(() -> ModelStateCodec.decode(bad)).isInstanceOf(StateFormatException.class);
    }

    @Test
    @Timeout(5)
    void hugeDeclaredLengthsAreRejectedWithoutAllocating() throws IOException {
        int[] offsets = {VAR_COUNT_OFFSET, FIRST_ARRAY_LENGTH_OFFSET, slotCountOffset(), firstSlotLengthOffset()};
        int[] lengths = {0x7fffffff, 50_000_000, ModelStateCodec.MAX_ARRAY, -1, Integer.MIN_VALUE};
        for (int offset : offsets) {
            for (int length : lengths) {
                byte[] bad = encoded.clone();
                ByteBuffer.wrap(bad).putInt(offset, length);
                long before = allocatedBytes();
                Throwable t = catchThrowable(() -> ModelStateCodec.decode(bad));
                Throwable s = catchThrowable(() -> ModelStateCodec.decode(
                        new DataInputStream(new ByteArrayInputStream(bad)), trainer.network().layout()));
                long allocated = allocatedBytes() - before;
                assertThat(t).as("length %d at offset %d", length, offset).isInstanceOf(StateFormatException.class);
                assertThat(s).as("stream, length %d at offset %d", length, offset)
                        .isInstanceOf(StateFormatException.class);
                assertThat(allocated).as("bytes allocated decoding length %d at offset %d", length, offset)
                        .isLessThan(4L << 20);
            }
        }
    }

    /** A stream that never ends must still be rejected from its declared length alone. */
    @Test
    @Timeout(5)
    void hugeLengthOnAnEndlessStreamIsRejectedFromTheLayoutBudget() {
        byte[] header = Arrays.copyOf(encoded, FIRST_ARRAY_LENGTH_OFFSET + 4);
        ByteBuffer.wrap(header).putInt(FIRST_ARRAY_LENGTH_OFFSET, 10_000_000);
        InputStream zeros = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 0);
                return len;
            }
        };
        long before = allocatedBytes();
        Throwable t = catchThrowable(() -> ModelStateCodec.decode(
                new DataInputStream(new SequenceInputStream(new ByteArrayInputStream(header), zeros)),
                trainer.network().layout()));
        assertThat(t).isInstanceOf(StateFormatException.class);
        assertThat(allocatedBytes() - before).isLessThan(4L << 20);
    }

    @Test
    void bestWeightCountMustMatchVariableCount() {
        // the best-weights count is the int right before the best arrays: find it from the end
        int bestFloats = 0;
        for (float[] w : trained.earlyStopping().bestWeights()) {
            bestFloats += 4 + 4 * w.length;
        }
        int bestCountOffset = encoded.length - bestFloats - 4;
        assertThat(ByteBuffer.wrap(encoded).getInt(bestCountOffset)).isEqualTo(trained.weights().length);
        byte[] bad = encoded.clone();
        ByteBuffer.wrap(bad).putInt(bestCountOffset, trained.weights().length + 1);
        assertThatThrownBy(() -> ModelStateCodec.decode(bad)).isInstanceOf(StateFormatException.class);
    }

    @Test
    void streamDecodeRejectsAStateOfAnotherModel() {
        ModelSpec other = new ModelSpec(4, List.of(
                new LayerSpec.Dense(5, Activation.RELU, true, null, null),
                new LayerSpec.Dense(2, Activation.LINEAR, true, null, null)), LossKind.MEAN_SQUARED_ERROR);
        VariableLayout otherLayout = new VariableLayout(other);
        assertThatThrownBy(() -> ModelStateCodec.decode(new DataInputStream(new ByteArrayInputStream(encoded)),
                otherLayout)).isInstanceOf(StateFormatException.class);

        // same variable count and names, different sizes
        ModelSpec wider = new ModelSpec(4, List.of(
                new LayerSpec.Dense(7, Activation.LINEAR, false, null, null),
                new LayerSpec.BatchNormalization(0.9, 1e-3, true, true),
                new LayerSpec.ActivationLayer(Activation.RELU),
                new LayerSpec.Dropout(0.25),
                new LayerSpec.Dense(2, Activation.LINEAR, true, null, null)), LossKind.MEAN_SQUARED_ERROR);
        VariableLayout widerLayout = new VariableLayout(wider);
        assertThat(widerLayout.size()).isEqualTo(trainer.network().layout().size());
        assertThatThrownBy(() -> ModelStateCodec.decode(new DataInputStream(new ByteArrayInputStream(encoded)),
                widerLayout)).isInstanceOf(StateFormatException.class).hasMessageContaining("expected");
    }

    // ------------------------------------------------------------------------------------------

    private static int slotCountOffset() {
        int off = FIRST_ARRAY_LENGTH_OFFSET;
        for (float[] w : trained.weights()) {
            off += 4 + 4 * w.length;
        }
        return off;
    }

    private static int firstSlotLengthOffset() {
        return slotCountOffset() + 4;
    }

    /** Looked up once: {@code ManagementFactory.getThreadMXBean()} itself allocates on every call. */
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
