package io.streamgrad.bench.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Synthetic W1 input records, as Kafka would carry them: 32 features in [-1, 1) with 3 decimals and
 * a linear target, model key {@code k{i % keys}}. Seeded: every instance yields the same stream.
 */
final class SyntheticRecords {
    private static final int IN = 32;
    private final SplittableRandom rnd = new SplittableRandom(20240606L);
    private final boolean csv;
    private final byte[][] keyBytes;
    private final byte[] buf = new byte[512];
    private int pos;
    private long i;

    SyntheticRecords(int keys, String format) {
        this.csv = format.equals("csv");
        keyBytes = new byte[keys][];
        for (int k = 0; k < keys; k++) {
            keyBytes[k] = ("k" + k).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The key of the next record. */
    byte[] key() {
        return keyBytes[(int) (i % keyBytes.length)];
    }

    /** The next record value (advances to the next record; call {@link #key()} before). */
    byte[] value() {
        int k = (int) (i++ % keyBytes.length);
        pos = 0;
        if (!csv) {
            put("{\"x\":[");
        }
        long y = 100L * k;
        for (int j = 0; j < IN; j++) {
            int m = rnd.nextInt(-999, 1000);
            y += (j % 3 - 1) * (long) m;
            if (j > 0) {
                buf[pos++] = ',';
            }
            scaled(m);
        }
        put(csv ? "," : "],\"y\":");
        scaled((int) (y / 4));
        if (!csv) {
            buf[pos++] = '}';
        }
        return Arrays.copyOf(buf, pos);
    }

    private void put(String s) {
        for (int c = 0; c < s.length(); c++) {
            buf[pos++] = (byte) s.charAt(c);
        }
    }

    /** m / 1000 with three decimals; CSV drops a zero integer part (".5" parses as a Java double). */
    private void scaled(int m) {
        if (m < 0) {
            buf[pos++] = '-';
            m = -m;
        }
        int ip = m / 1000;
        int fp = m % 1000;
        if (ip != 0 || !csv) {
            put(Integer.toString(ip));
        }
        buf[pos++] = '.';
        buf[pos++] = (byte) ('0' + fp / 100);
        buf[pos++] = (byte) ('0' + fp / 10 % 10);
        buf[pos++] = (byte) ('0' + fp % 10);
    }

    /** The first {@code size} records of the stream, held in memory. */
    record Ring(byte[][] keys, byte[][] values) {
        static Ring generate(int size, int keys, String format) {
            SyntheticRecords g = new SyntheticRecords(keys, format);
            byte[][] k = new byte[size][];
            byte[][] v = new byte[size][];
            for (int i = 0; i < size; i++) {
                k[i] = g.key();
                v[i] = g.value();
            }
            return new Ring(k, v);
        }

        int size() {
            return values.length;
        }
    }
}
