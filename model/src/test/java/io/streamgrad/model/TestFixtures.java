package io.streamgrad.model;

import io.streamgrad.model.spec.Activation;
import io.streamgrad.model.spec.EarlyStoppingSpec;
import io.streamgrad.model.spec.GradientOptions;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.RegularizerSpec;
import io.streamgrad.model.spec.ScheduleSpec;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small deterministic models, optimizers and data shared by the model-module tests. */
public final class TestFixtures {
    private TestFixtures() {}

    /** 4 -> dense(6, L2) -> BN -> relu -> dropout(0.25) -> dense(2, L1L2): every stateful feature. */
    public static ModelSpec bnDropoutModel() {
        return new ModelSpec(4, List.of(
                new LayerSpec.Dense(6, Activation.LINEAR, false, new RegularizerSpec(0.0, 0.01), null),
                new LayerSpec.BatchNormalization(0.9, 1e-3, true, true),
                new LayerSpec.ActivationLayer(Activation.RELU),
                new LayerSpec.Dropout(0.25),
                new LayerSpec.Dense(2, Activation.LINEAR, true, new RegularizerSpec(0.001, 0.01), null)),
                LossKind.MEAN_SQUARED_ERROR);
    }

    /** Adam with an exponential-decay schedule (so the counter matters). */
    public static OptimizerSpec adamWithSchedule() {
        return new OptimizerSpec.Adam(new ScheduleSpec.ExponentialDecay(0.01, 5, 0.9, false), 0.9, 0.999, 1e-7,
                false, GradientOptions.NONE);
    }

    public static EarlyStoppingSpec earlyStopping(boolean restoreBestWeights) {
        return new EarlyStoppingSpec(EarlyStoppingSpec.MONITOR_LOSS, 1e-4, 4, "auto", null, restoreBestWeights, 1, 3);
    }

    public static Trainer trainer() {
        return new Trainer(bnDropoutModel(), adamWithSchedule(), earlyStopping(true));
    }

    /**
     * {@code count} batches of {@code size} rows for {@code model}: x ~ N(0,1), a fixed linear
     * target plus noise (so training makes progress).
     */
    public static List<MiniBatch> batches(ModelSpec model, long seed, int count, int size) {
        Random rnd = new Random(seed);
        int in = model.inputDim();
        int out = model.outputDim();
        List<MiniBatch> list = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            MiniBatch batch = new MiniBatch(in, out, size);
            float[] x = new float[in];
            float[] y = new float[out];
            for (int r = 0; r < size; r++) {
                for (int i = 0; i < in; i++) {
                    x[i] = (float) rnd.nextGaussian();
                }
                for (int j = 0; j < out; j++) {
                    double t = 0;
                    for (int i = 0; i < in; i++) {
                        t += ((i + j) % 3 - 1) * 0.7 * x[i];
                    }
                    y[j] = (float) (t + 0.1 * rnd.nextGaussian());
                }
                batch.add(x, y);
            }
            list.add(batch);
        }
        return list;
    }

    /** Runs the batches in order; returns the last result. */
    public static StepResult train(Trainer trainer, ModelState state, List<MiniBatch> batches) {
        StepResult r = new StepResult();
        for (MiniBatch b : batches) {
            trainer.step(state, b, r);
        }
        return r;
    }
}
