package io.streamgrad.operators.state;

import io.streamgrad.model.state.ModelState;
import java.io.IOException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.operators.KeyContext;

/**
 * Where the operator's per-key models live between callbacks. Which policy is right depends on
 * the keyed state backend (see {@link #create}): the caller only acquires an entry for the
 * current key, mutates it, and releases it.
 */
@Internal
public abstract class ModelStore {
    private final ValueState<ModelState> models;
    private final ValueState<KeyProgress> progress;
    private final ModelLoader loader;

    ModelStore(ValueState<ModelState> models, ValueState<KeyProgress> progress, ModelLoader loader) {
        this.models = models;
        this.progress = progress;
        this.loader = loader;
    }

    /**
     * The store for a backend. When the backend hands out its own objects
     * ({@code isSafeToReuseKVState() == false}, the heap backend), models are mutated in place in
     * state; otherwise (RocksDB, which serializes on every access) a write-back cache of at most
     * {@code maxCached} models keeps the (de)serialization to once per checkpoint.
     */
    public static ModelStore create(boolean stateObjectsReusable, ValueState<ModelState> models,
                                    ValueState<KeyProgress> progress, ModelLoader loader, KeyContext keys,
                                    int maxCached) {
        return stateObjectsReusable
                ? new WriteBackModelCache(models, progress, loader, keys, maxCached)
                : new InPlaceModelStore(models, progress, loader, keys);
    }

    /** The entry of {@code key}, which must be the current key; valid until {@link #release}. */
    public abstract KeyEntry acquire(String key) throws IOException;

    /** End of a callback that acquired {@code e}. */
    public abstract void release(KeyEntry e) throws IOException;

    /** Writes every changed entry to keyed state (before a checkpoint and at end of input). */
    public abstract void flush() throws IOException;

    /** Writes {@code e} (at the current key) back and forgets it. */
    public abstract void evict(KeyEntry e) throws IOException;

    /** Models held outside keyed state. */
    public abstract int size();

    /** The live model of {@code key}, or null (tests). */
    public abstract ModelState peek(String key) throws IOException;

    final KeyEntry load(String key) throws IOException {
        return loader.load(key, models.value(), progress.value());
    }

    final ModelState stored() throws IOException {
        return models.value();
    }

    /** Writes {@code e} at the current key (which must be {@code e.key}) if it changed. */
    final void writeBack(KeyEntry e) throws IOException {
        if (e.dirty) {
            models.update(e.model);
            progress.update(e.progress);
            e.dirty = false;
        }
    }
}
