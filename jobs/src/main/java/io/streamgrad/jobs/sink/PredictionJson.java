package io.streamgrad.jobs.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.PredictionRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * JSON values of the predictions topic, record key = model key. Floats are written in their
 * shortest exact form, so a consumer parsing {@code values} as float32 gets the model's bits back.
 * Absent facts (no event id, no event time, no class) are left out rather than written as sentinels.
 */
public final class PredictionJson {
    private PredictionJson() {}

    public static ObjectNode node(PredictionRecord p) {
        ObjectNode o = JsonRecords.MAPPER.createObjectNode();
        o.put("modelKey", p.modelKey);
        if (p.eventId != null) {
            o.put("eventId", p.eventId);
        }
        floats(o.putArray("values"), p.values);
        if (p.classIndex != PredictionRecord.NO_CLASS) {
            o.put("classIndex", p.classIndex);
        }
        if (p.className != null) {
            o.put("className", p.className);
        }
        o.put("modelVersion", p.modelVersion);
        o.put("modelCreatedAt", p.modelCreatedAt);
        if (p.stalenessMillis != PredictionRecord.UNKNOWN_STALENESS) {
            o.put("stalenessMs", p.stalenessMillis);
        }
        if (p.eventTime != Example.NO_TIMESTAMP) {
            o.put("eventTime", p.eventTime);
        }
        if (p.target != null) {
            floats(o.putArray("target"), p.target);
        }
        return o;
    }

    private static void floats(ArrayNode a, float[] values) {
        if (values == null) {
            return;
        }
        for (float v : values) {
            if (Float.isFinite(v)) {
                a.add(v);
            } else {
                a.addNull();
            }
        }
    }

    /**
     * The JSON of {@code p}, byte for byte {@code node(p)} written by the mapper, streamed without building
     * the tree: a prediction per event makes this the scoring job's per-event output cost.
     */
    public static byte[] bytes(PredictionRecord p) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = JsonRecords.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("modelKey", p.modelKey);
            if (p.eventId != null) {
                g.writeStringField("eventId", p.eventId);
            }
            g.writeFieldName("values");
            floats(g, p.values);
            if (p.classIndex != PredictionRecord.NO_CLASS) {
                g.writeNumberField("classIndex", p.classIndex);
            }
            if (p.className != null) {
                g.writeStringField("className", p.className);
            }
            g.writeNumberField("modelVersion", p.modelVersion);
            g.writeNumberField("modelCreatedAt", p.modelCreatedAt);
            if (p.stalenessMillis != PredictionRecord.UNKNOWN_STALENESS) {
                g.writeNumberField("stalenessMs", p.stalenessMillis);
            }
            if (p.eventTime != Example.NO_TIMESTAMP) {
                g.writeNumberField("eventTime", p.eventTime);
            }
            if (p.target != null) {
                g.writeFieldName("target");
                floats(g, p.target);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void floats(JsonGenerator g, float[] values) throws IOException {
        g.writeStartArray();
        if (values != null) {
            for (float v : values) {
                if (Float.isFinite(v)) {
                    g.writeNumber(v);
                } else {
                    g.writeNull();
                }
            }
        }
        g.writeEndArray();
    }

    /** The predictions topic's serializer. */
    public static KafkaRecordSerializationSchema<PredictionRecord> serializer(String topic) {
        return (KafkaRecordSerializationSchema<PredictionRecord>) (p, ctx, ts) -> new ProducerRecord<>(topic,
                p.modelKey == null ? null : p.modelKey.getBytes(StandardCharsets.UTF_8), bytes(p));
    }
}
