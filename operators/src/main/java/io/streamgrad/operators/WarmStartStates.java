package io.streamgrad.operators;

import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import io.streamgrad.model.state.StateFormatException;
import io.streamgrad.model.train.Trainer;
import org.apache.flink.annotation.Internal;

/** Checks the warm-start states given to {@link OnlineTrainerConfig.Builder} against the model. */
@Internal
final class WarmStartStates {
    private WarmStartStates() {}

    /**
     * Checks a warm start against the model and optimizer. A state without optimizer slots
     * (weights only) gets the optimizer's fresh slots, keeping version, examples seen, last
     * loss and RNG state.
     */
    static byte[] normalize(String field, Trainer trainer, byte[] bytes) {
        ModelState s;
        try {
            s = ModelStateCodec.decode(bytes);
        } catch (StateFormatException e) {
            throw new IllegalArgumentException(field + ": not a valid model state: " + e.getMessage(), e);
        }
        var layout = trainer.network().layout();
        if (s.weights().length != layout.size()) {
            throw new IllegalArgumentException(field + ": state has " + s.weights().length
                    + " weight arrays, the model has " + layout.size());
        }
        for (int v = 0; v < layout.size(); v++) {
            if (s.weights()[v].length != layout.get(v).size()) {
                throw new IllegalArgumentException(field + ": variable " + v + " (" + layout.get(v).name()
                        + " of layer " + layout.get(v).layer() + ") has " + s.weights()[v].length
                        + " values, the model " + layout.get(v).size());
            }
        }
        if (trainer.optimizerStateFits(s)) {
            return bytes.clone();
        }
        boolean noSlots = true;
        for (float[][] sl : s.slots()) {
            noSlots &= sl.length == 0;
        }
        if (!noSlots) {
            throw new IllegalArgumentException(field + ": the state's optimizer slots do not match optimizer '"
                    + trainer.optimizer().spec().type() + "' (use a weights-only state to switch optimizers)");
        }
        return ModelStateCodec.encode(trainer.withFreshOptimizer(s));
    }
}
