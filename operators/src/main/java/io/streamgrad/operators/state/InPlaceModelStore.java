package io.streamgrad.operators.state;

import io.streamgrad.model.state.ModelState;
import java.io.IOException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.operators.KeyContext;

/**
 * Heap backend: each callback takes the state map's own objects with {@code value()}, mutates
 * them and hands them back with {@code update()} (a map put, no serialization), so every model
 * exists once. Safe because the copy-on-write state map deep-copies an entry that a running
 * asynchronous snapshot still references before handing it out, and because no reference is kept
 * across callbacks (a snapshot only starts between them). A cache would double the memory.
 */
@Internal
final class InPlaceModelStore extends ModelStore {
    private final KeyContext keys;

    InPlaceModelStore(ValueState<ModelState> models, ValueState<KeyProgress> progress, ModelLoader loader,
                      KeyContext keys) {
        super(models, progress, loader);
        this.keys = keys;
    }

    @Override
    public KeyEntry acquire(String key) throws IOException {
        return load(key);
    }

    @Override
    public void release(KeyEntry e) throws IOException {
        writeBack(e);
    }

    @Override
    public void flush() {
        // nothing is held
    }

    @Override
    public void evict(KeyEntry e) throws IOException {
        writeBack(e);
    }

    @Override
    public int size() {
        return 0;
    }

    @Override
    public ModelState peek(String key) throws IOException {
        Object current = keys.getCurrentKey();
        keys.setCurrentKey(key);
        try {
            return stored();
        } finally {
            if (current != null) {
                keys.setCurrentKey(current);
            }
        }
    }
}
