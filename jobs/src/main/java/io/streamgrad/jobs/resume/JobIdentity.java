package io.streamgrad.jobs.resume;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.model.state.Variable;
import io.streamgrad.model.state.VariableLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.flink.annotation.Internal;

/**
 * What the state in a job's directory belongs to, kept beside it in {@value #FILE}: the job, its input topic and
 * the shape of its models, and where the current line of state started ({@code since}: restore points written
 * before are from an earlier line that {@code --fresh} or {@code --from} replaced; {@code from}: the state it
 * started from, if any). A restart refuses state of another job or another model shape before Flink sees it,
 * because a model state the trainer cannot read would otherwise fail the job at every restart.
 *
 * @param model the model's variables as {@code layer/name rows x cols [frozen]}, the shape the state serializer
 *     needs to match
 * @param sinceMillis start of the current line of state (epoch ms)
 * @param from the restore point the current line started from, or null
 * @param finishedMillis when the current line reached the end of its bounded input (epoch ms), 0 while it has not:
 *     Flink does not keep the final checkpoint of a finished job, so older restore points are stale then
 */
@Internal
public record JobIdentity(String job, String input, List<String> model, long sinceMillis, String from,
                          long finishedMillis) {
    static final String FILE = "streamgrad-job.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The identity of the configured training job, for a line of state starting {@code since} from {@code from}. */
    public static JobIdentity of(JobConfig cfg, Instant since, String from) {
        List<String> shape = new VariableLayout(cfg.model()).variables().stream().map(JobIdentity::describe).toList();
        return new JobIdentity(cfg.jobName(), cfg.topics().input(), shape, since.toEpochMilli(), from, 0);
    }

    /**
     * The identity of a job whose state does not depend on the model shape (the scoring job serves snapshots of
     * any architecture), for a line of state starting {@code since}.
     */
    public static JobIdentity anyModel(String job, String input, Instant since) {
        return new JobIdentity(job, input, List.of(), since.toEpochMilli(), null, 0);
    }

    /** This identity for another line of state: the same job, input and model shape. */
    JobIdentity startingAt(Instant since, String from) {
        return new JobIdentity(job, input, model, since.toEpochMilli(), from, 0);
    }

    private static String describe(Variable v) {
        return v.layer() + "/" + v.name() + " " + v.rows() + "x" + v.cols() + (v.trainable() ? "" : " frozen");
    }

    public Instant since() {
        return Instant.ofEpochMilli(sinceMillis);
    }

    /** This identity, marking the line of state as finished at {@code when}. */
    JobIdentity finishedAt(Instant when) {
        return new JobIdentity(job, input, model, sinceMillis, from, when.toEpochMilli());
    }

    /** Why state of {@code stored} cannot be used by this job, or empty when it can. */
    public Optional<String> mismatch(JobIdentity stored) {
        if (!job.equals(stored.job)) {
            return Optional.of("it belongs to job " + stored.job + ", not " + job);
        }
        if (!input.equals(stored.input)) {
            return Optional.of("it was read from input topic " + stored.input + ", not " + input);
        }
        if (!model.equals(stored.model)) {
            return Optional.of("its models have another shape (" + String.join(", ", stored.model) + " instead of "
                    + String.join(", ", model) + ")");
        }
        return Optional.empty();
    }

    /** The identity stored in {@code dir}, if any. */
    static Optional<JobIdentity> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), JobIdentity.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The identity next to a checkpoint or savepoint: in its job's directory, one or two levels up. */
    static Optional<JobIdentity> near(Path restorePoint) {
        Path dir = restorePoint.getParent();
        for (int up = 0; up < 2 && dir != null; up++, dir = dir.getParent()) {
            Optional<JobIdentity> found = read(dir);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    void write(Path dir) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(FILE + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, dir.resolve(FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e);
        }
    }
}
