package io.streamgrad.jobs.cli;

import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.WarmStarts;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.check.StartChecks;
import java.io.PrintStream;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

/**
 * The {@code flink run} / application-mode entry point ({@code OnlineTrainingJob.main}). It throws
 * instead of exiting, because it runs inside the Flink client or JobManager, which report the failure.
 */
@PublicEvolving
@Command(name = "streamgrad-flink-job", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Submits the online training job to the Flink cluster that runs this jar:",
                "Kafka input topic -> parse -> one model per key -> Kafka topics for metrics, snapshots and dead letters."},
        footer = "%nExample: flink run streamgrad-flink-job.jar --config job.yaml")
public final class FlinkJobCommand {
    @Mixin
    private JobOptions job;

    private FlinkJobCommand() {}

    /** Parses {@code args} like {@code streamgrad run} and submits the job (or only validates it). */
    public static void main(String[] args) throws Exception {
        FlinkJobCommand command = new FlinkJobCommand();
        CommandLine cl = new CommandLine(command).setOverwrittenOptionsAllowed(true);
        try {
            cl.parseArgs(args);
        } catch (ParameterException e) {
            FailureHandlers.usageError(e, args);
            throw e;
        }
        if (CommandLine.printHelpIfRequested(cl.getParseResult())) {
            return;
        }
        command.submit(System.out);
    }

    private void submit(PrintStream out) throws Exception {
        JobConfig cfg = job.load();
        if (job.validateOnly()) {
            StartChecks.offline(cfg, StartChecks.Where.CLIENT); // the heap that trains is the TaskManagers', not this client's
            out.println("configuration OK");
            out.println(cfg.describe());
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // operator mistakes fail the submission, not a restarting job
        StartChecks.run(cfg, System.err, "embedded".equals(env.getConfiguration().get(DeploymentOptions.TARGET))
                ? StartChecks.Where.JOB_MANAGER : StartChecks.Where.CLIENT);
        OnlineTrainingJob.build(env, cfg, WarmStarts.load(cfg));
        env.execute(cfg.jobName());
    }
}
