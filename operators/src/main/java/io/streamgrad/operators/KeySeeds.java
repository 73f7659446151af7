package io.streamgrad.operators;

import java.nio.charset.StandardCharsets;
import org.apache.flink.annotation.Internal;

/** Derives the initialisation seed of each model key from the configured seed. */
@Internal
final class KeySeeds {
    private KeySeeds() {}

    /**
     * SplitMix64 of {@code seed} and the 64-bit FNV-1a hash of the key's UTF-8 bytes: stable across
     * JVMs, runs and parallelism, and part of the reproducibility contract.
     */
    static long seedFor(long seed, String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        long z = seed + 0x9E3779B97F4A7C15L * (h | 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
