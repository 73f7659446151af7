package io.streamgrad.jobs.cli;

import java.io.PrintStream;
import java.util.List;

/** One subcommand of the {@code streamgrad} command line. */
interface Command {
    String name();

    /** One line for the command overview. */
    String summary();

    /** Full usage text for {@code streamgrad NAME --help}. */
    String usage();

    /** Runs the command; returns the process exit code. */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
