package io.streamgrad.model.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Typed, path-aware access to the fields of one JSON/YAML object. Every read marks the field as
 * known; {@link #rejectUnknown()} then fails on anything else, so typos surface at start-up.
 */
final class JsonFields {
    private final JsonNode node;
    private final String path;
    private final Set<String> known = new HashSet<>();

    JsonFields(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new SpecException(path, "must be an object");
        }
        this.node = node;
        this.path = path;
    }

    String path() {
        return path;
    }

    String child(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    boolean has(String name) {
        known.add(name);
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    JsonNode raw(String name) {
        known.add(name);
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    JsonNode required(String name) {
        JsonNode v = raw(name);
        if (v == null) {
            throw new SpecException(child(name), "is required");
        }
        return v;
    }

    String string(String name, String dflt) {
        JsonNode v = raw(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw new SpecException(child(name), "must be a string, got " + v);
        }
        return v.asText();
    }

    String requiredString(String name) {
        required(name);
        return string(name, null);
    }

    double number(String name, double dflt) {
        JsonNode v = raw(name);
        return v == null ? dflt : asNumber(child(name), v);
    }

    double requiredNumber(String name) {
        return asNumber(child(name), required(name));
    }

    Double optionalNumber(String name) {
        JsonNode v = raw(name);
        return v == null ? null : asNumber(child(name), v);
    }

    int integer(String name, int dflt) {
        JsonNode v = raw(name);
        return v == null ? dflt : asInt(child(name), v);
    }

    int requiredInteger(String name) {
        return asInt(child(name), required(name));
    }

    boolean bool(String name, boolean dflt) {
        JsonNode v = raw(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new SpecException(child(name), "must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    List<JsonNode> array(String name) {
        JsonNode v = required(name);
        if (!v.isArray()) {
            throw new SpecException(child(name), "must be an array");
        }
        List<JsonNode> out = new ArrayList<>(v.size());
        v.forEach(out::add);
        return out;
    }

    /** Accepts a field only at its neutral value: a Keras option StreamGrad does not implement. */
    void unsupported(String name, String neutralDescription, java.util.function.Predicate<JsonNode> isNeutral) {
        JsonNode v = raw(name);
        if (v != null && !isNeutral.test(v)) {
            throw new SpecException(child(name), "is not supported (only " + neutralDescription + ")");
        }
    }

    void rejectUnknown() {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!known.contains(n) && !n.equals("name") && !n.equals("description")) {
                throw new SpecException(child(n), "unknown field");
            }
        }
    }

    static double asNumber(String path, JsonNode v) {
        if (!v.isNumber()) {
            throw new SpecException(path, "must be a number, got " + v);
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            throw new SpecException(path, "must be finite, got " + v);
        }
        return d;
    }

    static int asInt(String path, JsonNode v) {
        if (!v.isNumber() || (!v.isIntegralNumber() && v.doubleValue() != Math.rint(v.doubleValue()))) {
            throw new SpecException(path, "must be an integer, got " + v);
        }
        double d = v.doubleValue();
        if (d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
            throw new SpecException(path, "is out of range: " + v);
        }
        return (int) d;
    }

    static long asLong(String path, JsonNode v) {
        if (!v.isNumber() || (!v.isIntegralNumber() && v.doubleValue() != Math.rint(v.doubleValue()))) {
            throw new SpecException(path, "must be an integer, got " + v);
        }
        return v.asLong();
    }
}
