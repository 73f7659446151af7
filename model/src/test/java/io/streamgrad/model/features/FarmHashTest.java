package io.streamgrad.model.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Fingerprint64 against published vectors: Guava's {@code FarmHashFingerprint64Test} (which checks
 * Guava against the C++ reference) and the bucket examples of Keras' {@code Hashing} layer
 * (docstring and tests) and TensorFlow's {@code to_hash_bucket_fast}.
 */
class FarmHashTest {

    @Test
    void guavaSimpleFingerprints() {
        assertThat(FarmHash.fingerprint64("test")).isEqualTo(8581389452482819506L);
        assertThat(FarmHash.fingerprint64("test".repeat(8))).isEqualTo(-4196240717365766262L);
        assertThat(FarmHash.fingerprint64("test".repeat(64))).isEqualTo(3500507768004279527L);
    }

    /** Guava's chained test over buffers of 0..3200 bytes: every length branch of the function. */
    @Test
    void guavaMultipleLengths() {
        int iterations = 800;
        byte[] buf = new byte[iterations * 4];
        int len = 0;
        long h = 0;
        for (int i = 0; i < iterations; ++i) {
            h ^= FarmHash.fingerprint64(buf, 0, i);
            h = remix(h);
            buf[len++] = letter(h);
            h ^= FarmHash.fingerprint64(buf, 0, i * i % len);
            h = remix(h);
            buf[len++] = letter(h);
            h ^= FarmHash.fingerprint64(buf, 0, i * i * i % len);
            h = remix(h);
            buf[len++] = letter(h);
            h ^= FarmHash.fingerprint64(buf, 0, len);
            h = remix(h);
            buf[len++] = letter(h);
            int x0 = buf[len - 1] & 0xff;
            int x1 = buf[len - 2] & 0xff;
            int x2 = buf[len - 3] & 0xff;
            int x3 = buf[len / 2] & 0xff;
            buf[((x0 << 16) + (x1 << 8) + x2) % len] ^= (byte) x3;
            buf[((x1 << 16) + (x2 << 8) + x3) % len] ^= (byte) (i % 256);
        }
        assertThat(h).isEqualTo(0x7a1d67c50ec7e167L);
    }

    private static long remix(long h) {
        h ^= h >>> 41;
        h *= 949921979;
        return h;
    }

    private static byte letter(long h) {
        return (byte) ('a' + ((h & 0xfffff) % 26));
    }

    @Test
    void kerasHashingBuckets() {
        assertThat(buckets(3, "A", "B", "C", "D", "E")).containsExactly(1, 0, 1, 1, 2);
        // integers are hashed as their decimal strings
        assertThat(buckets(3, "0", "1", "2", "3", "4")).containsExactly(1, 0, 1, 0, 2);
        assertThat(buckets(2, "omar", "stringer", "marlo", "wire", "skywalker")).containsExactly(0, 0, 1, 0, 0);
        assertThat(buckets(3, "Hello", "TensorFlow", "2.x")).containsExactly(0, 2, 2);
    }

    @Test
    void bucketUsesTheUnsignedFingerprint() {
        long fp = FarmHash.fingerprint64("test".repeat(8)); // negative as a signed long
        assertThat(fp).isNegative();
        assertThat(FarmHash.bucket("test".repeat(8), 10)).isEqualTo((int) Long.remainderUnsigned(fp, 10));
        assertThat(FarmHash.bucket("", 7)).isEqualTo((int) Long.remainderUnsigned(0x9ae16a3b2f90404fL, 7));
        assertThat(FarmHash.fingerprint64("S\u00e3o".getBytes(StandardCharsets.UTF_8), 0, 4))
                .isEqualTo(FarmHash.fingerprint64("S\u00e3o"));
    }

    private static int[] buckets(int bins, String... tokens) {
        int[] out = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            out[i] = FarmHash.bucket(tokens[i], bins);
        }
        return out;
    }
}
