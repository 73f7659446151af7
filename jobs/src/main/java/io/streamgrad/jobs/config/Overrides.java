package io.streamgrad.jobs.config;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --set path=value} overrides, applied to the YAML tree before it is bound. The path is a
 * JSON pointer ({@code /training/batchSize}) or the dotted form users type
 * ({@code training.batchSize}, {@code model.layers[0].units}; everything after
 * {@code kafka.properties.} is one Kafka setting name, dots included).
 */
final class Overrides {
    private static final String KAFKA_PROPERTIES = "kafka.properties.";

    private Overrides() {}

    /** Applies one {@code path=value}; {@code value} is already parsed as a YAML scalar or flow collection. */
    static void apply(ObjectNode doc, String path, JsonNode value) {
        JsonPointer ptr = pointer(path);
        JsonNode cur = doc;
        for (JsonPointer p = ptr; ; p = p.tail()) {
            boolean last = p.tail().matches();
            String name = p.getMatchingProperty();
            if (cur.isArray()) {
                ArrayNode a = (ArrayNode) cur;
                int index = name.equals("-") ? a.size() : p.getMatchingIndex();
                if (index < 0 || index > a.size() || (!last && index == a.size())) {
                    throw new ConfigException(path, "index [" + name + "] is out of range");
                }
                if (last) {
                    if (index == a.size()) {
                        a.add(value);
                    } else {
                        a.set(index, value);
                    }
                    return;
                }
                cur = a.get(index);
            } else if (cur.isObject()) {
                ObjectNode o = (ObjectNode) cur;
                if (last) {
                    o.set(name, value);
                    return;
                }
                JsonNode child = o.get(name);
                if (child == null || !child.isContainerNode()) {
                    // a missing parent is created: an array when the next step is an index
                    child = p.tail().getMatchingIndex() >= 0 ? o.putArray(name) : o.putObject(name);
                }
                cur = child;
            } else {
                throw new ConfigException(path, "'" + name + "' is not inside an object");
            }
        }
    }

    /** The JSON pointer of a {@code --set} path. */
    static JsonPointer pointer(String path) {
        if (path.startsWith("/")) {
            try {
                return JsonPointer.compile(path);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(path, "is not a valid JSON pointer: " + e.getMessage());
            }
        }
        List<String> steps = new ArrayList<>();
        String rest = path;
        if (path.startsWith(KAFKA_PROPERTIES) && path.length() > KAFKA_PROPERTIES.length()) {
            steps.add("kafka");
            steps.add("properties");
            steps.add(path.substring(KAFKA_PROPERTIES.length()));
            rest = "";
        }
        for (String part : rest.isEmpty() ? new String[0] : rest.split("\\.", -1)) {
            int bracket = part.indexOf('[');
            String name = bracket < 0 ? part : part.substring(0, bracket);
            if (name.isEmpty()) {
                throw new ConfigException(path, "is not a valid override path");
            }
            steps.add(name);
            for (int i = bracket; i >= 0 && i < part.length(); ) {
                int close = part.indexOf(']', i);
                String index = close < 0 ? "" : part.substring(i + 1, close);
                if (part.charAt(i) != '[' || index.isEmpty() || !index.chars().allMatch(Character::isDigit)) {
                    throw new ConfigException(path, "is not a valid override path");
                }
                steps.add(index);
                i = close + 1;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String s : steps) {
            sb.append('/').append(s.replace("~", "~0").replace("/", "~1"));
        }
        return JsonPointer.compile(sb.toString());
    }
}
