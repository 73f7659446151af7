package io.streamgrad.jobs.resume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.JobConfigTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which retained state a local run continues from, and which it refuses. */
class LocalRecoveryTest {
    @TempDir
    Path base;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private JobConfig config(String... overrides) {
        List<String> all = new ArrayList<>(List.of("checkpointing.directory=" + base, "checkpointing.intervalMs=1000"));
        all.addAll(List.of(overrides));
        return JobConfig.parse(JobConfigTest.BASE, all);
    }

    private LocalRecovery prepare(JobConfig cfg, LocalRecovery.Start start) {
        console.reset();
        return LocalRecovery.prepare(cfg, start, new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    private String said() {
        return console.toString(StandardCharsets.UTF_8).strip();
    }

    private Path complete(Path dir, Instant written) throws IOException {
        Files.createDirectories(dir);
        Path metadata = Files.write(dir.resolve("_metadata"), new byte[] {1});
        Files.setLastModifiedTime(metadata, FileTime.from(written));
        return dir;
    }

    @Test
    void firstStartIsFreshThenTheNewestCompleteCheckpointOrSavepointWins() throws IOException {
        JobConfig cfg = config();
        LocalRecovery first = prepare(cfg, LocalRecovery.Start.RESUME);
        Path root = base.resolve(cfg.jobName());
        assertThat(said()).startsWith("starting " + cfg.jobName() + " afresh: no checkpoint or savepoint");
        assertThat(first.flinkSettings().get(StateRecoveryOptions.SAVEPOINT_PATH)).isNull();
        assertThat(first.flinkSettings().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo(root.toUri().toString());

        Instant now = Instant.now();
        complete(root.resolve("a1/chk-3"), now.plusSeconds(1));
        Path newest = complete(root.resolve("a1/chk-4"), now.plusSeconds(2));
        Files.createDirectories(root.resolve("a1/chk-5")); // in progress: no _metadata
        complete(root.resolve("savepoints/savepoint-a1-0001"), now.plusMillis(1500));
        LocalRecovery resumed = prepare(cfg, LocalRecovery.Start.RESUME);
        assertThat(said()).startsWith("resuming " + cfg.jobName() + " from checkpoint chk-4 (" + newest);
        assertThat(resumed.flinkSettings().get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo(newest.toUri().toString());

        Path savepoint = complete(root.resolve("savepoints/savepoint-a1-0002"), now.plusSeconds(3));
        prepare(cfg, LocalRecovery.Start.RESUME);
        assertThat(said()).startsWith("resuming " + cfg.jobName() + " from savepoint (" + savepoint);
    }

    @Test
    void freshIgnoresEarlierStateAlsoOnTheNextStartAndFromStartsANewLine() throws IOException {
        JobConfig cfg = config();
        Path root = base.resolve(cfg.jobName());
        complete(root.resolve("a1/chk-9"), Instant.now().minusSeconds(60));
        LocalRecovery fresh = prepare(cfg, new LocalRecovery.Start(null, true));
        assertThat(said()).contains("afresh (--fresh)").contains("are not used");
        assertThat(fresh.flinkSettings().get(StateRecoveryOptions.SAVEPOINT_PATH)).isNull();
        prepare(cfg, LocalRecovery.Start.RESUME);
        assertThat(said()).as("died before its first checkpoint: still afresh").contains("afresh: no checkpoint");

        Path given = complete(base.resolve("elsewhere/savepoint-x"), Instant.now().minusSeconds(30));
        prepare(cfg, new LocalRecovery.Start(given.resolve("_metadata").toString(), false));
        assertThat(said()).startsWith("resuming " + cfg.jobName() + " from savepoint (" + given).endsWith("(--from)");
        prepare(cfg, LocalRecovery.Start.RESUME);
        assertThat(said()).as("no checkpoint since: the given savepoint again").contains("from savepoint (" + given);
    }

    @Test
    void aFinishedBoundedRunIsNotResumedFromOlderState() throws IOException {
        JobConfig cfg = config();
        LocalRecovery first = prepare(cfg, LocalRecovery.Start.RESUME);
        complete(base.resolve(cfg.jobName()).resolve("a1/chk-7"), Instant.now().minusSeconds(5));
        first.markFinished();
        LocalRecovery again = prepare(cfg, LocalRecovery.Start.RESUME);
        assertThat(again.alreadyFinished()).isTrue();
        assertThat(said()).contains("already finished its bounded input").contains("--fresh");
        LocalRecovery fresh = prepare(cfg, new LocalRecovery.Start(null, true));
        assertThat(fresh.alreadyFinished()).isFalse();
        prepare(cfg, LocalRecovery.Start.RESUME);
        assertThat(said()).contains("afresh: no checkpoint");
    }

    @Test
    void stateOfAnotherModelShapeOrJobIsRefusedNamingFresh() throws IOException {
        JobConfig cfg = config();
        prepare(cfg, LocalRecovery.Start.RESUME);
        Path chk = complete(base.resolve(cfg.jobName()).resolve("a1/chk-2"), Instant.now().plusSeconds(1));
        assertThatThrownBy(() -> prepare(config("model.layers[0].units=16"), LocalRecovery.Start.RESUME))
                .isInstanceOf(UnusableStateException.class)
                .hasMessageContaining("its models have another shape")
                .hasMessageContaining("--fresh");
        prepare(config("training.batchSize=8"), LocalRecovery.Start.RESUME);
        assertThat(said()).as("training settings do not change the state's shape").startsWith("resuming");

        JobConfig other = config("job.name=other-job");
        assertThatThrownBy(() -> prepare(other, new LocalRecovery.Start(chk.toString(), false)))
                .hasMessageContaining("it belongs to job " + cfg.jobName() + ", not other-job");
        assertThatThrownBy(() -> prepare(cfg, new LocalRecovery.Start(base.resolve("nothing").toString(), false)))
                .hasMessageContaining("does not exist");
        assertThat(RestoreFailures.explain(new RuntimeException("x", new IllegalStateException(
                "Failed to rollback. Cannot map checkpoint/savepoint state for operator abc to the new program")), "j", "s"))
                .hasValueSatisfying(e -> assertThat(e).hasMessageContaining("operators this job does not have")
                        .hasMessageContaining("--fresh"));
    }
    @Test
    void theScoringJobKeepsItsStateApartAndServesAnyModelShape() throws IOException {
        JobConfig cfg = config();
        prepare(cfg, LocalRecovery.Start.RESUME);
        complete(base.resolve(cfg.jobName()).resolve("a1/chk-2"), Instant.now().plusSeconds(1));
        String scoring = cfg.jobName() + "-scoring";
        console.reset();
        LocalRecovery first = LocalRecovery.prepare(cfg, JobIdentity.anyModel(scoring, "events", Instant.now()),
                LocalRecovery.Start.RESUME, new PrintStream(console, true, StandardCharsets.UTF_8));
        assertThat(said()).as("the training job's checkpoint is not the scoring job's")
                .startsWith("starting " + scoring + " afresh: no checkpoint or savepoint");
        Path root = base.resolve(scoring);
        assertThat(first.flinkSettings().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo(root.toUri().toString());

        Path chk = complete(root.resolve("b1/chk-7"), Instant.now().plusSeconds(2));
        JobConfig wider = config("model.layers[0].units=16", "job.parallelism=1");
        console.reset();
        LocalRecovery resumed = LocalRecovery.prepare(wider, JobIdentity.anyModel(scoring, "events", Instant.now()),
                LocalRecovery.Start.RESUME, new PrintStream(console, true, StandardCharsets.UTF_8));
        assertThat(said()).as("served models are self-describing; rescaled").startsWith("resuming " + scoring
                + " from checkpoint chk-7");
        assertThat(resumed.flinkSettings().get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo(chk.toUri().toString());
        assertThatThrownBy(() -> LocalRecovery.prepare(cfg, JobIdentity.anyModel(scoring, "other-events",
                Instant.now()), LocalRecovery.Start.RESUME, new PrintStream(console, true, StandardCharsets.UTF_8)))
                .hasMessageContaining("it was read from input topic events, not other-events");
    }
}
