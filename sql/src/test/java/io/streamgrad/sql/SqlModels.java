package io.streamgrad.sql;

import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotBuilder;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.spec.Activation;
import io.streamgrad.model.spec.GradientOptions;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.ScheduleSpec;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Small trained models and their snapshots for the SQL tests. */
final class SqlModels {
    private SqlModels() {}

    /** 3 features -> dense(4, tanh) -> dense(1, sigmoid): a binary classifier. */
    static ModelSpec binary3() {
        return new ModelSpec(3, List.of(new LayerSpec.Dense(4, Activation.TANH, true, null, null),
                new LayerSpec.Dense(1, Activation.SIGMOID, true, null, null)), LossKind.BINARY_CROSSENTROPY);
    }

    /** 3 features -> dense(2, linear): a two-output regression. */
    static ModelSpec regression3x2() {
        return new ModelSpec(3, List.of(new LayerSpec.Dense(2, Activation.LINEAR, true, null, null)),
                LossKind.MEAN_SQUARED_ERROR);
    }

    /** A snapshot of {@code model} under {@code key} after {@code steps} seeded training steps (version = steps). */
    static ModelSnapshot snapshot(ModelSpec model, String key, int steps) {
        Trainer trainer = new Trainer(model, new OptimizerSpec.Adam(new ScheduleSpec.Constant(0.05), 0.9, 0.999,
                1e-7, false, GradientOptions.NONE));
        ModelState s = trainer.newState(42);
        Random r = new Random(7);
        for (int b = 0; b < steps; b++) {
            MiniBatch batch = new MiniBatch(model.inputDim(), model.outputDim(), 8);
            for (int i = 0; i < 8; i++) {
                float[] x = {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()};
                float[] y = new float[model.outputDim()];
                double t = x[0] - 0.5 * x[1] + 0.25 * x[2];
                for (int j = 0; j < y.length; j++) {
                    y[j] = model.loss() == LossKind.BINARY_CROSSENTROPY ? (t > 0 ? 1f : 0f) : (float) (t * (j + 1));
                }
                batch.add(x, y);
            }
            trainer.step(s, batch);
        }
        return new ModelSnapshot(key, s.version(), s.iterations(), s.examplesSeen(), s.lastLoss(), false, null,
                1_700_000_000_000L + steps, model, trainer.optimizer().spec(), SnapshotBuilder.weightsOnly(s), false);
    }

    static byte[] json(ModelSnapshot s) {
        return SnapshotJson.toBytes(s);
    }

    static Path writeFile(Path dir, ModelSnapshot... snapshots) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (ModelSnapshot s : snapshots) {
            lines.append(new String(json(s), java.nio.charset.StandardCharsets.UTF_8)).append('\n');
        }
        Path file = dir.resolve("snapshots.json");
        Files.writeString(file, lines);
        return file;
    }
}
