package io.streamgrad.model.optim;

/**
 * The per-variable part of a Keras optimizer ({@code update_step}). Slot arrays (moments,
 * accumulators) have the variable's size and live in the model state; a rule itself keeps only
 * its hyperparameters and the constants of the current step (set by {@link #prepare}).
 * Element-wise math runs in double and is rounded once when stored.
 */
public interface UpdateRule {

    /** Number of slot arrays per trainable variable. */
    int slotCount();

    /** Initial value of slot {@code slot} (most start at 0). */
    default float slotInitialValue(int slot) {
        return 0f;
    }

    /** Number of per-model scalars this rule keeps (Nadam's u_product). */
    default int scalarCount() {
        return 0;
    }

    /** Initial values of those scalars. */
    default void initScalars(double[] scalars) {}

    /**
     * Computes this step's constants; called once per step before any {@link #update}. May
     * mutate {@code scalars} (Nadam updates u_product here, once per step).
     *
     * @param iterations the optimizer counter before this step (0 for the first)
     */
    void prepare(long iterations, double lr, double[] scalars);

    /** Updates {@code w} in place from its (clipped) gradient {@code g} and its slots. */
    default void update(float[] w, float[] g, float[][] slots) {
        update(w, g, slots, 0, w.length);
    }

    /**
     * Updates the elements {@code [from, to)} of {@code w} and of its slots only (a sparse
     * embedding update touches the rows a batch looked up); the others keep their bits. Every rule
     * is element-wise, so an element gets the same bits as in a whole-array update.
     */
    void update(float[] w, float[] g, float[][] slots, int from, int to);

    /** True when {@link #staysFinite} is implemented and this rule keeps no scalars. */
    default boolean predictsFinite() {
        return false;
    }

    /**
     * Whether {@link #update} on {@code [from, to)} would leave every element it writes finite,
     * without writing anything (only when {@link #predictsFinite}).
     */
    default boolean staysFinite(float[] w, float[] g, float[][] slots, int from, int to) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot predict finiteness");
    }
}
