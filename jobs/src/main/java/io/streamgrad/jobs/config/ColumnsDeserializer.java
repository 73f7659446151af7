package io.streamgrad.jobs.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads CSV column indices: one integer, a list of integers, or an inclusive range {@code "1-4"}. */
final class ColumnsDeserializer extends StdDeserializer<List<Integer>> {
    private static final long serialVersionUID = 1L;
    private static final int MAX_COLUMN = 100_000;

    ColumnsDeserializer() {
        super(List.class);
    }

    @Override
    public List<Integer> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonNode v = p.readValueAsTree();
        List<Integer> out = new ArrayList<>();
        if (v.isTextual() && v.asText().matches("\\s*\\d+\\s*-\\s*\\d+\\s*")) {
            String[] ab = v.asText().split("-");
            int a = Integer.parseInt(ab[0].trim());
            int b = Integer.parseInt(ab[1].trim());
            if (b < a) {
                throw new ConfigException("", "range end " + b + " is before its start " + a);
            }
            for (int i = a; i <= b; i++) {
                out.add(i);
            }
        } else if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                out.add(column("[" + i + "]", v.get(i)));
            }
        } else {
            out.add(column("", v));
        }
        return out;
    }

    private static int column(String field, JsonNode v) {
        long x;
        if (v.isIntegralNumber()) {
            x = v.longValue();
        } else if (v.isTextual() && v.asText().trim().matches("-?\\d{1,18}")) {
            x = Long.parseLong(v.asText().trim());
        } else {
            throw new ConfigException(field, "must be an integer, got " + v);
        }
        if (x < 0 || x > MAX_COLUMN) {
            throw new ConfigException(field, "must be a column index >= 0, got " + x);
        }
        return (int) x;
    }
}
