package io.streamgrad.jobs.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code warmStart} section: initial weights. With {@code allKeys}, a single snapshot
 * initializes every key; otherwise snapshots apply to their own key only.
 *
 * @param topic the snapshot topic to read for {@link Source#TOPIC}; defaults to {@code topics.snapshots}
 */
public record WarmStart(Source source, String file, String topic, Boolean allKeys) {

    /** Where initial weights come from. */
    public enum Source {
        /** Fresh initialisation from the seed. */
        NONE("none"),
        /** A snapshot JSON file, or a JSON-lines file of snapshots. */
        FILE("file"),
        /** The newest snapshot per key on the snapshot topic. */
        TOPIC("topic");

        private final String yamlName;

        Source(String yamlName) {
            this.yamlName = yamlName;
        }

        @JsonValue
        @Override
        public String toString() {
            return yamlName;
        }
    }

    public WarmStart {
        source = Checks.orDefault(source, Source.NONE);
        file = Checks.text("file", file, null);
        topic = Checks.text("topic", topic, null);
        allKeys = Checks.orDefault(allKeys, false);
        if (source == Source.FILE) {
            if (file == null) {
                throw new ConfigException("file", "is required when warmStart.source is file");
            }
            if (!Files.isRegularFile(Path.of(file))) {
                throw new ConfigException("file", "file not found: " + file);
            }
        }
    }

    public boolean enabled() {
        return source != Source.NONE;
    }

    /** This section with the snapshot topic defaulted to {@code snapshotsTopic}. */
    WarmStart withDefaultTopic(String snapshotsTopic) {
        return topic != null ? this : new WarmStart(source, file, snapshotsTopic, allKeys);
    }
}
