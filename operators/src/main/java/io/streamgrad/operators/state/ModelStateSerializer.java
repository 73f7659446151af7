package io.streamgrad.operators.state;

import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.spec.SpecWriter;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import io.streamgrad.model.state.VariableLayout;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link ModelState} for one model specification: the binary
 * {@link ModelStateCodec} format (versioned, big-endian; no Kryo, no Java serialization).
 * Deserialisation checks the state against the model's variable layout. {@link #copy(ModelState)}
 * is deep, so the heap backend's copy-on-write snapshots may share instances safely.
 *
 * <p>Its {@link ModelStateSerializerSnapshot} records the model specification, so a restore with a
 * model of a different shape is reported as incompatible instead of failing while reading.
 */
@Internal
public final class ModelStateSerializer extends TypeSerializer<ModelState> {
    private static final long serialVersionUID = 1L;

    private final String modelSpecJson;
    private transient VariableLayout layout;

    public ModelStateSerializer(ModelSpec spec) {
        this(SpecWriter.model(spec).toString());
    }

    ModelStateSerializer(String modelSpecJson) {
        this.modelSpecJson = Objects.requireNonNull(modelSpecJson, "modelSpecJson");
    }

    String modelSpecJson() {
        return modelSpecJson;
    }

    VariableLayout layout() {
        if (layout == null) {
            layout = new VariableLayout(SpecParser.model(SpecParser.readTree(modelSpecJson)));
        }
        return layout;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<ModelState> duplicate() {
        return this; // stateless: the layout is immutable and only read
    }

    /** There is no meaningful empty model without its optimizer; Flink's state paths never need one. */
    @Override
    public ModelState createInstance() {
        return null;
    }

    @Override
    public ModelState copy(ModelState from) {
        return from == null ? null : from.copy();
    }

    @Override
    public ModelState copy(ModelState from, ModelState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ModelState record, DataOutputView target) throws IOException {
        ModelStateCodec.encode(record, target);
    }

    @Override
    public ModelState deserialize(DataInputView source) throws IOException {
        return ModelStateCodec.decode(source, layout());
    }

    @Override
    public ModelState deserialize(ModelState reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof ModelStateSerializer o && o.modelSpecJson.equals(modelSpecJson);
    }

    @Override
    public int hashCode() {
        return modelSpecJson.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ModelState> snapshotConfiguration() {
        return new ModelStateSerializerSnapshot(this);
    }
}
