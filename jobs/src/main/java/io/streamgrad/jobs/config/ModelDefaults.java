package io.streamgrad.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Before binding, each entry of the {@code models} list inherits the job-level {@code training},
 * {@code snapshots} and {@code input} sections: a field the entry sets replaces the job-level one,
 * every other field is the job's (one level deep: {@code input.json} given in an entry replaces the
 * job's {@code input.json} as a whole). The record format, the model key and {@code maxRecordChars}
 * stay the job's: the key is read before a record is routed to a model. An entry always ends up with
 * the three sections, so each is bound (with its defaults) like the job-level one.
 */
final class ModelDefaults {
    private static final List<String> INHERITED = List.of("training", "snapshots", "input");
    private static final List<String> SHARED_INPUT = List.of("format", "key", "maxRecordChars");

    private ModelDefaults() {}

    static void inherit(ObjectNode doc) {
        JsonNode models = doc.get("models");
        if (models == null || !models.isArray()) {
            return; // not a list: binding names the problem
        }
        for (int i = 0; i < models.size(); i++) {
            if (!(models.get(i) instanceof ObjectNode entry)) {
                continue;
            }
            JsonNode input = entry.get("input");
            if (input != null && input.isObject()) {
                for (String shared : SHARED_INPUT) {
                    if (input.has(shared)) {
                        throw new ConfigException("models[" + i + "].input." + shared,
                                "is shared by all models: set it in the job-level input section");
                    }
                }
            }
            for (String section : INHERITED) {
                merge(doc.get(section), entry, section);
            }
        }
    }

    private static void merge(JsonNode jobLevel, ObjectNode entry, String section) {
        JsonNode own = entry.get(section);
        if (jobLevel == null || !jobLevel.isObject()) {
            if (own == null || own.isNull()) {
                entry.putObject(section); // bound to the section's defaults
            }
            return;
        }
        if (own == null || own.isNull()) {
            entry.set(section, jobLevel.deepCopy());
        } else if (own.isObject()) {
            ObjectNode merged = ((ObjectNode) jobLevel).deepCopy();
            own.fields().forEachRemaining(f -> merged.set(f.getKey(), f.getValue()));
            entry.set(section, merged);
        }
    }
}
