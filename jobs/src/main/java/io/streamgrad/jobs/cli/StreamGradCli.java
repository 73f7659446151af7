package io.streamgrad.jobs.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.flink.annotation.PublicEvolving;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code java -jar streamgrad.jar COMMAND ...}: the {@code streamgrad} command tree.
 * Exit codes: 0 ok, 2 usage or configuration error, 1 runtime failure.
 */
@PublicEvolving
@Command(name = "streamgrad", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "StreamGrad trains neural networks online, Keras-exactly, inside Apache Flink.",
        footer = "%nRun 'streamgrad COMMAND --help' for the options of one command.",
        subcommands = {RunCommand.class, ScoreCommand.class, DemoCommand.class, ProduceCommand.class, InspectCommand.class,
                ConsumeCommand.class, ReplayCommand.class, CompareCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class StreamGradCli implements Callable<Integer> {
    private final PrintStream out;
    private final PrintStream err;

    @Spec
    private CommandSpec spec;

    private StreamGradCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int code = execute(System.out, System.err, args);
        if (code != 0) { // exit 0 by returning: a finished local Flink job may leave non-daemon threads behind
            System.exit(code);
        }
    }

    /** Parses and runs one command line; returns the exit code. */
    static int execute(PrintStream out, PrintStream err, String... args) {
        return commandLine(out, err).execute(args);
    }

    /** The configured command tree writing to {@code out} and {@code err}. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new StreamGradCli(out, err));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOverwrittenOptionsAllowed(true); // as before: the last of a repeated single-value option wins
        cl.setParameterExceptionHandler(FailureHandlers::usageError);
        cl.setExecutionExceptionHandler(FailureHandlers::runtimeFailure);
        // every subcommand's --version reports the same (not inherited: INHERIT would also copy the footer)
        cl.getSubcommands().values().forEach(sub -> sub.getCommandSpec().versionProvider(new VersionProvider()));
        return cl;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a COMMAND is required");
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }
}
