package io.streamgrad.jobs.config;

/**
 * The job configuration is invalid. The message starts with the path of the offending field,
 * e.g. {@code input.csv.features[2]: must be a column index >= 0, got -1}.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final String problem;

    public ConfigException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** Path of the offending field. */
    public String field() {
        return field;
    }

    /** What is wrong, without the field path. */
    public String problem() {
        return problem;
    }

    /**
     * The same problem with the field path placed under {@code parent}: section records name
     * their own fields, the reader adds the section's path.
     */
    ConfigException under(String parent) {
        if (parent.isEmpty()) {
            return this;
        }
        String f = field.isEmpty() || field.startsWith("[") ? parent + field : parent + "." + field;
        return new ConfigException(f, problem);
    }
}
