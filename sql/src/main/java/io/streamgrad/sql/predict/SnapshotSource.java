package io.streamgrad.sql.predict;

import io.streamgrad.model.snapshot.ModelSnapshot;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.flink.annotation.Internal;

/**
 * Where a {@code streamgrad} model's snapshots come from: read once to their current end, then
 * followed in the background. Serializable: it travels with the predict function into the job.
 */
@Internal
public interface SnapshotSource extends Serializable {

    /**
     * Delivers every snapshot up to the source's current end to {@code sink} before returning,
     * then keeps delivering new ones from a background thread until the returned handle is closed.
     */
    AutoCloseable follow(Consumer<ModelSnapshot> sink, Duration readTimeout, Duration refreshInterval)
            throws Exception;

    /** Reads the source once to its current end: the newest snapshot per key. */
    default Map<String, ModelSnapshot> readNewest(Duration readTimeout) throws Exception {
        Map<String, ModelSnapshot> newest = new TreeMap<>();
        follow(s -> newest.merge(s.modelKey(), s, SnapshotSource::newer), readTimeout, null).close();
        return newest;
    }

    /** The newer of two snapshots of one key (the later one on equal versions). */
    static ModelSnapshot newer(ModelSnapshot a, ModelSnapshot b) {
        return b.version() >= a.version() ? b : a;
    }

    /** What the source is, for messages. */
    String describe();
}
