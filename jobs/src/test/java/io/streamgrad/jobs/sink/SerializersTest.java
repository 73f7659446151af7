package io.streamgrad.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotBuilder;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.spec.SpecWriter;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.SnapshotRecord;
import io.streamgrad.operators.SnapshotTrigger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class SerializersTest {
    private static final String MODEL = """
            {"inputDim": 3, "layers": [{"type": "dense", "units": 4, "activation": "relu"},
              {"type": "batchNormalization"}, {"type": "dense", "units": 2, "activation": "softmax"}],
             "loss": "categoricalCrossentropy"}""";
    private static final String ADAM = """
            {"type": "adam", "learningRate": 0.01}""";

    private static ModelState trained(Trainer t) {
        ModelState s = t.newState(5);
        Random r = new Random(2);
        for (int step = 0; step < 6; step++) {
            MiniBatch b = new MiniBatch(3, 2, 4);
            for (int i = 0; i < 4; i++) {
                float[] x = {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()};
                b.add(x, 0, x[0] > 0 ? new float[] {0, 1} : new float[] {1, 0}, 0);
            }
            t.step(s, b);
        }
        return s;
    }

    /** The JSON the sink wrote before records were converted through toModelSnapshot. */
    private static byte[] previousSinkBytes(SnapshotRecord s, String modelJson, String optimizerJson) {
        return SnapshotJson.toBytes(new ModelSnapshot(s.modelKey, s.version, s.step, s.examplesSeen, s.lastLoss,
                s.stopped, s.stopReason, s.createdAt, SpecParser.model(SpecParser.readTree(modelJson)),
                SpecParser.optimizer(SpecParser.readTree(optimizerJson)), ModelStateCodec.decode(s.state),
                s.includeOptimizerState));
    }

    @Test
    void snapshotValueIsTheSnapshotJsonOfTheRecordAndKeyIsTheModelKey() {
        Trainer t = new Trainer(SpecParser.model(SpecParser.readTree(MODEL)),
                SpecParser.optimizer(SpecParser.readTree(ADAM)));
        String modelJson = SpecWriter.model(t.modelSpec()).toString();
        String optimizerJson = SpecWriter.optimizer(t.optimizer().spec()).toString();
        ModelState state = trained(t);
        for (boolean full : new boolean[] {true, false}) {
            ModelSnapshot snapshot = new SnapshotBuilder(t, full).build("sensor-1", state, 1_700_000_000_000L);
            SnapshotRecord r = SnapshotRecord.of(snapshot, SnapshotTrigger.STEPS, modelJson, optimizerJson);
            ProducerRecord<byte[], byte[]> out = Serializers.snapshots("snaps").serialize(r, null, null);
            assertThat(out.topic()).isEqualTo("snaps");
            assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("sensor-1");
            assertThat(out.value()).as("optimizer state %s", full)
                    .isEqualTo(previousSinkBytes(r, modelJson, optimizerJson));
            assertThat(out.value()).isEqualTo(SnapshotJson.toBytes(r.toModelSnapshot()));
            ModelSnapshot back = SnapshotJson.fromBytes(out.value());
            assertThat(back.includesOptimizerState()).isEqualTo(full);
            assertThat(back.state().weights()).isDeepEqualTo(state.weights());
        }
    }
}
