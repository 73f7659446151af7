package io.streamgrad.jobs.cli;

import io.streamgrad.model.conformance.CaseComparator;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code compare CASES_DIR RESULTS_DIR}: checks replayed results against the cases' expectations. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare replay results with the conformance cases' expected values.",
                "",
                "For every case under CASES_DIR, reads RESULTS_DIR/NAME.json (written by `streamgrad replay`) "
                        + "and checks losses, learning rates, final weights and inference outputs against the "
                        + "case's expectations and tolerances, printing one line per case."},
        footer = "%nExit code 0 when every case passes, 1 when any fails.")
final class CompareCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "CASES_DIR", description = "directory of conformance cases")
    private Path cases;

    @Parameters(index = "1", paramLabel = "RESULTS_DIR", description = "directory of result files")
    private Path results;

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        if (!Files.isDirectory(cases)) {
            throw usageError("CASES_DIR " + cases + " is not a directory");
        }
        if (!Files.isDirectory(results)) {
            throw usageError("RESULTS_DIR " + results + " is not a directory");
        }
        int failed = CaseComparator.compare(cases, results, out);
        if (failed > 0) {
            err.println(failed + " case(s) failed");
            return 1;
        }
        return 0;
    }
}
