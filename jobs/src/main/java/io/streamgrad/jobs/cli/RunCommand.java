package io.streamgrad.jobs.cli;

import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.WarmStarts;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.check.StartChecks;
import io.streamgrad.jobs.local.LocalFailFast;
import io.streamgrad.jobs.local.LocalFlink;
import io.streamgrad.jobs.local.WebUi;
import io.streamgrad.jobs.resume.LocalRecovery;
import io.streamgrad.jobs.resume.StoppableRun;
import io.streamgrad.model.kernel.KernelProvider;
import java.io.File;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run --config FILE}: the online training job, locally or on a remote Flink cluster. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the online training job from a YAML configuration (locally or on a Flink cluster).",
                "",
                "Runs OnlineTrainingJob: Kafka input topic -> parse -> one model per key -> Kafka topics for "
                        + "metrics, snapshots and dead letters. FILE is YAML (see examples/*.yaml; also "
                        + "classpath:examples/regression.yaml). Kafka may be local or a cluster's "
                        + "(kafka.bootstrapServers, security settings under kafka.properties)."},
        footer = {"%nChecked before the job starts (the message names the setting): the input topic exists, the brokers' "
                + "transaction.max.timeout.ms allows kafka.transactionTimeoutMs, no other running job uses "
                + "kafka.transactionalIdPrefix, one model fits the heap and a snapshot max.request.size (these two also "
                + "with --validate); a snapshot topic without compaction is a warning.",
                "Exit code 2 on an invalid configuration or a failed check; 1 when the job fails (a local job fails "
                + "after " + LocalFailFast.RESTART_ATTEMPTS + " quick restarts, with its cause on one line).",
                "%nResuming: a local run keeps its checkpoints in <checkpointing.directory>/<job name> (default "
                + "streamgrad-state/<job name>). Running the same command again continues from the newest complete "
                + "checkpoint or savepoint there; Ctrl-C / SIGTERM stops with a savepoint. State of another job or "
                + "another model shape is refused (use --fresh or --from)."})
final class RunCommand extends CliCommand {
    @Mixin
    private JobOptions job;

    @ArgGroup(exclusive = true)
    private Target target;

    @ArgGroup(exclusive = true)
    private Start start;

    @Option(names = "--web-ui-address", paramLabel = "ADDRESS", defaultValue = WebUi.LOOPBACK,
            description = {"address the web UI binds to (default: ${DEFAULT-VALUE}, this machine only). Another "
                    + "address exposes the job's read-only REST API and UI (job graph, metrics, logs, configuration "
                    + "with secrets masked) to everyone who can reach it; submitting, cancelling and rescaling jobs "
                    + "over HTTP stay disabled."})
    private String webUiAddress;

    /** Which state the job starts from; by default the newest retained state of a local run. */
    static final class Start {
        @Option(names = "--from", paramLabel = "PATH",
                description = "start from this checkpoint or savepoint (its chk-N / savepoint-... directory) instead of "
                        + "the newest retained state of the job")
        String from;

        @Option(names = "--fresh", description = "start afresh on purpose: retained checkpoints and savepoints of the "
                + "job stay on disk but are not used")
        boolean fresh;

        LocalRecovery.Start choice() {
            return new LocalRecovery.Start(from, fresh);
        }
    }

    /** Where the job runs; by default in this JVM without a web UI. */
    static final class Target {
        @Option(names = "--web-ui", paramLabel = "PORT", converter = Converters.Port.class,
                description = "run in this JVM with the Flink web UI on PORT")
        Integer webUi;

        @Option(names = "--jobmanager", paramLabel = "HOST:PORT", converter = Converters.HostPortConverter.class,
                description = "submit to a running Flink cluster (REST address), shipping this jar")
        Converters.HostPort jobManager;
    }

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        JobConfig cfg = job.load();
        StartChecks.Where where = target == null || target.jobManager == null ? StartChecks.Where.LOCAL
                : StartChecks.Where.CLIENT;
        if (job.validateOnly()) {
            StartChecks.offline(cfg, where); // model vs heap and max.request.size, no broker needed
            out.println("configuration OK");
            out.println(cfg.describe());
            return 0;
        }
        LocalRecovery.Start choice = start == null ? LocalRecovery.Start.RESUME : start.choice();
        StreamExecutionEnvironment env;
        LocalRecovery recovery = null;
        if (target != null && target.jobManager != null) {
            String jar = new File(RunCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
            env = StreamExecutionEnvironment.createRemoteEnvironment(target.jobManager.host(), target.jobManager.port(),
                    jar);
        } else {
            Optional<WebUi> ui = target == null || target.webUi == null ? Optional.empty()
                    : Optional.of(new WebUi(webUiAddress, target.webUi).resolved());
            recovery = LocalRecovery.prepare(cfg, choice, out);
            if (recovery.alreadyFinished()) {
                return 0;
            }
            Configuration local = LocalFailFast.configuration();
            local.addAll(recovery.flinkSettings());
            env = LocalFlink.environment(cfg.parallelism(), ui, local);
            ui.ifPresent(u -> out.println("Flink web UI: " + u.url()));
        }
        StartChecks.run(cfg, err, where); // fails naming the setting, or warns on err
        OnlineTrainingJob.build(env, cfg, WarmStarts.load(cfg));
        out.println("starting " + cfg.jobName() + " with the " + KernelProvider.get().name() + " kernels (Ctrl-C to stop)");
        if (recovery == null) {
            if (choice.from() != null) { // the cluster restores it; retained state there is the cluster's business
                Configuration restore = new Configuration();
                restore.set(StateRecoveryOptions.SAVEPOINT_PATH, choice.from());
                env.configure(restore);
            }
            env.execute(cfg.jobName());
        } else {
            recovery.applyTo(env);
            try (RunProgress progress = RunProgress.start(cfg, out, Duration.ofSeconds(10))) {
                StoppableRun.execute(env, recovery, out);
            }
        }
        return 0;
    }
}
