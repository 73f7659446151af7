package io.streamgrad.model.state;

/** Encoded model state is malformed, truncated, of an unknown version or does not fit the model. */
public final class StateFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StateFormatException(String message) {
        super(message);
    }

    public StateFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
