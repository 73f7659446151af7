package io.streamgrad.model.state;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How often each candidate token of a lookup with {@code minFrequency} (our extension) has been
 * seen in training batches while it maps to OOV. At most {@code capacity} tokens are counted at a
 * time; while the table is full a token that is not in it is not counted. A token leaves the table
 * when it enters the vocabulary. The changes of one step can be undone ({@link #beginStep},
 * {@link #undoStep}) so that a discarded, non-finite step leaves no trace.
 */
public final class TokenCounts {
    private final int capacity;
    private final HashMap<String, Integer> counts;
    /** Undo log of the current step: token and its count before the change (0: absent). */
    private final ArrayList<String> undoTokens = new ArrayList<>();
    private int[] undoCounts = new int[16];

    public TokenCounts(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.counts = new HashMap<>();
    }

    public int capacity() {
        return capacity;
    }

    public int size() {
        return counts.size();
    }

    /** Times {@code token} was counted (0 when not in the table). */
    public int count(String token) {
        Integer c = counts.get(token);
        return c == null ? 0 : c;
    }

    /** Counts one more sighting; returns the new count, or 0 when the table is full and the token not in it. */
    public int increment(String token) {
        int before = count(token);
        if (before == 0 && counts.size() >= capacity) {
            return 0;
        }
        log(token, before);
        counts.put(token, before + 1);
        return before + 1;
    }

    /** Sets a count read from a checkpoint (a positive count; not logged). */
    public void put(String token, int count) {
        if (count < 1 || (!counts.containsKey(token) && counts.size() >= capacity)) {
            throw new IllegalArgumentException("count " + count + " of '" + token + "' does not fit the table");
        }
        counts.put(token, count);
    }

    /** Drops {@code token} (it entered the vocabulary). */
    public void remove(String token) {
        Integer before = counts.remove(token);
        if (before != null) {
            log(token, before);
        }
    }

    /** Starts a new step: forgets the undo log. */
    public void beginStep() {
        undoTokens.clear();
    }

    /** Undoes every change since {@link #beginStep}. */
    public void undoStep() {
        for (int i = undoTokens.size() - 1; i >= 0; i--) {
            if (undoCounts[i] == 0) {
                counts.remove(undoTokens.get(i));
            } else {
                counts.put(undoTokens.get(i), undoCounts[i]);
            }
        }
        undoTokens.clear();
    }

    /** The candidates sorted by token (UTF-16 order): the canonical order of the codec and the JSON. */
    public List<Map.Entry<String, Integer>> sorted() {
        List<Map.Entry<String, Integer>> out = new ArrayList<>(counts.entrySet());
        out.sort(Map.Entry.comparingByKey());
        return Collections.unmodifiableList(out);
    }

    public TokenCounts copy() {
        TokenCounts c = new TokenCounts(capacity);
        c.counts.putAll(counts);
        return c;
    }

    public boolean sameAs(TokenCounts o) {
        return o != null && o.capacity == capacity && o.counts.equals(counts);
    }

    private void log(String token, int before) {
        if (undoTokens.size() == undoCounts.length) {
            undoCounts = java.util.Arrays.copyOf(undoCounts, undoCounts.length * 2);
        }
        undoCounts[undoTokens.size()] = before;
        undoTokens.add(token);
    }
}
