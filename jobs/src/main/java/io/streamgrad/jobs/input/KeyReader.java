package io.streamgrad.jobs.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.config.InputFormat;
import java.io.Serializable;
import java.util.List;

/**
 * Reads only the model key of a raw record, to pick the model whose parser then reads the whole
 * record (with that model's dimensions). Returns null where the key cannot be read; the full parse
 * then rejects the record with the exact reason.
 */
final class KeyReader implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelKeySource keys;
    private final boolean json;
    private final String keyField;
    private final int keyColumn;
    private final char delimiter;

    KeyReader(InputFormat format) {
        keys = new ModelKeySource(format.keyFrom(), format.constantKey(), "key");
        json = format.isJson();
        keyField = format.keyField();
        keyColumn = format.keyColumn();
        delimiter = format.csvDelimiter();
    }

    /** The model key, or null when it is missing, too long or the record cannot be read. */
    String read(String recordKey, String raw) {
        String key = keys.pick(recordKey, keys.readsRecord() ? field(raw) : null);
        return ModelKeySource.acceptable(key) ? key : null;
    }

    private String field(String raw) {
        if (json) {
            try {
                JsonNode n = JSON.readTree(raw);
                JsonNode k = n == null || !n.isObject() ? null : n.get(keyField);
                return k == null || k.isNull() || !k.isValueNode() ? null : k.asText();
            } catch (Exception e) {
                return null;
            }
        }
        String line = raw.strip();
        if (line.isEmpty()) {
            return null;
        }
        List<String> cols = CsvText.split(line, delimiter);
        return keyColumn < cols.size() ? cols.get(keyColumn).strip() : null;
    }
}
