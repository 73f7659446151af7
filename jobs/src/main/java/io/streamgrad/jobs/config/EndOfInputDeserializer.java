package io.streamgrad.jobs.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.streamgrad.operators.EndOfInput;
import java.io.IOException;

/** Reads {@code training.endOfInput} by the operator enum's YAML spelling ({@code train}, {@code drop}). */
final class EndOfInputDeserializer extends StdDeserializer<EndOfInput> {
    private static final long serialVersionUID = 1L;

    EndOfInputDeserializer() {
        super(EndOfInput.class);
    }

    @Override
    public EndOfInput deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        String text = p.getValueAsString();
        for (EndOfInput e : EndOfInput.values()) {
            if (e.toString().equals(text)) {
                return e;
            }
        }
        throw ctxt.weirdStringException(text, EndOfInput.class, "not one of the allowed values");
    }
}
