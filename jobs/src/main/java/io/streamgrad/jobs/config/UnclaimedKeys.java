package io.streamgrad.jobs.config;

import com.fasterxml.jackson.annotation.JsonValue;
import org.apache.flink.annotation.PublicEvolving;

/** What a job with a {@code models} list does with a record whose model key no model claims. */
@PublicEvolving
public enum UnclaimedKeys {
    /** Drop it, counted in the {@code streamgrad.unclaimedRecords} metric and accumulator (the default). */
    SKIP("skip"),
    /** Send it to the dead-letter topic: {@code model key 'k': no model claims it}. */
    DEAD_LETTER("deadLetter");

    private final String yamlName;

    UnclaimedKeys(String yamlName) {
        this.yamlName = yamlName;
    }

    @JsonValue
    @Override
    public String toString() {
        return yamlName;
    }
}
