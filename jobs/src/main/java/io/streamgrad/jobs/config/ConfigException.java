package io.streamgrad.jobs.config;

/**
 * The job configuration is invalid. The message starts with the path of the offending field,
 * e.g. {@code input.csv.features[2]: must be >= 0, got -1}.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public ConfigException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** Path of the offending field. */
    public String field() {
        return field;
    }
}
