package io.streamgrad.model.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotBuilder;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.spec.Activation;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import io.streamgrad.model.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Loading from every form, bit-identical inference, thread safety, classes and rejected inputs. */
class PredictorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every way to load the same model gives the engine's inference bits, row by row and batched. */
    @Test
    void everyLoadFormPredictsTheEnginesInferenceBits() {
        for (Trainer trainer : ServeFixtures.trainers()) {
            ModelState s = ServeFixtures.trained(trainer, 5, 12);
            ModelSnapshot full = ServeFixtures.snapshot(trainer, s, true);
            ModelSnapshot weightsOnly = ServeFixtures.snapshot(trainer, SnapshotBuilder.weightsOnly(s), false);
            List<Predictor> predictors = List.of(Predictor.of(full),
                    Predictor.fromJson(SnapshotJson.toBytes(full)),
                    Predictor.fromJson(new String(SnapshotJson.toBytes(weightsOnly), java.nio.charset.StandardCharsets.UTF_8)),
                    Predictor.fromState(trainer.modelSpec(), ModelStateCodec.encode(s)),
                    Predictor.fromState(trainer.modelSpec(), ModelStateCodec.encode(SnapshotBuilder.weightsOnly(s)),
                            "tenant-a", 42L),
                    Predictor.of(trainer.modelSpec(), s, "tenant-a", 42L));
            int out = trainer.modelSpec().outputDim();
            List<float[]> rows = ServeFixtures.rows(new Random(9), 13, trainer.modelSpec().inputDim());
            float[][] batch = rows.toArray(new float[0][]);
            for (Predictor p : predictors) {
                assertThat(p.version()).isEqualTo(s.version());
                List<Prediction> batched = p.predictBatch(batch);
                for (int r = 0; r < rows.size(); r++) {
                    float[] engine = trainer.predict(s, rows.get(r), 1);
                    assertThat(p.predict(rows.get(r)).values()).as("one row").isEqualTo(engine);
                    assertThat(batched.get(r).values()).as("row %d of a batch", r).isEqualTo(engine);
                }
                float[] flat = new float[rows.size() * out];
                float[] x = new float[rows.size() * p.inputDim()];
                for (int r = 0; r < rows.size(); r++) {
                    System.arraycopy(rows.get(r), 0, x, r * p.inputDim(), p.inputDim());
                }
                p.predictValues(x, rows.size(), flat);
                assertThat(flat).isEqualTo(trainer.predict(s, x, rows.size()));
                java.util.Arrays.fill(flat, 0f);
                p.predictValues(x, rows.size(), flat, predictors.get(0).newScratch());
                assertThat(flat).as("with a scratch of another predictor").isEqualTo(trainer.predict(s, x, rows.size()));
                Predictor again = Predictor.fromState(p.model(), p.toState());
                assertThat(again.version()).isEqualTo(p.version());
                assertThat(again.predict(rows.get(0)).values()).isEqualTo(p.predict(rows.get(0)).values());
            }
            assertThat(predictors.get(0).modelKey()).isEqualTo("tenant-a");
            assertThat(predictors.get(0).createdAtMillis()).isEqualTo(1_700_000_000_000L);
            assertThat(predictors.get(3).createdAtMillis()).isEqualTo(Predictor.UNKNOWN_TIME);
            assertThat(predictors.get(4).createdAtMillis()).isEqualTo(42L);
        }
    }

    @Test
    void inferenceModeIsDeterministicAndIndependentOfLaterTraining() {
        Trainer trainer = ServeFixtures.trainers().get(1);
        ModelState s = ServeFixtures.trained(trainer, 3, 10);
        ModelSnapshot snap = ServeFixtures.snapshot(trainer, s, true); // shares the live arrays
        Predictor p = Predictor.of(snap);
        float[] row = {0.3f, -1.2f, 0.7f, 2.0f};
        float[] before = p.predict(row).values();
        ServeFixtures.trained(trainer, 3, 1); // another state, same network buffers
        trainer.step(s, io.streamgrad.model.train.MiniBatch.of(new float[][] {row, row},
                new float[][] {{1, 0, 0}, {1, 0, 0}}));
        assertThat(p.predict(row).values()).as("no dropout, own copy of the weights").isEqualTo(before);
    }

    @Test
    void concurrentCallsGiveTheSameBitsAsSequentialOnes() throws Exception {
        Trainer trainer = ServeFixtures.trainers().get(0);
        Predictor p = Predictor.of(ServeFixtures.snapshot(trainer, ServeFixtures.trained(trainer, 8, 9), false));
        List<float[]> rows = ServeFixtures.rows(new Random(4), 400, p.inputDim());
        List<float[]> expected = new ArrayList<>();
        for (float[] r : rows) {
            expected.add(p.predict(r).values());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<float[]>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    List<float[]> got = new ArrayList<>();
                    for (int rep = 0; rep < 20; rep++) {
                        for (int i = 0; i < rows.size(); i++) {
                            int k = (i + offset * 97) % rows.size();
                            got.add(rep % 2 == 0 ? p.predict(rows.get(k)).values()
                                    : p.predictBatch(new float[][] {rows.get(k), rows.get((k + 1) % rows.size())})
                                            .get(0).values());
                        }
                    }
                    return got;
                }));
            }
            for (int t = 0; t < 4; t++) {
                List<float[]> got = results.get(t).get();
                for (int i = 0; i < got.size(); i++) {
                    int k = (i % rows.size() + t * 97) % rows.size();
                    assertThat(got.get(i)).as("thread %d call %d", t, i).isEqualTo(expected.get(k));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void classesFollowTheTrainingAccuracyRulesAndCarryNames() {
        Trainer cat = ServeFixtures.trainers().get(1);
        Predictor p = Predictor.of(ServeFixtures.snapshot(cat, ServeFixtures.trained(cat, 2, 40), false))
                .withClassNames(List.of("low", "mid", "high"));
        assertThat(p.outputKind()).isEqualTo(OutputKind.MULTI_CLASS);
        for (float[] row : ServeFixtures.rows(new Random(1), 50, 4)) {
            Prediction pr = p.predict(row);
            int argmax = 0;
            for (int j = 1; j < 3; j++) {
                argmax = pr.values()[j] > pr.values()[argmax] ? j : argmax;
            }
            assertThat(pr.classIndex()).isEqualTo(argmax);
            assertThat(pr.className()).isEqualTo(List.of("low", "mid", "high").get(argmax));
        }
        assertThatThrownBy(() -> p.withClassNames(List.of("a", "b"))).hasMessageContaining("expected 3 names");

        Trainer bin = ServeFixtures.trainers().get(2);
        Predictor b = Predictor.of(ServeFixtures.snapshot(bin, ServeFixtures.trained(bin, 2, 40), false))
                .withClassNames(List.of("no", "yes"));
        assertThat(b.outputKind()).isEqualTo(OutputKind.BINARY);
        int ones = 0;
        for (float[] row : ServeFixtures.rows(new Random(1), 50, 4)) {
            Prediction pr = b.predict(row);
            assertThat(pr.classIndex()).isEqualTo(pr.values()[0] > 0.5f ? 1 : 0);
            assertThat(pr.className()).isEqualTo(pr.classIndex() == 1 ? "yes" : "no");
            ones += pr.classIndex();
        }
        assertThat(ones).as("both classes occur").isBetween(1, 49);

        Trainer reg = ServeFixtures.trainers().get(0);
        Predictor r = Predictor.of(ServeFixtures.snapshot(reg, ServeFixtures.trained(reg, 2, 3), false));
        assertThat(r.outputKind()).isEqualTo(OutputKind.REGRESSION);
        assertThat(r.predict(new float[4]).classIndex()).isEqualTo(OutputKind.NO_CLASS);
        assertThat(r.predict(new float[4]).className()).isNull();
        assertThatThrownBy(() -> r.withClassNames(List.of("x"))).hasMessageContaining("has no classes");
    }

    @Test
    void wrongRowsAreRejectedWithTheirShape() {
        Trainer reg = ServeFixtures.trainers().get(0);
        Predictor p = Predictor.of(ServeFixtures.snapshot(reg, reg.newState(1), false));
        assertThatThrownBy(() -> p.predict(new float[3])).hasMessage("features: expected 4 values, got 3");
        assertThatThrownBy(() -> p.predictBatch(new float[][] {new float[4], null}))
                .hasMessage("rows[1]: expected 4 values, got none");
    }

    @Test
    void corruptOrHostileModelsAreRejectedWithAReason() throws Exception {
        Trainer trainer = ServeFixtures.trainers().get(0);
        ModelState s = ServeFixtures.trained(trainer, 5, 4);
        ModelSpec spec = trainer.modelSpec();

        ModelState nan = s.copy();
        nan.weights()[0][3] = Float.NaN;
        assertThatThrownBy(() -> Predictor.fromState(spec, ModelStateCodec.encode(nan)))
                .isInstanceOf(SpecException.class).hasMessageContaining("weights[0] (kernel of layer 0)")
                .hasMessageContaining("must be finite");
        ModelState negativeVariance = s.copy();
        int mv = trainer.network().layout().indexOf(1, "movingVariance");
        negativeVariance.weights()[mv][0] = -1f;
        assertThatThrownBy(() -> Predictor.fromState(spec, ModelStateCodec.encode(negativeVariance)))
                .hasMessageContaining("movingVariance of layer 1").hasMessageContaining(">= 0");

        byte[] bytes = ModelStateCodec.encode(s);
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 9);
        assertThatThrownBy(() -> Predictor.fromState(spec, truncated)).isInstanceOf(SpecException.class)
                .hasMessageStartingWith("state: is not a valid model state");

        ModelSpec other = new ModelSpec(4, List.of(new LayerSpec.Dense(3, Activation.LINEAR, true, null, null)),
                LossKind.MEAN_SQUARED_ERROR);
        assertThatThrownBy(() -> Predictor.fromState(other, bytes)).isInstanceOf(SpecException.class)
                .hasMessageContaining("weight arrays");

        // a specification of 40,000 x 40,000 units is refused before anything of that size is allocated
        ModelSpec huge = new ModelSpec(40_000, List.of(new LayerSpec.Dense(40_000, Activation.LINEAR, true, null,
                null)), LossKind.MEAN_SQUARED_ERROR);
        assertThatThrownBy(() -> Predictor.fromState(huge, bytes)).hasMessageContaining("parameters");
        ObjectNode json = (ObjectNode) JSON.readTree(SnapshotJson.toBytes(ServeFixtures.snapshot(trainer, s, false)));
        ((ArrayNode) json.get("model").get("layers")).removeAll().addObject().put("type", "dense").put("units", 40_000);
        json.with("model").put("inputDim", 40_000);
        assertThatThrownBy(() -> Predictor.fromJson(JSON.writeValueAsBytes(json)))
                .hasMessageContaining("snapshot.model").hasMessageContaining("parameters");
        assertThatThrownBy(() -> Predictor.fromJson("{not json")).hasMessageStartingWith("snapshot: is not valid JSON");
    }
}
