package io.streamgrad.jobs.resume;

import org.apache.flink.annotation.Internal;

/** Retained state that this job cannot continue from; the message says why and names {@code --fresh}. */
@Internal
public final class UnusableStateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnusableStateException(String job, String state, String reason) {
        super("cannot resume " + job + " from " + state + ": " + reason
                + "; start afresh on purpose with --fresh, or choose the state with --from PATH");
    }
}
