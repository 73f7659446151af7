package io.streamgrad.jobs.labels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.config.InputFormat;
import io.streamgrad.jobs.config.Labels;
import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.jobs.input.InputParser;
import io.streamgrad.jobs.input.ParseResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.annotation.Internal;

/**
 * The job's input parser plus the event id ({@code labels.eventIdField}, or {@code eventIdColumn}
 * for CSV) copied into {@link io.streamgrad.operators.Example#eventId}, so the prediction carries it
 * and the label can find the event. A record without an id keeps a null id (the join dead-letters
 * such an event; it is still predicted).
 */
@Internal
public final class EventIdParser implements InputParser {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest event id accepted, in characters; a longer one counts as missing. */
    static final int MAX_ID_CHARS = 1024;

    private final InputParser parser;
    private final String field;
    private final int column;
    private final char delimiter;

    public EventIdParser(InputParser parser, InputFormat input, Labels labels) {
        this.parser = parser;
        this.field = input.isJson() ? labels.eventIdField() : null;
        this.column = input.isJson() ? -1 : labels.eventIdColumn();
        this.delimiter = input.csvDelimiter();
    }

    @Override
    public ParseResult parse(byte[] recordKey, byte[] value, long kafkaTimestamp) {
        ParseResult r = parser.parse(recordKey, value, kafkaTimestamp);
        if (r.isOk() && r.example.eventId == null) {
            r.example.eventId = id(new String(value, StandardCharsets.UTF_8));
        }
        return r;
    }

    /** The event id of a record the parser accepted, or null. */
    String id(String raw) {
        String id;
        if (field != null) {
            try {
                JsonNode v = JSON.readTree(raw).get(field);
                id = v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
            } catch (java.io.IOException e) {
                return null; // cannot happen for a record the parser accepted
            }
        } else {
            List<String> cells = ExampleParser.splitCsv(raw, delimiter);
            id = column < cells.size() ? cells.get(column).strip() : null;
        }
        return id == null || id.isEmpty() || id.length() > MAX_ID_CHARS ? null : id;
    }
}
