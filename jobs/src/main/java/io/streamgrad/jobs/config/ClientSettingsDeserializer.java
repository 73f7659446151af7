package io.streamgrad.jobs.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads {@code kafka.properties}: Kafka client settings as text, nested maps flattened with dots
 * ({@code ssl: {truststore.type: PKCS12}} = {@code ssl.truststore.type}), since the YAML
 * parser splits keys that users write either way.
 */
final class ClientSettingsDeserializer extends StdDeserializer<Map<String, String>> {
    private static final long serialVersionUID = 1L;

    ClientSettingsDeserializer() {
        super(Map.class);
    }

    @Override
    public Map<String, String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonNode v = p.readValueAsTree();
        if (!v.isObject()) {
            throw new ConfigException("", "must be a map of settings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", v, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode v, Map<String, String> out) {
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            String key = prefix + e.getKey();
            if (e.getValue().isObject()) {
                flatten(key + ".", e.getValue(), out);
            } else if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new ConfigException(key, "must be a string, number or boolean");
            } else {
                out.put(key, e.getValue().asText());
            }
        }
    }
}
