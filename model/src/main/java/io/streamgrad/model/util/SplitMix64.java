package io.streamgrad.model.util;

/**
 * SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast generator whose whole state is one
 * {@code long}, so it can live in checkpointed model state and replay bit for bit.
 */
public final class SplitMix64 {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private SplitMix64() {}

    /** The state after one draw. */
    public static long advance(long state) {
        return state + GOLDEN_GAMMA;
    }

    /** The 64-bit output for a state that was just advanced. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform float in [0, 1) from a 64-bit output (24 random bits). */
    public static float unitFloat(long bits) {
        return (bits >>> 40) * 0x1.0p-24f;
    }

    /** Uniform double in [0, 1) from a 64-bit output (53 random bits). */
    public static double unitDouble(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }
}
