package io.streamgrad.jobs.cli;

import io.streamgrad.jobs.ScoringJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.kafka.KafkaPreflight;
import io.streamgrad.jobs.local.LocalFailFast;
import io.streamgrad.jobs.local.LocalFlink;
import io.streamgrad.jobs.local.WebUi;
import io.streamgrad.jobs.resume.JobIdentity;
import io.streamgrad.jobs.resume.LocalRecovery;
import io.streamgrad.jobs.resume.StoppableRun;
import io.streamgrad.model.kernel.KernelProvider;
import java.io.File;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code score --config FILE}: the scoring job (events topic -> predictions topic), locally or on a cluster. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Score events with the newest model of their key, from the same YAML as `run`.",
                "",
                "Runs ScoringJob: events topic -> parse (the input section; a label is ignored) -> the newest "
                        + "snapshot of each key from the snapshot topic (read from the start) -> predictions topic "
                        + "(JSON: modelKey, eventId, values, classIndex/className, modelVersion, stalenessMs, "
                        + "eventTime), exactly-once, plus dead letters. The scoring section sets the topics "
                        + "(events: topics.input, predictions: topics.predictions, snapshots: topics.snapshots by "
                        + "default) and the policy for events before a key's first model "
                        + "(scoring.earlyEvents: hold | deadLetter, scoring.maxHeldEventsPerKey). Without "
                        + "checkpointing.intervalMs it checkpoints every second, when its predictions become visible."},
        footer = {"%nExit code 2 on an invalid configuration; the message names the field.",
                "%nResuming and rescaling: a local run keeps its state in <checkpointing.directory>/<job name>-scoring "
                + "(default streamgrad-state/<job name>-scoring). Running the same command again continues from the "
                + "newest checkpoint or savepoint there; Ctrl-C / SIGTERM stops with a savepoint. The models of the "
                + "keys are keyed state: restore at another job.parallelism (--set job.parallelism=N) to rescale."})
final class ScoreCommand extends CliCommand {
    @Mixin
    private JobOptions job;

    @ArgGroup(exclusive = true)
    private RunCommand.Target target;

    @ArgGroup(exclusive = true)
    private RunCommand.Start start;

    @Option(names = "--web-ui-address", paramLabel = "ADDRESS", defaultValue = WebUi.LOOPBACK,
            description = "address the web UI binds to (default: ${DEFAULT-VALUE}, this machine only); see `run --help`")
    private String webUiAddress;

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        JobConfig cfg = job.load();
        if (job.validateOnly()) {
            out.println("configuration OK");
            out.println(ScoringJob.describe(cfg));
            return 0;
        }
        String name = cfg.jobName() + ScoringJob.ID_SUFFIX;
        LocalRecovery.Start choice = start == null ? LocalRecovery.Start.RESUME : start.choice();
        StreamExecutionEnvironment env;
        LocalRecovery recovery = null;
        if (target != null && target.jobManager != null) {
            String jar = new File(ScoreCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
            env = StreamExecutionEnvironment.createRemoteEnvironment(target.jobManager.host(), target.jobManager.port(),
                    jar);
        } else {
            Optional<WebUi> ui = target == null || target.webUi == null ? Optional.empty()
                    : Optional.of(new WebUi(webUiAddress, target.webUi).resolved());
            recovery = LocalRecovery.prepare(cfg, JobIdentity.anyModel(name, cfg.scoring().events(), Instant.now()),
                    choice, out);
            if (recovery.alreadyFinished()) {
                return 0;
            }
            Configuration local = LocalFailFast.configuration();
            local.addAll(recovery.flinkSettings());
            env = LocalFlink.environment(cfg.parallelism(), ui, local);
            ui.ifPresent(u -> out.println("Flink web UI: " + u.url()));
        }
        KafkaPreflight.check(cfg); // wrong credentials fail here, not in a restarting job
        ScoringJob.build(env, cfg);
        out.println("starting " + name + " with the " + KernelProvider.get().name() + " kernels (Ctrl-C to stop)");
        if (recovery == null) {
            if (choice.from() != null) { // the cluster restores it
                Configuration restore = new Configuration();
                restore.set(StateRecoveryOptions.SAVEPOINT_PATH, choice.from());
                env.configure(restore);
            }
            env.execute(name);
        } else {
            recovery.applyTo(env);
            StoppableRun.execute(env, recovery, out);
        }
        return 0;
    }
}
