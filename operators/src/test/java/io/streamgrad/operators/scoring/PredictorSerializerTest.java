package io.streamgrad.operators.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** The served-model state format: round trip, golden file of format 1, corrupt input. */
class PredictorSerializerTest {
    static final String MODEL = """
            {"inputDim": 3, "layers": [
              {"type": "dense", "units": 4, "activation": "tanh"},
              {"type": "batchNormalization"},
              {"type": "dropout", "rate": 0.2},
              {"type": "dense", "units": 2, "activation": "softmax"}],
             "loss": "categoricalCrossentropy"}""";
    static final String GOLDEN = "/golden/predictor-serializer-v1.bin";
    static final float[] ROW = {0.5f, -1f, 2f};

    static ModelSpec model() {
        return SpecParser.model(SpecParser.readTree(MODEL));
    }

    /** 3 Adam steps of batch 4 from newState(42), as key "golden" created at 1,700,000,000,000. */
    static Predictor trained() {
        Trainer t = new Trainer(model(), SpecParser.optimizer(SpecParser.readTree("{\"type\": \"adam\"}")));
        ModelState s = t.newState(42);
        Random r = new Random(1);
        for (int step = 0; step < 3; step++) {
            MiniBatch b = new MiniBatch(3, 2, 4);
            for (int i = 0; i < 4; i++) {
                b.add(new float[] {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()},
                        i % 2 == 0 ? new float[] {1, 0} : new float[] {0, 1});
            }
            t.step(s, b);
        }
        return Predictor.of(model(), s, "golden", 1_700_000_000_000L);
    }

    private static byte[] serialize(Predictor p) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        PredictorSerializer.INSTANCE.serialize(p, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void roundTripKeepsModelMetadataAndPredictionBits() throws Exception {
        Predictor p = trained();
        byte[] bytes = serialize(p);
        Predictor back = PredictorSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertThat(back.modelKey()).isEqualTo("golden");
        assertThat(back.version()).isEqualTo(3);
        assertThat(back.createdAtMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(back.model()).isEqualTo(p.model());
        assertThat(back.predict(ROW).values()).isEqualTo(p.predict(ROW).values());
        assertThat(serialize(back)).isEqualTo(bytes);
        assertThat(PredictorSerializer.INSTANCE.copy(p)).isSameAs(p); // immutable: shared safely
        assertThat(InstantiationUtil.clone(PredictorSerializer.INSTANCE)).isEqualTo(PredictorSerializer.INSTANCE);

        Predictor bare = Predictor.fromState(p.model(), p.toState());
        Predictor bareBack = PredictorSerializer.INSTANCE.deserialize(new DataInputDeserializer(serialize(bare)));
        assertThat(bareBack.modelKey()).isNull();
        assertThat(bareBack.createdAtMillis()).isEqualTo(Predictor.UNKNOWN_TIME);
    }

    /** The golden file: the versioned serializer snapshot, then one value, as format 1 wrote them. */
    @Test
    void readsTheGoldenValueOfFormat1() throws IOException {
        byte[] golden;
        try (InputStream in = getClass().getResourceAsStream(GOLDEN)) {
            assertThat(in).as("golden file %s", GOLDEN).isNotNull();
            golden = in.readAllBytes();
        }
        DataInputDeserializer in = new DataInputDeserializer(golden);
        TypeSerializerSnapshot<Predictor> snap =
                TypeSerializerSnapshot.readVersionedSnapshot(in, getClass().getClassLoader());
        assertThat(PredictorSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(snap)
                .isCompatibleAsIs()).isTrue();
        TypeSerializer<Predictor> restored = snap.restoreSerializer();
        int valueStart = golden.length - in.available();
        Predictor p = restored.deserialize(in);
        assertThat(in.available()).isZero();
        assertThat(p.modelKey()).isEqualTo("golden");
        assertThat(p.version()).isEqualTo(3);
        assertThat(p.createdAtMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(p.model()).isEqualTo(model());
        assertThat(serialize(p)).isEqualTo(Arrays.copyOfRange(golden, valueStart, golden.length));
    }

    @Test
    void corruptValuesFailLoudly() throws IOException {
        byte[] bytes = serialize(trained());
        byte[] badFormat = bytes.clone();
        badFormat[0] = 9;
        assertThatThrownBy(() -> PredictorSerializer.INSTANCE.deserialize(new DataInputDeserializer(badFormat)))
                .isInstanceOf(IOException.class).hasMessageContaining("unsupported served-model format 9");
        byte[] hugeKey = bytes.clone();
        hugeKey[1] = 0x7f;
        assertThatThrownBy(() -> PredictorSerializer.INSTANCE.deserialize(new DataInputDeserializer(hugeKey)))
                .isInstanceOf(IOException.class).hasMessageContaining("implausible string length");
        byte[] nanWeight = bytes.clone();
        // after the weights a weights-only state has 8 empty slot lists, no scalars and the
        // early-stopping fields: 8*4 + 4 + 53 = 89 bytes; the float before them is the last bias
        int lastWeight = bytes.length - 89 - 4;
        nanWeight[lastWeight] = (byte) 0x7f;
        nanWeight[lastWeight + 1] = (byte) 0xc0;
        nanWeight[lastWeight + 2] = 0;
        nanWeight[lastWeight + 3] = 0;
        assertThatThrownBy(() -> PredictorSerializer.INSTANCE.deserialize(new DataInputDeserializer(nanWeight)))
                .isInstanceOf(IOException.class).hasMessageContaining("corrupt served model")
                .hasMessageContaining("bias of layer 3");
    }

    /** Regenerates the golden file: only when the format changes (keep the old file too). */
    public static void main(String[] args) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, PredictorSerializer.INSTANCE.snapshotConfiguration());
        PredictorSerializer.INSTANCE.serialize(trained(), out);
        Path p = Path.of(args.length > 0 ? args[0] : "operators/src/test/resources" + GOLDEN);
        Files.createDirectories(p.getParent());
        Files.write(p, out.getCopyOfBuffer());
        System.out.println("wrote " + p);
    }
}
