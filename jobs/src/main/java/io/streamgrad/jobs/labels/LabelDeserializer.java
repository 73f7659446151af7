package io.streamgrad.jobs.labels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.config.Labels;
import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.labels.LabelJoin;
import io.streamgrad.operators.labels.LabelRecord;
import io.streamgrad.operators.labels.ScoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A JSON record of the labels topic to a {@link LabelRecord}: the event id, the raw label (a
 * number, a class name of {@code input.label.classes} as its index, or an array; encoded for the
 * event's model after the join) and the label's time ({@code labels.eventTimeField}, else the
 * Kafka timestamp). Never throws: a record it cannot read is a dead letter naming the field.
 */
@Internal
public final class LabelDeserializer implements KafkaRecordDeserializationSchema<LabelParse> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String idField;
    private final String labelField;
    private final String timeField;
    private final List<String> classes;
    private final int maxRecordChars;

    public LabelDeserializer(Labels labels, List<String> classes, int maxRecordChars) {
        this.idField = labels.eventIdField();
        this.labelField = labels.labelField();
        this.timeField = labels.eventTimeField();
        this.classes = List.copyOf(classes);
        this.maxRecordChars = maxRecordChars;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<LabelParse> out) {
        String raw = record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
        try {
            out.collect(LabelParse.ok(parse(raw)));
        } catch (IllegalArgumentException e) {
            String kept = raw == null ? "" : raw.length() > maxRecordChars ? raw.substring(0, maxRecordChars) : raw;
            out.collect(LabelParse.dead(new DeadLetter(null, LabelJoin.STAGE, e.getMessage(), kept,
                    raw == null ? 0 : raw.length(), System.currentTimeMillis())));
        }
    }

    /** The label record; {@link IllegalArgumentException} naming the field when the record is not one. */
    LabelRecord parse(String raw) {
        if (raw == null) {
            throw new IllegalArgumentException("empty label record (null value)");
        }
        JsonNode n;
        try {
            n = JSON.readTree(raw);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("label record is not valid JSON");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("label record: expected a JSON object");
        }
        JsonNode id = n.get(idField);
        if (id == null || id.isNull() || !id.isValueNode() || id.asText().isEmpty()
                || id.asText().length() > EventIdParser.MAX_ID_CHARS) {
            throw new IllegalArgumentException(idField + ": missing event id");
        }
        LabelRecord l = new LabelRecord(id.asText(), target(n.get(labelField)), ScoredEvent.NO_TIMESTAMP);
        if (timeField != null) {
            l.eventTime = time(n.get(timeField));
        }
        return l;
    }

    private float[] target(JsonNode v) {
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(labelField + ": missing label");
        }
        if (v.isArray() && !v.isEmpty()) {
            float[] y = new float[v.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = number(v.get(i), labelField + "[" + i + "]");
            }
            return y;
        }
        if (v.isTextual() && classes.contains(v.asText().strip())) {
            return new float[] {classes.indexOf(v.asText().strip())};
        }
        return new float[] {number(v, labelField)};
    }

    private float number(JsonNode v, String field) {
        double d;
        if (v.isNumber()) {
            d = v.doubleValue();
        } else if (v.isTextual()) {
            try {
                d = Double.parseDouble(v.asText().strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(field + ": expected a number" + (classes.isEmpty() ? ""
                        : " or one of " + classes) + ", got '" + abbreviate(v.asText()) + "'");
            }
        } else {
            throw new IllegalArgumentException(field + ": expected a number, a class name or an array");
        }
        float f = (float) d;
        if (!Float.isFinite(f)) {
            throw new IllegalArgumentException(field + ": must be finite, got " + d);
        }
        return f;
    }

    private long time(JsonNode t) {
        if (t == null || t.isNull()) {
            throw new IllegalArgumentException(timeField + ": missing event time");
        }
        if (t.canConvertToExactIntegral()) {
            return t.longValue();
        }
        String s = t.asText().strip();
        try {
            return s.chars().allMatch(Character::isDigit) && !s.isEmpty() ? Long.parseLong(s)
                    : Instant.parse(s).toEpochMilli();
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(timeField + ": expected epoch milliseconds or an ISO-8601 instant, got '"
                    + abbreviate(s) + "'");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }

    @Override
    public TypeInformation<LabelParse> getProducedType() {
        return TypeInformation.of(LabelParse.class);
    }
}
