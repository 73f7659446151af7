package io.streamgrad.model.spec;

/**
 * A specification (model, optimizer, schedule, early stopping) is invalid. The message always
 * names the offending field by its path, e.g. {@code model.layers[2].rate}.
 */
public final class SpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    public SpecException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** The same problem, with its field path prefixed by {@code parent} (e.g. {@code optimizer}). */
    public SpecException under(String parent) {
        return new SpecException(parent + "." + field, problem);
    }

    /** Path of the offending field, e.g. {@code optimizer.learningRate.decaySteps}. */
    public String field() {
        return field;
    }

    /** What is wrong with the field. */
    public String problem() {
        return problem;
    }
}
