package io.streamgrad.jobs.resume;

import io.streamgrad.jobs.config.JobConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Decides where a local {@code run} starts: by default from the newest complete checkpoint or savepoint in its
 * {@link JobStateDirectory} (so re-running the command after a crash continues), from given state with
 * {@code --from}, or afresh with {@code --fresh}. State of another job or another model shape is refused
 * ({@link UnusableStateException}), never silently replaced. Says on one line what it does.
 */
@Internal
public final class LocalRecovery {
    private final String job;
    private final JobStateDirectory dir;          // null: checkpointing.directory is not on a local file system
    private final String checkpoints;             // Flink's checkpoint directory for this run
    private final String savepoints;              // where a stop on SIGTERM writes its savepoint
    private final String restorePath;             // null: a fresh start
    private final String restoreDescription;
    private boolean finished;                     // the job already reached the end of its bounded input

    private LocalRecovery(String job, JobStateDirectory dir, String checkpoints, String savepoints,
                          String restorePath, String restoreDescription) {
        this.job = job;
        this.dir = dir;
        this.checkpoints = checkpoints;
        this.savepoints = savepoints;
        this.restorePath = restorePath;
        this.restoreDescription = restoreDescription;
    }

    /** How a run starts: the default resumes, {@code from} names state, {@code fresh} ignores retained state. */
    public record Start(String from, boolean fresh) {
        public static final Start RESUME = new Start(null, false);
    }

    /** Chooses the state of the training job to start from, records it beside the state and prints one line. */
    public static LocalRecovery prepare(JobConfig cfg, Start start, PrintStream out) {
        return prepare(cfg, JobIdentity.of(cfg, Instant.now(), null), start, out);
    }

    /**
     * Like {@link #prepare(JobConfig, Start, PrintStream)} for the job {@code current} names (e.g. the scoring job
     * of {@code cfg}), which keeps its state in its own directory under {@code checkpointing.directory}.
     */
    public static LocalRecovery prepare(JobConfig cfg, JobIdentity current, Start start, PrintStream out) {
        String job = current.job();
        Optional<JobStateDirectory> local = JobStateDirectory.of(cfg, job);
        if (local.isEmpty()) {
            String base = cfg.checkpointing().directory().replaceAll("/+$", "") + "/" + job;
            if (start.from() != null) {
                out.println("resuming " + job + " from " + start.from() + " (--from)");
            } else {
                out.println("starting " + job + (start.fresh() ? " afresh (--fresh)" : " afresh: checkpoints under "
                        + cfg.checkpointing().directory() + " are not searched; resume with --from PATH"));
            }
            return new LocalRecovery(job, null, cfg.checkpointing().directory(), base + "/" + JobStateDirectory.SAVEPOINTS,
                    start.from(), start.from());
        }
        JobStateDirectory d = local.get();
        Optional<JobIdentity> stored = JobIdentity.read(d.root());
        RestorePoint chosen = null;
        if (start.fresh()) {
            boolean earlier = !d.restorePoints(Instant.EPOCH).isEmpty();
            out.println("starting " + job + " afresh (--fresh)" + (earlier
                    ? "; its earlier checkpoints and savepoints stay in " + d.root() + " but are not used" : ""));
            current.write(d.root());
        } else if (start.from() != null) {
            chosen = given(start.from(), job);
            Optional<JobIdentity> owner = JobIdentity.near(chosen.directory());
            if (owner.isPresent()) {
                Optional<String> why = current.mismatch(owner.get());
                if (why.isPresent()) {
                    throw new UnusableStateException(job, chosen.directory().toString(), why.get());
                }
            }
            out.println("resuming " + job + " from " + chosen.describe() + " (--from)");
            current.startingAt(current.since(), chosen.directory().toString()).write(d.root());
        } else {
            Optional<RestorePoint> newest = newest(d, stored);
            boolean finished = stored.isPresent() && stored.get().finishedMillis() > 0 && newest.map(p ->
                    p.written().toEpochMilli() < stored.get().finishedMillis()).orElse(true);
            if (stored.isPresent() && (newest.isPresent() || finished)) {
                Optional<String> why = current.mismatch(stored.get());
                if (why.isPresent()) {
                    throw new UnusableStateException(job, newest.map(RestorePoint::describe)
                            .orElse("its state in " + d.root()), why.get());
                }
            }
            if (finished) {
                out.println(job + " already finished its bounded input at "
                        + Instant.ofEpochMilli(stored.get().finishedMillis()) + "; nothing to resume (run it again "
                        + "with --fresh, or continue from a checkpoint or savepoint with --from PATH)");
                LocalRecovery done = new LocalRecovery(job, d, null, null, null, null);
                done.finished = true;
                return done;
            }
            if (newest.isPresent()) {
                chosen = newest.get();
                out.println("resuming " + job + " from " + chosen.describe());
                if (stored.isEmpty()) {
                    current.startingAt(Instant.EPOCH, null).write(d.root());
                }
            } else {
                out.println("starting " + job + " afresh: no checkpoint or savepoint of it in " + d.root() + " yet");
                current.write(d.root());
            }
        }
        return new LocalRecovery(job, d, d.root().toUri().toString(), d.savepoints().toUri().toString(),
                chosen == null ? null : chosen.flinkPath(), chosen == null ? null : chosen.describe());
    }

