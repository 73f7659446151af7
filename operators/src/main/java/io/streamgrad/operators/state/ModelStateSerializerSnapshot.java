package io.streamgrad.operators.state;

import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.state.ModelStateCodec;
import io.streamgrad.model.state.VariableLayout;
import io.streamgrad.model.state.ModelState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Snapshot of a {@link ModelStateSerializer}. Version 1 layout: {@code short} codec format
 * version of the state bytes ({@link ModelStateCodec#FORMAT_VERSION}), then the model
 * specification as length-prefixed UTF-8 JSON.
 *
 * <p>Compatibility: the same variable shapes (names and sizes in {@code get_weights()} order)
 * are compatible as is (e.g. a changed activation or loss reads the same numbers); a different
 * shape is incompatible (the weights cannot be mapped). State bytes of an older codec format are
 * self-describing and read by the codec, so they need no migration here.
 */
@Internal
public final class ModelStateSerializerSnapshot implements TypeSerializerSnapshot<ModelState> {
    static final int VERSION = 1;
    private static final int MAX_SPEC_BYTES = 16 << 20;

    private String modelSpecJson;
    private int codecFormat = ModelStateCodec.FORMAT_VERSION;

    /** For Flink's reflective instantiation on restore. */
    public ModelStateSerializerSnapshot() {}

    ModelStateSerializerSnapshot(ModelStateSerializer serializer) {
        this.modelSpecJson = serializer.modelSpecJson();
    }

    @Override
    public int getCurrentVersion() {
        return VERSION;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
        out.writeShort(ModelStateCodec.FORMAT_VERSION);
        byte[] spec = modelSpecJson.getBytes(StandardCharsets.UTF_8);
        out.writeInt(spec.length);
        out.write(spec);
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
        if (readVersion != VERSION) {
            throw new IOException("unknown ModelStateSerializerSnapshot version " + readVersion
                    + " (this build reads version " + VERSION + ")");
        }
        codecFormat = in.readShort();
        int n = in.readInt();
        if (n < 0 || n > MAX_SPEC_BYTES) {
            throw new IOException("implausible model specification length " + n + " in serializer snapshot");
        }
        byte[] spec = new byte[n];
        in.readFully(spec);
        modelSpecJson = new String(spec, StandardCharsets.UTF_8);
    }

    @Override
    public TypeSerializer<ModelState> restoreSerializer() {
        return new ModelStateSerializer(modelSpecJson);
    }

    @Override
    public TypeSerializerSchemaCompatibility<ModelState> resolveSchemaCompatibility(
            TypeSerializerSnapshot<ModelState> oldSerializerSnapshot) {
        if (!(oldSerializerSnapshot instanceof ModelStateSerializerSnapshot old)) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        if (old.codecFormat > ModelStateCodec.FORMAT_VERSION) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        if (old.modelSpecJson.equals(modelSpecJson)) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        return sameShape(layout(old.modelSpecJson), layout(modelSpecJson))
                ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                : TypeSerializerSchemaCompatibility.incompatible();
    }

    String modelSpecJson() {
        return modelSpecJson;
    }

    int codecFormat() {
        return codecFormat;
    }

    private static VariableLayout layout(String specJson) {
        return new VariableLayout(SpecParser.model(SpecParser.readTree(specJson)));
    }

    private static boolean sameShape(VariableLayout a, VariableLayout b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).size() != b.get(i).size() || !a.get(i).name().equals(b.get(i).name())
                    || a.get(i).trainable() != b.get(i).trainable()) {
                return false;
            }
        }
        return true;
    }
}
