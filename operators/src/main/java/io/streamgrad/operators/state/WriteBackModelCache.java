package io.streamgrad.operators.state;

import io.streamgrad.model.state.ModelState;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.operators.KeyContext;

/**
 * Serializing backends (RocksDB): an access-ordered cache of live entries, written to keyed
 * state only on {@link #flush} (called from {@code snapshotState}, which Flink runs synchronously
 * before the backend snapshot, and at end of input) and on eviction of the least recently used
 * key. A model is so (de)serialized once per checkpoint instead of once per batch.
 */
@Internal
final class WriteBackModelCache extends ModelStore {
    private final KeyContext keys;
    private final int capacity;
    private final LinkedHashMap<String, KeyEntry> cache = new LinkedHashMap<>(64, 0.75f, true);

    WriteBackModelCache(ValueState<ModelState> models, ValueState<KeyProgress> progress, ModelLoader loader,
                        KeyContext keys, int capacity) {
        super(models, progress, loader);
        this.keys = keys;
        this.capacity = capacity;
    }

    @Override
    public KeyEntry acquire(String key) throws IOException {
        KeyEntry e = cache.get(key);
        if (e == null) {
            e = load(key);
            cache.put(key, e);
            if (cache.size() > capacity) {
                evictEldest(key);
            }
        }
        return e;
    }

    private void evictEldest(String currentKey) throws IOException {
        Iterator<Map.Entry<String, KeyEntry>> it = cache.entrySet().iterator();
        while (cache.size() > capacity && it.hasNext()) {
            KeyEntry victim = it.next().getValue();
            if (victim.key.equals(currentKey)) {
                continue;
            }
            keys.setCurrentKey(victim.key);
            try {
                writeBack(victim);
            } finally {
                keys.setCurrentKey(currentKey);
            }
            it.remove();
        }
    }

    @Override
    public void release(KeyEntry e) {
        // stays cached until flush or eviction
    }

    @Override
    public void flush() throws IOException {
        Object current = keys.getCurrentKey();
        boolean switched = false;
        for (KeyEntry e : cache.values()) {
            if (e.dirty) {
                keys.setCurrentKey(e.key);
                writeBack(e);
                switched = true;
            }
        }
        if (switched && current != null) {
            keys.setCurrentKey(current);
        }
    }

    @Override
    public void evict(KeyEntry e) throws IOException {
        writeBack(e);
        cache.remove(e.key);
    }

    @Override
    public int size() {
        return cache.size();
    }

    @Override
    public ModelState peek(String key) {
        KeyEntry e = cache.get(key);
        return e == null ? null : e.model;
    }
}
