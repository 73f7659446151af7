package io.streamgrad.jobs.resume;

import io.streamgrad.jobs.config.JobConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.annotation.Internal;

/**
 * The directory of one job's state in a local run: {@code <checkpointing.directory>/<job name>} (default base
 * {@value #DEFAULT_BASE} in the working directory). Flink writes its checkpoints to {@code <root>/<job id>/chk-N}
 * and savepoints to {@code <root>/savepoints}; a directory per job name keeps jobs from resuming each other's state.
 */
@Internal
public final class JobStateDirectory {
    /** Where local runs keep their state when {@code checkpointing.directory} is not set. */
    public static final String DEFAULT_BASE = "streamgrad-state";
    static final String SAVEPOINTS = "savepoints";

    private final Path root;

    JobStateDirectory(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The job's directory, or empty when {@code checkpointing.directory} is not on a local file system. */
    public static Optional<JobStateDirectory> of(JobConfig cfg) {
        return of(cfg, cfg.jobName());
    }

    /** The directory of the job named {@code job} (e.g. the scoring job of {@code cfg}), like {@link #of(JobConfig)}. */
    public static Optional<JobStateDirectory> of(JobConfig cfg, String job) {
        String base = cfg.checkpointing().directory() != null ? cfg.checkpointing().directory() : DEFAULT_BASE;
        Optional<Path> local = localPath(base);
        return local.map(p -> new JobStateDirectory(p.resolve(job)));
    }

    /** A plain path or a {@code file:} URI as a path; other schemes (s3://, hdfs://) cannot be listed here. */
    static Optional<Path> localPath(String location) {
        if (location.startsWith("file:")) {
            return Optional.of(Path.of(URI.create(location)));
        }
        return location.matches("^[a-zA-Z][a-zA-Z0-9+.-]+://.*") ? Optional.empty() : Optional.of(Path.of(location));
    }

    public Path root() {
        return root;
    }

    public Path savepoints() {
        return root.resolve(SAVEPOINTS);
    }

    /** Complete checkpoints and savepoints written at or after {@code since}, oldest first. */
    public List<RestorePoint> restorePoints(Instant since) {
        List<RestorePoint> out = new ArrayList<>();
        for (Path jobRun : children(root)) {
            boolean savepoints = jobRun.getFileName().toString().equals(SAVEPOINTS);
            for (Path dir : children(jobRun)) {
                String name = dir.getFileName().toString();
                if (savepoints ? name.startsWith("savepoint-") : name.startsWith("chk-")) {
                    restorePoint(dir, savepoints ? RestorePoint.Kind.SAVEPOINT : RestorePoint.Kind.CHECKPOINT)
                            .filter(p -> !p.written().isBefore(since)).ifPresent(out::add);
                }
            }
        }
        out.sort(Comparator.comparing(RestorePoint::written));
        return out;
    }

    /** The restore point at {@code dir} if its {@code _metadata} exists (a checkpoint without it is incomplete). */
    public static Optional<RestorePoint> restorePoint(Path dir, RestorePoint.Kind kind) {
        Path metadata = dir.resolve(RestorePoint.METADATA);
        try {
            return Files.isRegularFile(metadata)
                    ? Optional.of(new RestorePoint(dir.toAbsolutePath().normalize(), kind,
                            Files.getLastModifiedTime(metadata).toInstant()))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // deleted while we looked (a subsumed checkpoint)
        }
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
