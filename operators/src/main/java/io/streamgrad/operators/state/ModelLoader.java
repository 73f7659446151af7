package io.streamgrad.operators.state;

import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.OnlineTrainerConfig;
import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what keyed state holds for a key into its live {@link KeyEntry}: a new key starts from
 * its warm start or seed; a model restored under another optimizer keeps its weights, versions
 * and counters and starts the new optimizer afresh, as Keras does when a model is recompiled.
 */
@Internal
public final class ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private final OnlineTrainerConfig config;
    private final Trainer trainer;
    private final String optimizerType;
    private final Counter optimizerResets;
    private boolean resetLogged;

    public ModelLoader(OnlineTrainerConfig config, Trainer trainer, Counter optimizerResets) {
        this.config = config;
        this.trainer = trainer;
        this.optimizerType = trainer.optimizer().spec().type();
        this.optimizerResets = optimizerResets;
    }

    /** The entry of {@code key} from its stored model and progress (either may be null). */
    public KeyEntry load(String key, ModelState stored, KeyProgress progress) {
        ModelState m = stored;
        KeyProgress p = progress;
        boolean fresh = m == null;
        if (fresh) {
            m = config.initialState(trainer, key);
        }
        if (p == null) {
            p = new KeyProgress();
            if (fresh && config.warmStartFor(key) != null) {
                p.lastSnapshotVersion = m.version(); // the warm start counts as a snapshot of its version
            }
        }
        boolean changed = fresh;
        if (!fresh && !optimizerType.equals(p.optimizerType)
                && (p.optimizerType != null || !trainer.optimizerStateFits(m))) {
            // the slots belong to another optimizer (or do not fit this one)
            m = trainer.withFreshOptimizer(m);
            optimizerResets.inc();
            if (!resetLogged) {
                resetLogged = true;
                LOG.warn("Restored models were trained with optimizer '{}', the job now uses '{}': their optimizer "
                        + "state starts afresh (weights, versions and counters are kept). Counted in "
                        + "streamgrad.optimizerResets.", p.optimizerType, optimizerType);
            }
            changed = true;
        }
        if (!optimizerType.equals(p.optimizerType)) {
            p.optimizerType = optimizerType;
            changed = true;
        }
        return new KeyEntry(key, m, p, changed);
    }
}
