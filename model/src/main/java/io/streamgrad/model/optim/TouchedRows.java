package io.streamgrad.model.optim;

import java.util.Arrays;

/**
 * The rows of one embedding matrix that the current batch looked up, each once, in ascending
 * order: what a sparse update ({@code sparseUpdates}, our extension, not Keras) reads and writes.
 * Adding a row and clearing the set cost O(1), whatever the number of rows of the matrix, so a
 * sparse step costs O(batch x dim). Not thread-safe.
 */
public final class TouchedRows {
    private final int rowWidth;
    /** {@code stamp[r] == epoch}: row r is in the set (an O(1) clear without touching every row). */
    private final int[] stamp;
    private int epoch = 1;
    private int[] rows = new int[16];
    private int count;
    private boolean sorted = true;

    public TouchedRows(int rowCount, int rowWidth) {
        this.rowWidth = rowWidth;
        this.stamp = new int[rowCount];
    }

    /** Number of values per row. */
    public int rowWidth() {
        return rowWidth;
    }

    public void clear() {
        count = 0;
        sorted = true;
        if (++epoch == 0) { // wrapped after 2^32 clears: start the stamps afresh
            Arrays.fill(stamp, 0);
            epoch = 1;
        }
    }

    /** Adds {@code row} unless it is in the set already. */
    public void add(int row) {
        if (stamp[row] == epoch) {
            return;
        }
        stamp[row] = epoch;
        if (count == rows.length) {
            rows = Arrays.copyOf(rows, count * 2);
        }
        if (count > 0 && rows[count - 1] > row) {
            sorted = false;
        }
        rows[count++] = row;
    }

    public int count() {
        return count;
    }

    /** The {@code i}-th row in ascending order. */
    public int row(int i) {
        if (!sorted) {
            Arrays.sort(rows, 0, count);
            sorted = true;
        }
        return rows[i];
    }

    /** Copies the set (rows and their order) from {@code o}, a set of a matrix of the same shape. */
    public void setTo(TouchedRows o) {
        clear();
        for (int i = 0; i < o.count(); i++) {
            add(o.row(i));
        }
    }
}
