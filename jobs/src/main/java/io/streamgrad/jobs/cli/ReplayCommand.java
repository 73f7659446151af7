package io.streamgrad.jobs.cli;

import io.streamgrad.model.conformance.CaseReplayer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code replay CASES_DIR RESULTS_DIR}: runs conformance cases through the engine. */
final class ReplayCommand implements Command {
    @Override
    public String name() {
        return "replay";
    }

    @Override
    public String summary() {
        return "replay conformance cases (streamgrad-case/1) and write one result file per case";
    }

    @Override
    public String usage() {
        return """
                Usage: streamgrad replay CASES_DIR RESULTS_DIR

                Reads every *.json case under CASES_DIR (recursively), trains the case's model with
                the engine exactly as specified, and writes RESULTS_DIR/NAME.json with the losses,
                learning rates, final weights and inference outputs. Compare with:
                  python3 compare.py CASES_DIR RESULTS_DIR
                Exit code 0 when every case was replayed, 1 when some could not be (listed on stderr).
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.size() != 2) {
            throw new UsageException("replay needs exactly two arguments: CASES_DIR RESULTS_DIR");
        }
        Path cases = Path.of(args.get(0));
        Path results = Path.of(args.get(1));
        if (!Files.isDirectory(cases)) {
            throw new UsageException("CASES_DIR " + cases + " is not a directory");
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
