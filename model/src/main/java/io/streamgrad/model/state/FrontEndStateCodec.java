package io.streamgrad.model.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of a {@link FrontEndState} (the tail of {@link ModelStateCodec} formats 2 and 3):
 * <pre>
 * int featureCount; per feature: byte kind (0 none, 1 vocabulary, 2 statistics, 3 counted vocabulary)
 *   vocabulary: int tokenCount; per token: int byteLength + UTF-8 bytes
 *   statistics: long count; int size; double[size] mean; double[size] M2
 *   counted vocabulary (format 3 only): the vocabulary as kind 1, then int capacity; int candidateCount;
 *               per candidate, sorted by token: int byteLength + UTF-8 bytes, int count
 * format 3 only, after the features: int agedCount; per embedding with expiry:
 *   int feature; int rows; long[rows] lastSeen (-1: not looked up since it was created or expired)
 * </pre>
 */
final class FrontEndStateCodec {
    private static final byte NONE = 0;
    private static final byte VOCABULARY = 1;
    private static final byte MOMENTS = 2;
    private static final byte COUNTED_VOCABULARY = 3;

    private FrontEndStateCodec() {}

    static void encode(FrontEndState s, DataOutput out, boolean format3) throws IOException {
        out.writeInt(s.featureCount());
        for (int j = 0; j < s.featureCount(); j++) {
            Vocabulary v = s.vocabulary(j);
            RunningMoments m = s.moments(j);
            if (v != null) {
                TokenCounts c = s.counts(j);
                out.writeByte(c == null ? VOCABULARY : COUNTED_VOCABULARY);
                out.writeInt(v.size());
                for (int k = 0; k < v.size(); k++) {
                    writeToken(out, v.token(k));
                }
                if (c != null) {
                    out.writeInt(c.capacity());
                    out.writeInt(c.size());
                    for (var e : c.sorted()) {
                        writeToken(out, e.getKey());
                        out.writeInt(e.getValue());
                    }
                }
            } else if (m != null) {
                out.writeByte(MOMENTS);
                out.writeLong(m.count());
                out.writeInt(m.size());
                for (int i = 0; i < m.size(); i++) {
                    out.writeDouble(m.mean(i));
                }
                for (int i = 0; i < m.size(); i++) {
                    out.writeDouble(m.m2(i));
                }
            } else {
                out.writeByte(NONE);
            }
        }
        if (format3) {
            writeAges(s, out);
        }
    }

    private static void writeAges(FrontEndState s, DataOutput out) throws IOException {
        int n = 0;
        for (int j = 0; j < s.featureCount(); j++) {
            n += s.ages(j) != null ? 1 : 0;
        }
        out.writeInt(n);
        for (int j = 0; j < s.featureCount(); j++) {
            RowAges a = s.ages(j);
            if (a != null) {
                out.writeInt(j);
                out.writeInt(a.rows());
                for (int r = 0; r < a.rows(); r++) {
                    out.writeLong(a.lastSeen(r));
                }
            }
        }
    }

    private static RowAges[] readAges(DataInput in, ModelStateCodec.Budget budget, int features) throws IOException {
        RowAges[] ages = new RowAges[features];
        int n = in.readInt();
        if (n < 0 || n > features) {
            throw new StateFormatException("implausible count " + n + " of aged embeddings in model state");
        }
        for (int k = 0; k < n; k++) {
            int j = in.readInt();
            int rows = in.readInt();
            if (j < 0 || j >= features || ages[j] != null || rows < 0 || 2L * rows > budget.remaining) {
                throw new StateFormatException("implausible row ages of feature " + j + " in model state");
            }
            budget.remaining -= 2L * rows;
            long[] lastSeen = new long[rows];
            for (int r = 0; r < rows; r++) {
                lastSeen[r] = in.readLong();
            }
            try {
                ages[j] = RowAges.of(lastSeen);
            } catch (IllegalArgumentException e) {
                throw new StateFormatException("row ages of feature " + j + ": " + e.getMessage());
            }
        }
        return ages;
    }