    /** The newest restore point of the current line of state (see {@link JobIdentity}). */
    private static Optional<RestorePoint> newest(JobStateDirectory d, Optional<JobIdentity> stored) {
        List<RestorePoint> candidates = new ArrayList<>(d.restorePoints(stored.map(JobIdentity::since)
                .orElse(Instant.EPOCH)));
        stored.map(JobIdentity::from).map(Path::of).flatMap(LocalRecovery::restorePointAt).ifPresent(candidates::add);
        return candidates.stream().max(Comparator.comparing(RestorePoint::written));
    }

    /** The state {@code --from} names: a checkpoint or savepoint directory, its {@code _metadata}, or a file: URI. */
    private static RestorePoint given(String location, String job) {
        Optional<Path> path = JobStateDirectory.localPath(location);
        Path p = path.orElseThrow(() -> new UnusableStateException(job, location,
                "only local checkpoints and savepoints can be checked here"));
        if (p.getFileName() != null && p.getFileName().toString().equals(RestorePoint.METADATA)) {
            p = p.getParent();
        }
        Path dirPath = p;
        return restorePointAt(dirPath).orElseThrow(() -> new UnusableStateException(job, location,
                Files.isDirectory(dirPath) ? "it has no _metadata file (an incomplete checkpoint?)" : "it does not exist"));
    }

    private static Optional<RestorePoint> restorePointAt(Path dir) {
        boolean savepoint = dir.getFileName() != null && dir.getFileName().toString().startsWith("savepoint");
        return JobStateDirectory.restorePoint(dir, savepoint ? RestorePoint.Kind.SAVEPOINT : RestorePoint.Kind.CHECKPOINT);
    }

    /**
     * Flink settings for the local environment: checkpoints retained in the job's directory, savepoints beside
     * them, and the state to start from.
     */
    public Configuration flinkSettings() {
        Configuration c = new Configuration();
        if (checkpoints != null) {
            c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints);
        }
        c.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepoints);
        c.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (restorePath != null) {
            c.set(StateRecoveryOptions.SAVEPOINT_PATH, restorePath);
        }
        return c;
    }

    /** Puts the checkpoints into the job's directory again after the pipeline applied {@code checkpointing.directory}. */
    public void applyTo(StreamExecutionEnvironment env) {
        if (dir != null) {
            env.configure(flinkSettings());
        }
    }

    /** Whether the job already reached the end of its bounded input, so there is nothing to run. */
    public boolean alreadyFinished() {
        return finished;
    }

    /** Records that the job reached the end of its bounded input (Flink discards a finished job's checkpoints). */
    void markFinished() {
        if (dir != null) {
            JobIdentity.read(dir.root()).ifPresent(id -> id.finishedAt(java.time.Instant.now()).write(dir.root()));
        }
    }

    public String job() {
        return job;
    }

    /** Where a stop with a savepoint writes it. */
    public String savepointDirectory() {
        return savepoints;
    }

    /** The refusal a failure of the job means when it was restored (state that does not fit), if any. */
    public Optional<UnusableStateException> explain(Throwable failure) {
        return restorePath == null ? Optional.empty() : RestoreFailures.explain(failure, job, restoreDescription);
    }
}
