package io.streamgrad.model.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of a {@link FrontEndState} (the tail of {@link ModelStateCodec} format 2):
 * <pre>
 * int featureCount; per feature: byte kind (0 none, 1 vocabulary, 2 statistics)
 *   vocabulary: int tokenCount; per token: int byteLength + UTF-8 bytes
 *   statistics: long count; int size; double[size] mean; double[size] M2
 * </pre>
 */
final class FrontEndStateCodec {
    private static final byte NONE = 0;
    private static final byte VOCABULARY = 1;
    private static final byte MOMENTS = 2;

    private FrontEndStateCodec() {}

    static void encode(FrontEndState s, DataOutput out) throws IOException {
        out.writeInt(s.featureCount());
        for (int j = 0; j < s.featureCount(); j++) {
            Vocabulary v = s.vocabulary(j);
            RunningMoments m = s.moments(j);
            if (v != null) {
                out.writeByte(VOCABULARY);
                out.writeInt(v.size());
                for (int k = 0; k < v.size(); k++) {
                    byte[] b = v.token(k).getBytes(StandardCharsets.UTF_8);
                    out.writeInt(b.length);
                    out.write(b);
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
    }

    static FrontEndState decode(DataInput in, ModelStateCodec.Budget budget) throws IOException {
        int n = ModelStateCodec.count(in.readInt(), budget, "feature count");
        Vocabulary[] vocabularies = new Vocabulary[n];
        RunningMoments[] moments = new RunningMoments[n];
        for (int j = 0; j < n; j++) {
            byte kind = in.readByte();
            switch (kind) {
                case NONE -> { }
                case VOCABULARY -> {
                    int size = in.readInt();
                    // vocabularies may exceed the codec's generic count limit; the budget still bounds them
                    if (size < 0 || size > budget.remaining || size > ModelStateCodec.MAX_ARRAY) {
                        throw new StateFormatException("implausible vocabulary size " + size + " in model state");
                    }
                    List<String> tokens = new ArrayList<>(size);
                    for (int k = 0; k < size; k++) {
                        int len = in.readInt();
                        // a token costs at least one budget unit, and its bytes a quarter unit each
                        if (len < 0 || len / 4 + 1 > budget.remaining) {
                            throw new StateFormatException("implausible token length " + len + " in model state");
                        }
                        budget.remaining -= len / 4 + 1;
                        byte[] b = new byte[len];
                        in.readFully(b);
                        tokens.add(new String(b, StandardCharsets.UTF_8));
                    }
                    try {
                        vocabularies[j] = new Vocabulary(tokens);
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
        return new FrontEndState(vocabularies, moments);
    }
}
