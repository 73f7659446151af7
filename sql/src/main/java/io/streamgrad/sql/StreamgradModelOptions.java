package io.streamgrad.sql;

import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The {@code WITH} options of a {@code CREATE MODEL ... WITH ('provider' = 'streamgrad', ...)}. */
@PublicEvolving
public final class StreamgradModelOptions {
    /** Prefix of Kafka client properties passed through to the snapshot consumer. */
    public static final String PROPERTIES_PREFIX = "properties.";

    public static final ConfigOption<String> SNAPSHOTS_TOPIC = ConfigOptions.key("snapshots.topic")
            .stringType().noDefaultValue()
            .withDescription("Compacted Kafka topic of streamgrad-snapshot/1 JSON snapshots; read with "
                    + "read_committed to its end when the function opens, then followed in the background.");

    public static final ConfigOption<String> SNAPSHOTS_FILE = ConfigOptions.key("snapshots.file")
            .stringType().noDefaultValue()
            .withDescription("A snapshot JSON file (one snapshot, a JSON array or JSON lines) instead of a "
                    + "topic; re-read when its modification time changes.");

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("properties.bootstrap.servers")
            .stringType().noDefaultValue()
            .withDescription("Kafka bootstrap servers; required with 'snapshots.topic'.");

    public static final ConfigOption<String> MODEL_KEY = ConfigOptions.key("model.key")
            .stringType().noDefaultValue()
            .withDescription("Key of the model to score with. Not allowed when the model's INPUT has a STRING "
                    + "column (the per-row key); when neither is given the source must hold exactly one key.");

    public static final ConfigOption<Boolean> VALIDATE_AT_PLANNING = ConfigOptions.key("validate.at-planning")
            .booleanType().defaultValue(true)
            .withDescription("Read the snapshot source once while planning and check the model's INPUT and "
                    + "OUTPUT columns against the newest snapshot; turn off when the planner cannot reach it.");

    public static final ConfigOption<Duration> SOURCE_TIMEOUT = ConfigOptions.key("snapshots.read-timeout")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("How long reading the snapshot topic to its end may take (planning and open).");

    public static final ConfigOption<Duration> REFRESH_INTERVAL = ConfigOptions.key("snapshots.refresh-interval")
            .durationType().defaultValue(Duration.ofMillis(100))
            .withDescription("Poll interval of the background refresh (topic poll timeout, file check period).");

    private StreamgradModelOptions() {}
}
