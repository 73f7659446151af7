package io.streamgrad.jobs.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.operators.labels.LabelJoinConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The {@code labels} section: labels that arrive later on their own topic, joined with the job's
 * unlabelled events by event id within an event-time horizon (the closed loop: events are
 * predicted, then trained on once their label, or the default label, is known).
 *
 * @param topic the labels topic (JSON records), required
 * @param eventIdField the event id's JSON field, in the input records (JSON input) and in the label records
 * @param eventIdColumn the event id's column in CSV input records (required with CSV input, else not allowed)
 * @param labelField the label's field in the label records: a number, a class name of
 *     {@code input.label.classes} or an array (one value per output)
 * @param eventTimeField the label records' time field (epoch ms or ISO-8601), or null: the Kafka timestamp
 * @param horizonMs how long after an event its label may happen (event time)
 * @param labelWaitMs how long a label that came before its event waits for it (default: the horizon)
 * @param defaultLabel raw label of events unlabelled at the horizon (a number or an array), or null: none
 * @param stateTtlMs processing-time TTL of the join state, a safety net (default 2 x (horizon + labelWait), 0 = off)
 * @param maxOutOfOrdernessMs how far behind the newest time a record of a partition (events and labels) may come
 * @param idleTimeoutMs a partition (or a source subtask without one) with no records for this long (processing
 *     time) stops holding back event time, 0 = never: then the order is data-determined even across pauses,
 *     but every source subtask needs a partition (parallelism at most the topics' partition counts)
 */
public record Labels(String topic, String eventIdField, Integer eventIdColumn, String labelField,
                     String eventTimeField, long horizonMs, long labelWaitMs, float[] defaultLabel, long stateTtlMs,
                     long maxOutOfOrdernessMs, long idleTimeoutMs) {

    /**
     * A Kafka source subtask without a partition (parallelism above the partition count) holds back
     * event time until it is marked idle; waiting this long by default keeps such a job learning.
     */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 10_000;

    @JsonCreator
    static Labels bind(@JsonProperty("topic") String topic, @JsonProperty("eventIdField") String eventIdField,
                       @JsonProperty("eventIdColumn") Integer eventIdColumn,
                       @JsonProperty("labelField") String labelField,
                       @JsonProperty("eventTimeField") String eventTimeField,
                       @JsonProperty("horizonMs") Long horizonMs, @JsonProperty("labelWaitMs") Long labelWaitMs,
                       @JsonProperty("defaultLabel") JsonNode defaultLabel, @JsonProperty("stateTtlMs") Long stateTtlMs,
                       @JsonProperty("maxOutOfOrdernessMs") Long maxOutOfOrdernessMs,
                       @JsonProperty("idleTimeoutMs") Long idleTimeoutMs) {
        if (horizonMs == null) {
            throw new ConfigException("horizonMs", "is required: how long after an event its label may happen, in ms");
        }
        long horizon = Checks.atLeast("horizonMs", horizonMs, 0, 1);
        if (eventIdColumn != null && eventIdColumn < 0) {
            throw new ConfigException("eventIdColumn", "must be >= 0, got " + eventIdColumn);
        }
        return new Labels(Checks.required("topic", topic), Checks.text("eventIdField", eventIdField, "id"),
                eventIdColumn, Checks.text("labelField", labelField, "label"),
                Checks.text("eventTimeField", eventTimeField, null), horizon,
                Checks.atLeast("labelWaitMs", labelWaitMs, horizon, 0), rawLabel(defaultLabel),
                stateTtlMs == null ? -1 : Checks.atLeast("stateTtlMs", stateTtlMs, 0, 0),
                Checks.atLeast("maxOutOfOrdernessMs", maxOutOfOrdernessMs, 0, 0),
                Checks.atLeast("idleTimeoutMs", idleTimeoutMs, DEFAULT_IDLE_TIMEOUT_MS, 0));
    }

    public Labels {
        joinConfig(horizonMs, labelWaitMs, defaultLabel, stateTtlMs); // its own checks, named by YAML field
    }

    /** The join operator's configuration; {@code stateTtlMs} -1 = its default. */
    public LabelJoinConfig joinConfig() {
        return joinConfig(horizonMs, labelWaitMs, defaultLabel, stateTtlMs);
    }

    private static LabelJoinConfig joinConfig(long horizon, long labelWait, float[] dflt, long stateTtl) {
        LabelJoinConfig.Builder b = LabelJoinConfig.builder().horizon(Duration.ofMillis(horizon))
                .labelWait(Duration.ofMillis(labelWait)).defaultLabel(dflt);
        if (stateTtl >= 0) {
            b.stateTtl(Duration.ofMillis(stateTtl));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            int colon = m.indexOf(':');
            String field = colon > 0 ? m.substring(0, colon) : "";
            String yaml = field.equals("defaultLabel") ? field : field.isEmpty() ? "horizonMs" : field + "Ms";
            throw new ConfigException(yaml, colon > 0 ? m.substring(colon + 1).strip() : m);
        }
    }

    /** Checks against the rest of the job; errors name fields of this section. */
    void checkAgainst(Topics topics, InputFormat input) {
        if (List.of(topics.input(), topics.metrics(), topics.snapshots(), topics.deadLetters(), topics.predictions())
                .contains(topic)) {
            throw new ConfigException("topic", "must differ from the job's input and output topics, got " + topic);
        }
        if (input.isJson() && eventIdColumn != null) {
            throw new ConfigException("eventIdColumn", "is only used with input.format csv (JSON input: eventIdField)");
        }
        if (!input.isJson() && eventIdColumn == null) {
            throw new ConfigException("eventIdColumn", "is required with input.format csv: the column of the event id");
        }
    }

    /** A raw label as YAML gives it: a number or an array of numbers (finite); null when absent. */
    static float[] rawLabel(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isNumber()) {
            return new float[] {finite(n.doubleValue(), "defaultLabel")};
        }
        if (n.isArray() && !n.isEmpty()) {
            float[] v = new float[n.size()];
            for (int i = 0; i < v.length; i++) {
                if (!n.get(i).isNumber()) {
                    throw new ConfigException("defaultLabel[" + i + "]", "must be a number, got " + n.get(i));
                }
                v[i] = finite(n.get(i).doubleValue(), "defaultLabel[" + i + "]");
            }
            return v;
        }
        throw new ConfigException("defaultLabel", "must be a number or a non-empty list of numbers, got " + n);
    }

    private static float finite(double d, String field) {
        float f = (float) d;
        if (!Float.isFinite(f)) {
            throw new ConfigException(field, "must be a finite number, got " + d);
        }
        return f;
    }

    @Override
    public float[] defaultLabel() {
        return defaultLabel == null ? null : defaultLabel.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Labels l && topic.equals(l.topic) && eventIdField.equals(l.eventIdField)
                && Objects.equals(eventIdColumn, l.eventIdColumn) && labelField.equals(l.labelField)
                && Objects.equals(eventTimeField, l.eventTimeField) && horizonMs == l.horizonMs
                && labelWaitMs == l.labelWaitMs && Arrays.equals(defaultLabel, l.defaultLabel)
                && stateTtlMs == l.stateTtlMs && maxOutOfOrdernessMs == l.maxOutOfOrdernessMs
                && idleTimeoutMs == l.idleTimeoutMs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, eventIdField, eventIdColumn, labelField, eventTimeField, horizonMs, labelWaitMs,
                Arrays.hashCode(defaultLabel), stateTtlMs, maxOutOfOrdernessMs, idleTimeoutMs);
    }

    @Override
    public String toString() {
        return "labels from " + topic + " (event id " + (eventIdColumn != null ? "column " + eventIdColumn
                : "field " + eventIdField) + ", label " + labelField + ", horizon " + horizonMs + " ms, label wait "
                + labelWaitMs + " ms" + (defaultLabel != null ? ", default label " + Arrays.toString(defaultLabel)
                : "") + ")";
    }
}
