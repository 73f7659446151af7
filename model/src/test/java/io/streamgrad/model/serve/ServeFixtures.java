package io.streamgrad.model.serve;

import io.streamgrad.model.TestFixtures;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.spec.Activation;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Trained models of every output kind and seeded input rows for the serving tests. */
final class ServeFixtures {
    private ServeFixtures() {}

    /** 4 -> dense(6, relu) -> BN -> dropout -> dense(3, softmax): a classifier with every inference-mode switch. */
    static ModelSpec classifier() {
        return new ModelSpec(4, List.of(
                new LayerSpec.Dense(6, Activation.RELU, true, null, null),
                new LayerSpec.BatchNormalization(0.8, 1e-3, true, true),
                new LayerSpec.Dropout(0.3),
                new LayerSpec.Dense(3, Activation.SOFTMAX, true, null, null)),
                LossKind.CATEGORICAL_CROSSENTROPY);
    }

    static ModelSpec binary() {
        return new ModelSpec(4, List.of(new LayerSpec.Dense(5, Activation.TANH, true, null, null),
                new LayerSpec.Dense(1, Activation.SIGMOID, true, null, null)), LossKind.BINARY_CROSSENTROPY);
    }

    /** Trains {@code trainer} on seeded rows whose target depends on the features (classes for cross-entropy). */
    static ModelState trained(Trainer trainer, long seed, int steps) {
        ModelSpec m = trainer.modelSpec();
        ModelState s = trainer.newState(seed);
        Random r = new Random(seed);
        for (int b = 0; b < steps; b++) {
            MiniBatch batch = new MiniBatch(m.inputDim(), m.outputDim(), 8);
            for (float[] x : rows(r, 8, m.inputDim())) {
                batch.add(x, target(m, x));
            }
            trainer.step(s, batch);
        }
        return s;
    }

    static float[] target(ModelSpec m, float[] x) {
        int out = m.outputDim();
        float[] y = new float[out];
        double t = x[0] - 0.5 * x[1] + 0.25 * x[x.length - 1];
        if (m.loss() == LossKind.CATEGORICAL_CROSSENTROPY) {
            y[t < -0.4 ? 0 : t < 0.4 ? 1 : 2] = 1f;
        } else if (m.loss() == LossKind.BINARY_CROSSENTROPY) {
            y[0] = t > 0 ? 1f : 0f;
        } else {
            for (int j = 0; j < out; j++) {
                y[j] = (float) (t * (j + 1));
            }
        }
        return y;
    }

    static List<float[]> rows(Random r, int n, int width) {
        List<float[]> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] x = new float[width];
            for (int j = 0; j < width; j++) {
                x[j] = (float) r.nextGaussian();
            }
            rows.add(x);
        }
        return rows;
    }

    static ModelSnapshot snapshot(Trainer trainer, ModelState s, boolean full) {
        return new ModelSnapshot("tenant-a", s.version(), s.iterations(), s.examplesSeen(), s.lastLoss(), false, null,
                1_700_000_000_000L, trainer.modelSpec(), trainer.optimizer().spec(), s, full);
    }

    /** The three trainers: regression with BN + dropout, categorical, binary. */
    static List<Trainer> trainers() {
        return List.of(TestFixtures.trainer(), new Trainer(classifier(), TestFixtures.adamWithSchedule()),
                new Trainer(binary(), TestFixtures.adamWithSchedule()));
    }
}
