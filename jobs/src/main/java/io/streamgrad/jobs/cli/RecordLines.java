package io.streamgrad.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.model.snapshot.SnapshotJson;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;

/** One readable line for each kind of record StreamGrad writes: metric, snapshot, dead letter (anything else as is). */
final class RecordLines {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_RAW = 120;

    private RecordLines() {
    }

    static String format(String value) {
        JsonNode n;
        try {
            n = MAPPER.readTree(value);
        } catch (IOException notJson) {
            return "(not JSON) " + abbreviate(value);
        }
        if (n == null || !n.isObject()) {
            return abbreviate(value);
        }
        if (SnapshotJson.FORMAT.equals(n.path("format").asText())) {
            return snapshot(n);
        }
        if (n.has("reason") && n.has("stage")) {
            return deadLetter(n);
        }
        if (n.has("loss") && n.has("version")) {
            return metric(n);
        }
        return abbreviate(value);
    }

    private static String metric(JsonNode m) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "metric    %-12s v%-6d step %-6d examples %-8d loss %.6f",
                m.path("modelKey").asText(), m.path("version").asLong(), m.path("step").asLong(),
                m.path("examplesSeen").asLong(), m.path("loss").asDouble(Double.NaN)));
        if (m.has("accuracy")) {
            b.append(String.format(Locale.ROOT, "  accuracy %.4f", m.path("accuracy").asDouble()));
        }
        if (m.has("learningRate")) {
            b.append(String.format(Locale.ROOT, "  lr %.3g", m.path("learningRate").asDouble()));
        }
        if (m.path("skippedUpdates").asLong() > 0) {
            b.append("  skipped ").append(m.path("skippedUpdates").asLong());
        }
        if (m.path("stopped").asBoolean()) {
            b.append("  stopped");
        }
        return b.toString();
    }

    private static String snapshot(JsonNode s) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "snapshot  %-12s v%-6d step %-6d examples %-8d",
                s.path("modelKey").asText(), s.path("version").asLong(), s.path("step").asLong(),
                s.path("examplesSeen").asLong()));
        if (s.has("lastLoss") && s.path("lastLoss").isNumber()) {
            b.append(String.format(Locale.ROOT, " loss %.6f", s.path("lastLoss").asDouble()));
        }
        if (s.path("createdAt").isNumber()) {
            b.append("  at ").append(Instant.ofEpochMilli(s.path("createdAt").asLong()));
        }
        if (s.path("stopped").asBoolean()) {
            b.append("  stopped: ").append(s.path("stopReason").asText(""));
        }
        return b.toString();
    }

    private static String deadLetter(JsonNode d) {
        return String.format(Locale.ROOT, "dead      %-12s [%s] %s  <- %s", d.path("modelKey").asText("-"),
                d.path("stage").asText(), d.path("reason").asText(), abbreviate(d.path("record").asText()));
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= MAX_RAW ? one : one.substring(0, MAX_RAW) + "... (" + one.length() + " chars)";
    }
}
