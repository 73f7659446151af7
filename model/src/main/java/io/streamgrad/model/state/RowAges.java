package io.streamgrad.model.state;

import java.util.Arrays;

/**
 * When each row of an expiring embedding ({@code expireAfterSteps}, our extension) was last looked
 * up by a training step, and the rows in the order of that step (oldest first), so that finding
 * the rows to expire costs O(expired rows), not O(rows). {@code lastSeen} −1: never looked up (or
 * expired since); such a row is not in the order. Only {@code lastSeen} is persistent: the order is
 * rebuilt from it by (step, row), the order in which {@link #touch} builds it.
 */
public final class RowAges {
    private final long[] lastSeen;
    private final int[] prev;
    private final int[] next;
    private int head = -1;
    private int tail = -1;

    public RowAges(int rows) {
        lastSeen = new long[rows];
        Arrays.fill(lastSeen, -1L);
        prev = new int[rows];
        next = new int[rows];
    }

    /** Ages read from a checkpoint ({@code lastSeen[r]} >= −1). */
    public static RowAges of(long[] lastSeen) {
        RowAges a = new RowAges(lastSeen.length);
        Integer[] order = new Integer[lastSeen.length];
        int n = 0;
        for (int r = 0; r < lastSeen.length; r++) {
            if (lastSeen[r] < -1) {
                throw new IllegalArgumentException("last-seen step of row " + r + " must be >= -1");
            }
            if (lastSeen[r] >= 0) {
                order[n++] = r;
            }
        }
        Arrays.sort(order, 0, n, (x, y) -> lastSeen[x] != lastSeen[y] ? Long.compare(lastSeen[x], lastSeen[y])
                : Integer.compare(x, y));
        for (int i = 0; i < n; i++) {
            a.touch(order[i], lastSeen[order[i]]);
        }
        return a;
    }

    public int rows() {
        return lastSeen.length;
    }

    public long lastSeen(int row) {
        return lastSeen[row];
    }

    /** Row {@code row} was looked up by step {@code step} (steps never decrease). */
    public void touch(int row, long step) {
        if (lastSeen[row] >= 0) {
            unlink(row);
        }
        lastSeen[row] = step;
        prev[row] = tail;
        next[row] = -1;
        if (tail >= 0) {
            next[tail] = row;
        } else {
            head = row;
        }
        tail = row;
    }

    /** The row looked up longest ago, or −1. */
    public int oldest() {
        return head;
    }

    /** Forgets {@code row} (it expired): never looked up since. */
    public void forget(int row) {
        if (lastSeen[row] >= 0) {
            unlink(row);
            lastSeen[row] = -1;
        }
    }

    private void unlink(int row) {
        int p = prev[row];
        int n = next[row];
        if (p >= 0) {
            next[p] = n;
        } else {
            head = n;
        }
        if (n >= 0) {
            prev[n] = p;
        } else {
            tail = p;
        }
    }

    /** An independent copy (the order copied as is: no rebuild). */
    public RowAges copy() {
        RowAges a = new RowAges(lastSeen.length);
        System.arraycopy(lastSeen, 0, a.lastSeen, 0, lastSeen.length);
        System.arraycopy(prev, 0, a.prev, 0, prev.length);
        System.arraycopy(next, 0, a.next, 0, next.length);
        a.head = head;
        a.tail = tail;
        return a;
    }

    public boolean sameAs(RowAges o) {
        return o != null && Arrays.equals(lastSeen, o.lastSeen);
    }
}
