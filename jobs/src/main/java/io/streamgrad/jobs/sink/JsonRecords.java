package io.streamgrad.jobs.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.LossMetric;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON values of the metrics and dead-letter topics (non-finite numbers become null). */
public final class JsonRecords {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonRecords() {}

    public static ObjectNode metric(LossMetric m) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("modelKey", m.modelKey);
        o.put("step", m.step);
        o.put("version", m.version);
        o.put("examplesSeen", m.examplesSeen);
        o.put("batchSize", m.batchSize);
        o.put("steps", m.steps);
        num(o, "loss", m.loss);
        num(o, "dataLoss", m.dataLoss);
        num(o, "regularizationLoss", m.regularizationLoss);
        num(o, "learningRate", m.learningRate);
        num(o, "gradientNorm", m.gradientNorm);
        num(o, "accuracy", m.accuracy);
        o.put("skippedUpdates", m.skippedUpdates);
        o.put("skippedSteps", m.skippedSteps);
        if (m.outcome != null) {
            o.put("outcome", m.outcome.name());
        }
        o.put("stopped", m.stopped);
        if (m.eventTime != Example.NO_TIMESTAMP) {
            o.put("eventTime", m.eventTime);
        }
        o.put("processingTime", m.processingTime);
        return o;
    }

    public static ObjectNode deadLetter(DeadLetter d) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("modelKey", d.modelKey);
        o.put("stage", d.stage);
        o.put("reason", d.reason);
        o.put("record", d.record);
        o.put("rawLength", d.rawLength);
        o.put("timestamp", d.timestamp);
        return o;
    }

    private static void num(ObjectNode o, String name, double v) {
        if (Double.isFinite(v)) {
            o.put(name, v);
        } else {
            o.putNull(name);
        }
    }

    public static byte[] bytes(ObjectNode o) {
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
