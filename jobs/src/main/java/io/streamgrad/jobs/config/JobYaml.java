package io.streamgrad.jobs.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads the job YAML: parses the tree, applies {@code --set} overrides, binds it to
 * {@link JobConfig} and turns Jackson's binding errors into {@link ConfigException}s that name
 * the field by its dotted path.
 */
final class JobYaml {
    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // 2.5 batches is an error, not 2
            .build();
    private static final ObjectReader READER = MAPPER.readerFor(JobConfig.class);

    private JobYaml() {}

    static JobConfig read(String yaml, List<String> overrides) {
        JsonNode doc;
        try {
            doc = yaml.isBlank() ? null : MAPPER.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("(document)", "is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : ""));
        }
        if (doc == null || doc.isMissingNode() || doc.isNull()) {
            doc = JsonNodeFactory.instance.objectNode();
        }
        if (!doc.isObject()) {
            throw new ConfigException("(document)", "must be a YAML mapping");
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set " + o, "expected path=value");
            }
            Overrides.apply((ObjectNode) doc, o.substring(0, eq).trim(), scalar(o.substring(eq + 1)));
        }
        ModelDefaults.inherit((ObjectNode) doc);
        try {
            return READER.readValue(doc);
        } catch (JsonMappingException e) {
            throw translate(e);
        } catch (IOException e) {
            throw new ConfigException("(document)", e.getMessage());
        }
    }

    /** An override value as YAML: {@code 5}, {@code true}, {@code [1, 2]}, {@code {l2: 0.01}} or plain text. */
    private static JsonNode scalar(String text) {
        if (text.isEmpty()) {
            return TextNode.valueOf("");
        }
        try {
            JsonNode v = MAPPER.readTree(text);
            return v == null || v.isMissingNode() ? TextNode.valueOf(text) : v;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }

    static ConfigException translate(JsonMappingException e) {
        String path = path(e.getPath());
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException c) {
                return c.under(path);
            }
        }
        String field = path.isEmpty() ? "(document)" : path;
        if (e instanceof UnrecognizedPropertyException u) {
            return new ConfigException(field, "unknown field (known: " + names(u.getKnownPropertyIds()) + ")");
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            Class<?> type = m.getTargetType();
            Object value = e instanceof InvalidFormatException f ? f.getValue() : null;
            String got = value == null ? "" : ", got " + value;
            if (type.isEnum()) {
                String allowed = Arrays.stream(type.getEnumConstants()).map(Object::toString)
                        .collect(Collectors.joining(", "));
                return new ConfigException(field, value == null ? "must be one of " + allowed
                        : "unknown value '" + value + "', expected one of " + allowed);
            }
            if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
                return new ConfigException(field, "must be an integer" + got);
            }
            if (type == Boolean.class || type == boolean.class) {
                return new ConfigException(field, "must be true or false" + got);
            }
            if (type == String.class) {
                return new ConfigException(field, "must be a string" + got);
            }
            if (type.isRecord()) {
                return new ConfigException(field, "must be a mapping");
            }
            if (Collection.class.isAssignableFrom(type)) {
                return new ConfigException(field, "must be a list");
            }
        }
        return new ConfigException(field, e.getOriginalMessage());
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String names(Collection<Object> ids) {
        return ids == null ? "" : ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }
}
