package io.streamgrad.jobs.input;

/**
 * A record cannot be used; the message becomes the dead letter's reason. Checked and without a
 * stack trace: rejecting a bad record is an expected, frequent outcome, not an error.
 */
final class Reject extends Exception {
    private static final long serialVersionUID = 1L;
    /** The model key to report with the dead letter, or null. */
    final String key;

    Reject(String key, String message) {
        super(message, null, false, false);
        this.key = key;
    }
}
