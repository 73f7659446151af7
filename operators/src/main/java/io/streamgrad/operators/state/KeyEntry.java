package io.streamgrad.operators.state;

import io.streamgrad.model.state.ModelState;
import org.apache.flink.annotation.Internal;

/** One key's live model and progress, and whether they differ from what keyed state holds. */
@Internal
public final class KeyEntry {
    public final String key;
    public final ModelState model;
    public final KeyProgress progress;
    boolean dirty;

    KeyEntry(String key, ModelState model, KeyProgress progress, boolean dirty) {
        this.key = key;
        this.model = model;
        this.progress = progress;
        this.dirty = dirty;
    }

    /** Records that the model or the progress changed and must be written back. */
    public void markDirty() {
        dirty = true;
    }
}
