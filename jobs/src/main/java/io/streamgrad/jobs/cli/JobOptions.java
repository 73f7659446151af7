package io.streamgrad.jobs.cli;

import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options that select a job configuration, shared by {@code streamgrad run} and the
 * {@code flink run} entry point so that both parse them the same way.
 */
@Internal
public final class JobOptions {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "the job configuration: a YAML file, or classpath:RESOURCE "
                    + "(e.g. classpath:examples/regression.yaml)")
    private String config;

    @Option(names = "--set", paramLabel = "PATH=VALUE",
            description = {"override a configuration field (repeatable), e.g. --set training.batchSize=64",
                    "--set kafka.properties.security.protocol=SASL_SSL"})
    private List<String> overrides = new ArrayList<>();

    @Option(names = "--validate", description = "only check the configuration, print its summary and exit")
    private boolean validateOnly;

    /** Parses exactly these options (anything else is a {@link CommandLine.ParameterException}). */
    public static JobOptions parse(List<String> args) {
        JobOptions options = new JobOptions();
        new CommandLine(options).setOverwrittenOptionsAllowed(true).parseArgs(args.toArray(new String[0]));
        return options;
    }

    public String config() {
        return config;
    }

    public List<String> overrides() {
        return List.copyOf(overrides);
    }

    public boolean validateOnly() {
        return validateOnly;
    }

    /** Loads and validates the configuration; a {@code ConfigException} names the offending field. */
    public JobConfig load() {
        return OnlineTrainingJob.loadConfig(config, overrides);
    }
}
