package io.streamgrad.operators;

import java.util.Locale;
import org.apache.flink.annotation.PublicEvolving;

/** What happens to a key's partial batch (fewer rows than {@code batchSize}) when a bounded input ends. */
@PublicEvolving
public enum EndOfInput {
    /** Train it as one last, smaller step (the default). */
    TRAIN,
    /** Do not train it: each of its rows becomes a dead letter saying why. */
    DROP;

    /** The job YAML's spelling ({@code train}, {@code drop}). */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