    private static void writeToken(DataOutput out, String token) throws IOException {
        byte[] b = token.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /** @param withCounts format 3: counted vocabularies allowed */
    static FrontEndState decode(DataInput in, ModelStateCodec.Budget budget, boolean withCounts) throws IOException {
        int n = ModelStateCodec.count(in.readInt(), budget, "feature count");
        Vocabulary[] vocabularies = new Vocabulary[n];
        RunningMoments[] moments = new RunningMoments[n];
        TokenCounts[] counts = new TokenCounts[n];
        for (int j = 0; j < n; j++) {
            byte kind = in.readByte();
            switch (kind) {
                case NONE -> { }
                case VOCABULARY, COUNTED_VOCABULARY -> {
                    if (kind == COUNTED_VOCABULARY && !withCounts) {
                        throw new StateFormatException("candidate counts of feature " + j + " need format 3");
                    }
                    int size = in.readInt();
                    // vocabularies may exceed the codec's generic count limit; the budget still bounds them
                    if (size < 0 || size > budget.remaining || size > ModelStateCodec.MAX_ARRAY) {
                        throw new StateFormatException("implausible vocabulary size " + size + " in model state");
                    }
                    List<String> tokens = new ArrayList<>(size);
                    for (int k = 0; k < size; k++) {
                        tokens.add(readToken(in, budget));
                    }
                    try {
                        vocabularies[j] = new Vocabulary(tokens);
                        if (kind == COUNTED_VOCABULARY) {
                            counts[j] = readCounts(in, budget);
                        }
                    } catch (IllegalArgumentException e) {
                        throw new StateFormatException("vocabulary of feature " + j + ": " + e.getMessage());
                    }
                }
                case MOMENTS -> {
                    long count = in.readLong();
                    int size = ModelStateCodec.count(in.readInt(), budget, "statistics size");
                    if (4L * size > budget.remaining) {
                        throw new StateFormatException("statistics of " + size + " values exceed the model state");
                    }
                    budget.remaining -= 4L * size;
                    double[] mean = new double[size];
                    double[] m2 = new double[size];
                    for (int i = 0; i < size; i++) {
                        mean[i] = in.readDouble();
                    }
                    for (int i = 0; i < size; i++) {
                        m2[i] = in.readDouble();
                    }
                    if (count < 0) {
                        throw new StateFormatException("negative example count in statistics of feature " + j);
                    }
                    moments[j] = RunningMoments.raw(count, mean, m2);
                }
                default -> throw new StateFormatException("unknown front-end state kind " + kind + " of feature " + j);
            }
        }
        RowAges[] ages = withCounts ? readAges(in, budget, n) : new RowAges[n];
        return new FrontEndState(vocabularies, moments, counts, ages);
    }

    private static TokenCounts readCounts(DataInput in, ModelStateCodec.Budget budget) throws IOException {
        int capacity = in.readInt();
        int size = in.readInt();
        if (capacity < 1 || size < 0 || size > capacity || size > budget.remaining) {
            throw new StateFormatException("implausible candidate table " + size + "/" + capacity + " in model state");
        }
        TokenCounts c = new TokenCounts(capacity);
        for (int k = 0; k < size; k++) {
            String token = readToken(in, budget);
            int count = in.readInt();
            if (c.count(token) != 0) {
                throw new IllegalArgumentException("candidate '" + token + "' repeated");
            }
            c.put(token, count); // rejects a count < 1
        }
        return c;
    }

    private static String readToken(DataInput in, ModelStateCodec.Budget budget) throws IOException {
        int len = in.readInt();
        // a token costs at least one budget unit, and its bytes a quarter unit each
        if (len < 0 || len / 4 + 1 > budget.remaining) {
            throw new StateFormatException("implausible token length " + len + " in model state");
        }
        budget.remaining -= len / 4 + 1;
        byte[] b = new byte[len];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
