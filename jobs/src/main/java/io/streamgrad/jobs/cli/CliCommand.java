package io.streamgrad.jobs.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A subcommand of {@code streamgrad}: runs with the streams of the command line that invoked it. */
abstract class CliCommand implements Callable<Integer> {
    @ParentCommand
    private StreamGradCli cli;

    @Spec
    CommandSpec spec;

    /** Runs the command; returns the process exit code. */
    abstract int run(PrintStream out, PrintStream err) throws Exception;

    @Override
    public final Integer call() throws Exception {
        return run(cli.out(), cli.err());
    }

    /** A usage error (exit code 2) of this command. */
    final ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
