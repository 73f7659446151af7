package io.streamgrad.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the fields of one configuration object, tracking paths for error messages. */
final class Fields {
    private final JsonNode node;
    private final String path;
    private final Set<String> known = new LinkedHashSet<>();

    Fields(JsonNode node, String path) {
        if (node != null && !node.isMissingNode() && !node.isNull() && !node.isObject()) {
            throw new ConfigException(path, "must be an object");
        }
        this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
        this.path = path;
    }

    String child(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    JsonNode raw(String name) {
        known.add(name);
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String name) {
        return raw(name) != null;
    }

    Fields object(String name) {
        return new Fields(raw(name), child(name));
    }

    String string(String name, String dflt) {
        JsonNode v = raw(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isValueNode()) {
            throw new ConfigException(child(name), "must be a string");
        }
        String s = v.asText();
        if (s.isBlank()) {
            throw new ConfigException(child(name), "must not be empty");
        }
        return s;
    }

    String requiredString(String name) {
        String s = string(name, null);
        if (s == null) {
            throw new ConfigException(child(name), "is required");
        }
        return s;
    }

    String oneOf(String name, String dflt, String... allowed) {
        String s = string(name, dflt);
        if (s == null) {
            return null;
        }
        for (String a : allowed) {
            if (a.equals(s)) {
                return s;
            }
        }
        throw new ConfigException(child(name), "unknown value '" + s + "', expected one of " + String.join(", ", allowed));
    }

    long longValue(String name, long dflt, long min) {
        JsonNode v = raw(name);
        if (v == null) {
            return dflt;
        }
        long x = asLong(child(name), v);
        if (x < min) {
            throw new ConfigException(child(name), "must be >= " + min + ", got " + x);
        }
        return x;
    }

    int integer(String name, int dflt, int min) {
        long x = longValue(name, dflt, min);
        if (x > Integer.MAX_VALUE) {
            throw new ConfigException(child(name), "is too large: " + x);
        }
        return (int) x;
    }

    Integer optionalInteger(String name, int min) {
        return has(name) ? integer(name, 0, min) : null;
    }

    boolean bool(String name, boolean dflt) {
        JsonNode v = raw(name);
        if (v == null) {
            return dflt;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
            return Boolean.parseBoolean(v.asText());
        }
        throw new ConfigException(child(name), "must be true or false, got " + v);
    }

    List<String> strings(String name) {
        JsonNode v = raw(name);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            throw new ConfigException(child(name), "must be a list of strings");
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isValueNode() || e.asText().isBlank()) {
                throw new ConfigException(child(name) + "[" + i + "]", "must be a non-empty string");
            }
            out.add(e.asText());
        }
        return out;
    }

    /**
     * Column indices: a single integer, a list of integers, or a range string {@code "1-4"}
     * (inclusive).
     */
    List<Integer> columns(String name) {
        JsonNode v = raw(name);
        List<Integer> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        String p = child(name);
        if (v.isTextual() && v.asText().matches("\\s*\\d+\\s*-\\s*\\d+\\s*")) {
            String[] ab = v.asText().split("-");
            int a = Integer.parseInt(ab[0].trim());
            int b = Integer.parseInt(ab[1].trim());
            if (b < a) {
                throw new ConfigException(p, "range end " + b + " is before its start " + a);
            }
            for (int i = a; i <= b; i++) {
                out.add(i);
            }
            return out;
        }
        if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                out.add(column(p + "[" + i + "]", v.get(i)));
            }
            return out;
        }
        out.add(column(p, v));
        return out;
    }

    private static int column(String p, JsonNode v) {
        long x = asLong(p, v);
        if (x < 0 || x > 100_000) {
            throw new ConfigException(p, "must be a column index >= 0, got " + x);
        }
        return (int) x;
    }

    Map<String, String> stringMap(String name) {
        JsonNode v = raw(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!v.isObject()) {
            throw new ConfigException(child(name), "must be a map of settings");
        }
        flatten(child(name), "", v, out);
        return out;
    }

    /** Nested maps are flattened with dots: {@code ssl: {truststore.type: PKCS12}} = {@code ssl.truststore.type}. */
    private static void flatten(String base, String prefix, JsonNode v, Map<String, String> out) {
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            if (e.getValue().isObject()) {
                flatten(base, key + ".", e.getValue(), out);
            } else if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new ConfigException(base + "." + key, "must be a string, number or boolean");
            } else {
                out.put(key, e.getValue().asText());
            }
        }
    }

    void rejectUnknown() {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!known.contains(n)) {
                throw new ConfigException(child(n), "unknown field (known: " + String.join(", ", known) + ")");
            }
        }
    }

    static long asLong(String p, JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.longValue();
        }
        if (v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue())) {
            return (long) v.doubleValue();
        }
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.asText().trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new ConfigException(p, "must be an integer, got " + v);
    }
}
