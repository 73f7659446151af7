package io.streamgrad.jobs.resume;

import java.util.Optional;
import org.apache.flink.annotation.Internal;

/**
 * Turns what Flink reports when restored state does not fit the job (operator uids, state serializers, key
 * groups) into one line naming the way out, instead of a page of stack traces.
 */
@Internal
final class RestoreFailures {
    private RestoreFailures() {
    }

    /** The refusal that {@code failure} of a job restored from {@code state} means, if it is one. */
    static Optional<UnusableStateException> explain(Throwable failure, String job, String state) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (m.contains("Cannot map checkpoint/savepoint state for operator")) {
                return Optional.of(new UnusableStateException(job, state,
                        "it holds state of operators this job does not have (another job's state?)"));
            }
            if (t.getClass().getSimpleName().equals("StateMigrationException") || m.contains("must not be incompatible")
                    || m.contains("state serializer") && m.contains("incompatible")) {
                return Optional.of(new UnusableStateException(job, state,
                        "its state was written for another model or another version of the state format"));
            }
            if (m.contains("maximum parallelism") && m.contains("do not match")) {
                return Optional.of(new UnusableStateException(job, state,
                        "it was taken with another job.maxParallelism (number of key groups)"));
            }
            if (m.contains("Cannot access file system for checkpoint/savepoint path")
                    || m.contains("Cannot find meta data file")) {
                return Optional.of(new UnusableStateException(job, state, "there is no readable _metadata there"));
            }
        }
        return Optional.empty();
    }
}
