package io.streamgrad.jobs.cli;

import io.streamgrad.model.conformance.CaseReplayer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code replay CASES_DIR RESULTS_DIR}: runs conformance cases through the engine. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay conformance cases (streamgrad-case/1) and write one result file per case.",
                "",
                "Reads every *.json case under CASES_DIR (recursively), trains the case's model with the engine "
                        + "exactly as specified, and writes RESULTS_DIR/NAME.json with the losses, learning rates, "
                        + "final weights and inference outputs. Check them with: streamgrad compare CASES_DIR RESULTS_DIR"},
        footer = "%nExit code 0 when every case was replayed, 1 when some could not be (listed on stderr).")
final class ReplayCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "CASES_DIR", description = "directory of conformance cases")
    private Path cases;

    @Parameters(index = "1", paramLabel = "RESULTS_DIR", description = "where the result files go")
    private Path results;

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        if (!Files.isDirectory(cases)) {
            throw usageError("CASES_DIR " + cases + " is not a directory");
        }
        List<String> failures = CaseReplayer.replayAll(cases, results);
        long written;
        try (var files = Files.list(results)) {
            written = files.filter(p -> p.toString().endsWith(".json")).count();
        }
        for (String f : failures) {
            err.println("cannot replay " + f);
        }
        out.println("replayed " + (written) + " case(s) into " + results
                + (failures.isEmpty() ? "" : ", " + failures.size() + " failed"));
        return failures.isEmpty() ? 0 : 1;
    }
}
