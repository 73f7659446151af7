package io.streamgrad.sql.train;

import io.streamgrad.operators.Example;
import io.streamgrad.operators.state.KeyProgress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.dataview.ListView;
import org.apache.flink.table.api.dataview.MapView;

/**
 * A key's pending mini-batch as {@code STREAMGRAD_TRAIN} keeps it: the rows in the {@code pending}
 * list state (one append per row, read once when the batch is trained or dropped), the batch timer
 * in {@code progress}, and what a row needs to know of them (row count, largest event time, batch
 * timer) in a bounded in-memory summary per key. State stays authoritative: a summary that is not
 * cached (a new function instance after a restore, or an evicted key) is rebuilt from state, so on
 * RocksDB a row costs one list append instead of deserializing and serializing the whole batch.
 */
@Internal
final class PendingRows {
    /** Keys whose summary is kept; a miss costs one read of the key's progress and rows. */
    static final int CACHED_KEYS = 16_384;

    /** What a row needs of its key's pending batch. */
    static final class Summary {
        /** Whether the key has its {@code progress} (and {@code config}) entry. */
        boolean known;
        int rows;
        long maxEventTime = Example.NO_TIMESTAMP;
        long batchTimer = KeyProgress.NO_TIMER;
    }

    private final int batchSize;
    private final Map<String, Summary> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Summary> eldest) {
            return size() > CACHED_KEYS;
        }
    };

    PendingRows(int batchSize) {
        this.batchSize = batchSize;
    }

    /** The key's summary, from the cache or rebuilt from its stored progress and rows. */
    Summary summary(String key, MapView<String, KeyProgress> progress, ListView<PendingRow> rows) throws Exception {
        Summary s = cache.get(key);
        if (s == null) {
            s = new Summary();
            KeyProgress p = progress.get(key);
            s.known = p != null;
            s.batchTimer = p == null ? KeyProgress.NO_TIMER : p.batchTimer;
            for (PendingRow r : rows.get()) {
                s.rows++;
                s.maxEventTime = Math.max(s.maxEventTime, r.eventTime);
            }
            cache.put(key, s);
        }
        return s;
    }

    /** Buffers a valid example; true when the batch is full. */
    boolean add(Summary s, ListView<PendingRow> rows, Example ex, long eventTime) throws Exception {
        rows.add(new PendingRow(eventTime, ex.features, ex.target));
        s.rows++;
        s.maxEventTime = Math.max(s.maxEventTime, eventTime);
        return s.rows >= batchSize;
    }

    /**
     * Puts the stored rows into {@code p}'s pending buffers, where the trainer's {@code BatchBuffer}
     * takes or drops them; call before anything that may train or drop, then {@link #stored}.
     */
    void load(Summary s, ListView<PendingRow> rows, KeyProgress p) throws Exception {
        p.pendingRows = 0;
        if (s.rows > 0) {
            for (PendingRow r : rows.get()) {
                p.addRow(r.features, r.target, batchSize);
            }
        }
        p.pendingMaxEventTime = s.maxEventTime;
    }

    /**
     * After {@link #load}: clears the stored rows if they were trained or dropped, updates the
     * summary, and empties {@code p}'s buffers so its {@code progress} entry does not hold the rows.
     */
    void stored(Summary s, ListView<PendingRow> rows, KeyProgress p) {
        if (p.pendingRows == 0 && s.rows > 0) {
            rows.clear();
        }
        s.known = true;
        s.rows = p.pendingRows;
        s.maxEventTime = p.pendingMaxEventTime;
        s.batchTimer = p.batchTimer;
        p.pendingX = null;
        p.pendingY = null;
        p.pendingRows = 0;
        p.pendingMaxEventTime = Example.NO_TIMESTAMP;
    }
}
