package io.streamgrad.operators.scoring;

import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.spec.SpecWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of a served model ({@link Predictor}, immutable). Each value is
 * self-describing, layout of format 1:
 * <pre>
 * byte format (1)
 * string modelKey (int length, -1 = null; UTF-8), long createdAt
 * string model specification (canonical JSON)
 * int n, byte[n] weights-only model state (ModelStateCodec, carries the version)
 * </pre>
 * Reading validates the model as on admission, so corrupt state fails loudly, never serves.
 */
@Internal
public final class PredictorSerializer extends TypeSerializerSingleton<Predictor> {
    private static final long serialVersionUID = 1L;
    public static final PredictorSerializer INSTANCE = new PredictorSerializer();

    static final byte FORMAT = 1;
    private static final int MAX_KEY_BYTES = 1 << 20;
    private static final int MAX_SPEC_BYTES = 16 << 20;
    private static final int MAX_STATE_BYTES = 1 << 30;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public Predictor createInstance() {
        return null;
    }

    @Override
    public Predictor copy(Predictor from) {
        return from;
    }

    @Override
    public Predictor copy(Predictor from, Predictor reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Predictor p, DataOutputView out) throws IOException {
        out.writeByte(FORMAT);
        writeString(out, p.modelKey());
        out.writeLong(p.createdAtMillis());
        writeString(out, SpecWriter.model(p.model()).toString());
        byte[] state = p.toState();
        out.writeInt(state.length);
        out.write(state);
    }

    @Override
    public Predictor deserialize(DataInputView in) throws IOException {
        byte format = in.readByte();
        if (format != FORMAT) {
            throw new IOException("unsupported served-model format " + format + " (this build reads " + FORMAT + ")");
        }
        String key = readString(in, MAX_KEY_BYTES);
        long createdAt = in.readLong();
        String spec = readString(in, MAX_SPEC_BYTES);
        int n = in.readInt();
        if (n < 0 || n > MAX_STATE_BYTES) {
            throw new IOException("implausible served-model state length " + n);
        }
        byte[] state = new byte[n];
        in.readFully(state);
        try {
            return Predictor.fromState(SpecParser.model(SpecParser.readTree(spec)), state, key, createdAt);
        } catch (SpecException e) {
            throw new IOException("corrupt served model in state: " + e.getMessage(), e);
        }
    }

    @Override
    public Predictor deserialize(Predictor reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<Predictor> snapshotConfiguration() {
        return new PredictorSerializerSnapshot();
    }

    private static void writeString(DataOutputView out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputView in, int max) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > max) {
            throw new IOException("implausible string length " + n + " in served model");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Serializer snapshot: the format is in every value, so there is nothing to configure. */
    @Internal
    public static final class PredictorSerializerSnapshot extends SimpleTypeSerializerSnapshot<Predictor> {
        public PredictorSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
