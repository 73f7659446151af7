package io.streamgrad.jobs.cli;

import io.streamgrad.jobs.config.ConfigException;
import io.streamgrad.jobs.local.FatalErrors;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/** How the command line reports failures: exit code and a message on standard error. */
final class FailureHandlers {
    static final int USAGE = 2;
    static final int FAILURE = 1;

    private FailureHandlers() {}

    /**
     * The command line is wrong: the message (which names the option), the command's synopsis and
     * where the full help is; short, so that the message is not lost above a page of help.
     */
    static int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("error: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        CommandLine.Help help = cl.getHelp();
        err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return USAGE;
    }

    /** The command failed: configuration errors name the field (exit 2), anything else is one line (exit 1). */
    static int runtimeFailure(Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof ConfigException) {
            err.println("configuration error: " + e.getMessage());
            return USAGE;
        }
        // a local TaskManager's fatal error never reaches the job's failure, which then only says it shut down
        String fatal = FatalErrors.first().map(f -> "; a local TaskManager stopped after a fatal error: " + oneLine(f))
                .orElse("");
        err.println("error: " + oneLine(e) + fatal);
        return FAILURE;
    }

    /** The failure and, when it adds something, its root cause, on one line. */
    static String oneLine(Throwable e) {
        String text = describe(e);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !text.contains(root.getMessage())) {
            text += " (caused by " + describe(root) + ")";
        }
        return text.replaceAll("\\s*\\R\\s*", " ");
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
