package io.streamgrad.operators.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.StateFormatException;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class ModelStateSerializerTest {
    static final String MODEL = """
            {"inputDim": 3, "layers": [
              {"type": "dense", "units": 4, "activation": "tanh"},
              {"type": "batchNormalization"},
              {"type": "dropout", "rate": 0.2},
              {"type": "dense", "units": 2, "activation": "softmax"}],
             "loss": "categoricalCrossentropy"}""";
    static final String ADAM = """
            {"type": "adam", "learningRate": 0.01}""";
    static final String EARLY = """
            {"patience": 50, "restoreBestWeights": true}""";
    static final String GOLDEN = "/golden/model-state-serializer-v1.bin";

    static ModelSpec model(String json) {
        return SpecParser.model(SpecParser.readTree(json));
    }

    /** A state with every part populated: slots, BN statistics, RNG, early-stopping best weights. */
    static ModelState trainedState() {
        Trainer t = new Trainer(model(MODEL), SpecParser.optimizer(SpecParser.readTree(ADAM)),
                SpecParser.earlyStopping(SpecParser.readTree(EARLY), "earlyStopping"));
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
        return s;
    }

    private static byte[] serialize(TypeSerializer<ModelState> ser, ModelState s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        ser.serialize(s, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void roundTripsEveryField() throws IOException {
        ModelStateSerializer ser = new ModelStateSerializer(model(MODEL));
        ModelState s = trainedState();
        assertThat(s.earlyStopping().bestWeights()).isNotNull();
        byte[] bytes = serialize(ser, s);
        ModelState back = ser.deserialize(new DataInputDeserializer(bytes));
        assertThat(back.bitEquals(s)).isTrue();
        // copy(DataInputView, DataOutputView)
        DataOutputSerializer out = new DataOutputSerializer(64);
        ser.copy(new DataInputDeserializer(bytes), out);
        assertThat(out.getCopyOfBuffer()).isEqualTo(bytes);
        // two records back to back in one stream (the codec must not over-read)
        DataOutputSerializer two = new DataOutputSerializer(64);
        ser.serialize(s, two);
        ser.serialize(back, two);
        DataInputDeserializer in = new DataInputDeserializer(two.getCopyOfBuffer());
        assertThat(ser.deserialize(in).bitEquals(s)).isTrue();
        assertThat(ser.deserialize(in).bitEquals(s)).isTrue();
        assertThat(in.available()).isZero();
    }

    @Test
    void copyIsDeep() {
        ModelStateSerializer ser = new ModelStateSerializer(model(MODEL));
        ModelState s = trainedState();
        ModelState c = ser.copy(s);
        assertThat(c).isNotSameAs(s);
        assertThat(c.bitEquals(s)).isTrue();
        c.weights()[0][0] += 1;
        c.slots()[0][0][0] += 1;
        c.earlyStopping().bestWeights()[0][0] += 1;
        assertThat(c.weights()[0][0]).isNotEqualTo(s.weights()[0][0]);
        assertThat(c.slots()[0][0][0]).isNotEqualTo(s.slots()[0][0][0]);
        assertThat(c.earlyStopping().bestWeights()[0][0]).isNotEqualTo(s.earlyStopping().bestWeights()[0][0]);
        assertThat(ser.copy(s, c).bitEquals(s)).isTrue();
        assertThat(ser.duplicate()).isEqualTo(ser);
        assertThat(ser.isImmutableType()).isFalse();
    }

    @Test
    void rejectsStateOfAnotherShapeAndGarbage() throws IOException {
        ModelStateSerializer ser = new ModelStateSerializer(model(MODEL));
        byte[] bytes = serialize(ser, trainedState());
        ModelStateSerializer other = new ModelStateSerializer(model(MODEL.replace("\"units\": 4", "\"units\": 5")));
        assertThatThrownBy(() -> other.deserialize(new DataInputDeserializer(bytes)))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("values, expected");
        byte[] garbage = Arrays.copyOf(bytes, bytes.length);
        garbage[0] = 0;
        assertThatThrownBy(() -> ser.deserialize(new DataInputDeserializer(garbage)))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("magic");
        byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);
        assertThatThrownBy(() -> ser.deserialize(new DataInputDeserializer(truncated)))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("truncated");
    }

    @Test
    void snapshotRestoresAnEqualSerializerAndResolvesCompatibility() throws IOException {
        ModelStateSerializer ser = new ModelStateSerializer(model(MODEL));
        TypeSerializerSnapshot<ModelState> restoredSnapshot = writeAndRead(ser.snapshotConfiguration());
        assertThat(restoredSnapshot.restoreSerializer()).isEqualTo(ser);
        assertThat(ser.snapshotConfiguration().resolveSchemaCompatibility(restoredSnapshot).isCompatibleAsIs())
                .isTrue();

        // same variable shapes, other activation: compatible as is
        ModelStateSerializer relu = new ModelStateSerializer(model(MODEL.replace("tanh", "relu")));
        assertThat(relu.snapshotConfiguration().resolveSchemaCompatibility(restoredSnapshot).isCompatibleAsIs())
                .isTrue();
        // other shapes: incompatible
        ModelStateSerializer wider = new ModelStateSerializer(model(MODEL.replace("\"units\": 4", "\"units\": 5")));
        TypeSerializerSchemaCompatibility<ModelState> c =
                wider.snapshotConfiguration().resolveSchemaCompatibility(restoredSnapshot);
        assertThat(c.isIncompatible()).isTrue();
        ModelStateSerializer noBn = new ModelStateSerializer(model("""
                {"inputDim": 3, "layers": [{"type": "dense", "units": 4}, {"type": "dense", "units": 2}],
                 "loss": "meanSquaredError"}"""));
        assertThat(noBn.snapshotConfiguration().resolveSchemaCompatibility(restoredSnapshot).isIncompatible())
                .isTrue();
    }

    @Test
    void serializerIsJavaSerializableForTheJobGraph() throws Exception {
        ModelStateSerializer ser = new ModelStateSerializer(model(MODEL));
        ModelStateSerializer back = InstantiationUtil.clone(ser);
        assertThat(back).isEqualTo(ser);
        ModelState s = trainedState();
        assertThat(back.deserialize(new DataInputDeserializer(serialize(ser, s))).bitEquals(s)).isTrue();
    }

    /**
     * The golden file holds, as written by version 1 of this serializer: the versioned serializer
     * snapshot, then one serialized state. A later version must still read both.
     */
    @Test
    void readsTheGoldenStateOfVersion1() throws IOException {
        byte[] golden;
        try (InputStream in = getClass().getResourceAsStream(GOLDEN)) {
            assertThat(in).as("golden file %s", GOLDEN).isNotNull();
            golden = in.readAllBytes();
        }
        DataInputDeserializer in = new DataInputDeserializer(golden);
        TypeSerializerSnapshot<ModelState> snap =
                TypeSerializerSnapshot.readVersionedSnapshot(in, getClass().getClassLoader());
        assertThat(snap).isInstanceOf(ModelStateSerializerSnapshot.class);
        ModelStateSerializer current = new ModelStateSerializer(model(MODEL));
        assertThat(current.snapshotConfiguration().resolveSchemaCompatibility(snap).isCompatibleAsIs()).isTrue();
        TypeSerializer<ModelState> restored = snap.restoreSerializer();
        int stateStart = golden.length - in.available();
        ModelState s = restored.deserialize(in);
        assertThat(in.available()).isZero();

        // what the generator wrote (see main): 3 Adam steps of batch 4 from newState(42)
        assertThat(s.version()).isEqualTo(3);
        assertThat(s.iterations()).isEqualTo(3);
        assertThat(s.examplesSeen()).isEqualTo(12);
        assertThat(s.skippedUpdates()).isZero();
        assertThat(s.weights()).hasNumberOfRows(8); // k,b, gamma,beta,mean,var, k,b
        assertThat(s.weights()[0]).hasSize(12);
        assertThat(s.slots()[4].length).isZero(); // moving mean: not trainable
        assertThat(s.slots()[0].length).isEqualTo(2); // Adam m, v
        assertThat(s.earlyStopping().bestWeights()).isNotNull();
        assertThat(s.earlyStopping().epoch()).isEqualTo(3);
        // this version writes the same bytes again
        assertThat(serialize(current, s)).isEqualTo(Arrays.copyOfRange(golden, stateStart, golden.length));
    }

    private static TypeSerializerSnapshot<ModelState> writeAndRead(TypeSerializerSnapshot<ModelState> snap)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snap);
        return TypeSerializerSnapshot.readVersionedSnapshot(new DataInputDeserializer(out.getCopyOfBuffer()),
                ModelStateSerializerTest.class.getClassLoader());
    }

    /** Regenerates the golden file: only when the format version changes (keep the old file too). */
    public static void main(String[] args) throws IOException {
        ModelStateSerializer ser = new ModelStateSerializer(model(MODEL));
        DataOutputSerializer out = new DataOutputSerializer(1024);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, ser.snapshotConfiguration());
        ser.serialize(trainedState(), out);
        Path p = Path.of(args.length > 0 ? args[0] : "operators/src/test/resources" + GOLDEN);
        Files.createDirectories(p.getParent());
        Files.write(p, out.getCopyOfBuffer());
        System.out.println("wrote " + p);
    }

    static OptimizerSpec adam() {
        return SpecParser.optimizer(SpecParser.readTree(ADAM));
    }
}
