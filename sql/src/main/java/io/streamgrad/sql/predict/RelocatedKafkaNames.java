package io.streamgrad.sql.predict;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The SQL jar relocates kafka-clients, so class names users write in client properties (e.g. the
 * login module in {@code sasl.jaas.config}) must be rewritten to the relocated package.
 */
@Internal
final class RelocatedKafkaNames {
    /** Built at runtime so that relocation cannot rewrite this literal too. */
    private static final String ORIGINAL = String.join(".", "org", "apache", "kafka") + ".";
    private static final String ACTUAL = actualPackage();

    private RelocatedKafkaNames() {}

    private static String actualPackage() {
        String name = KafkaConsumer.class.getName();
        return name.substring(0, name.length() - "clients.consumer.KafkaConsumer".length());
    }

    /** {@code properties} with the Kafka package in their values replaced by the one in use. */
    static Map<String, String> apply(Map<String, String> properties) {
        if (ORIGINAL.equals(ACTUAL)) {
            return properties;
        }
        Map<String, String> out = new HashMap<>();
        properties.forEach((k, v) -> out.put(k, v.replace(ORIGINAL, ACTUAL)));
        return out;
    }
}
