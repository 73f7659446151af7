package io.streamgrad.operators.scoring;

import io.streamgrad.model.serve.Predictor;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.state.ValueState;

/**
 * The model each key is served by: kept in keyed state (so it is checkpointed, restored and
 * redistributed on rescale) and, decoded, in a bounded LRU cache, so a hot key is not
 * deserialized from RocksDB/ForSt on every event. Every write goes through {@link #put}, and a
 * restore starts with an empty cache, so the cache never disagrees with the state.
 * Callers set the current key to {@code key} first.
 */
@Internal
public final class ServingModels {
    private final ValueState<Predictor> state;
    private final Map<String, Predictor> cache;

    public ServingModels(ValueState<Predictor> state, int maxCached) {
        this.state = state;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Predictor> eldest) {
                return size() > maxCached;
            }
        };
    }

    /** The model serving {@code key}, or null when it has none yet. */
    public Predictor get(String key) throws IOException {
        Predictor p = cache.get(key);
        if (p == null) {
            p = state.value();
            if (p != null) {
                cache.put(key, p);
            }
        }
        return p;
    }

    public void put(String key, Predictor model) throws IOException {
        state.update(model);
        cache.put(key, model);
    }

    public int cached() {
        return cache.size();
    }
}
