package io.streamgrad.jobs.resume;

import java.nio.file.Path;
import java.time.Instant;
import org.apache.flink.annotation.Internal;

/**
 * A complete checkpoint or savepoint a job can start from: a directory holding Flink's {@code _metadata} file.
 *
 * @param directory the {@code chk-N} or {@code savepoint-...} directory
 * @param kind checkpoint or savepoint
 * @param written when its {@code _metadata} was written (the newest restore point wins)
 */
@Internal
public record RestorePoint(Path directory, Kind kind, Instant written) {
    /** The file Flink writes last, when a checkpoint or savepoint is complete. */
    public static final String METADATA = "_metadata";

    /** What kind of state a restore point holds. */
    public enum Kind { CHECKPOINT, SAVEPOINT }

    /** One line for the console, e.g. {@code checkpoint chk-12 (/state/job/abc/chk-12, written 2026-...Z)}. */
    public String describe() {
        String what = kind == Kind.CHECKPOINT ? "checkpoint " + directory.getFileName() : "savepoint";
        return what + " (" + directory + ", written " + written + ")";
    }

    /** The value of Flink's {@code execution.state-recovery.path}. */
    public String flinkPath() {
        return directory.toUri().toString();
    }
}
