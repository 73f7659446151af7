package io.streamgrad.model.conformance;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Checks result files written by an engine (for example by {@link CaseReplayer}) against the
 * expected values of the conformance cases. For every case {@code CASES_DIR/**}{@code /NAME.json}
 * the result must be {@code RESULTS_DIR/NAME.json}; each expected number must lie within the
 * case's tolerance (see {@link CaseResultCheck}). The format and the rules are described in
 * {@code docs/conformance.md}.
 *
 * <p>Output: one {@code PASS name} or {@code FAIL name: reason} line per case, in order of the
 * case file names, then {@code N passed, M failed}. A cases directory without any case counts as
 * one failure, so that a mistyped path can never look like success.
 */
public final class CaseComparator {
    /** Non-numeric tokens ({@code NaN}, {@code Infinity}) are read, so they fail as values, not as syntax. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private CaseComparator() {}

    /**
     * Compares every case under {@code casesDir} (recursively, {@code *.json}) with its result in
     * {@code resultsDir}, printing one line per case and a summary line to {@code out}.
     *
     * @return the number of failed cases (0 when every case passed)
     */
    public static int compare(Path casesDir, Path resultsDir, PrintStream out) {
        List<Path> cases;
        try {
            cases = caseFiles(casesDir);
        } catch (IOException e) {
            out.println("FAIL " + casesDir + ": cannot list case files (" + e.getMessage() + ")");
            out.println("0 passed, 1 failed");
            return 1;
        }
        if (cases.isEmpty()) {
            out.println("FAIL " + casesDir + ": no case files (*.json) found");
            out.println("0 passed, 1 failed");
            return 1;
        }
        int passed = 0;
        int failed = 0;
        for (Path caseFile : cases) {
            String name = caseName(caseFile);
            Optional<String> failure = check(caseFile, resultsDir.resolve(name + ".json"));
            if (failure.isEmpty()) {
                out.println("PASS " + name);
                passed++;
            } else {
                out.println("FAIL " + name + ": " + failure.get());
                failed++;
            }
        }
        out.println(passed + " passed, " + failed + " failed");
        return failed;
    }

    /** Case files sorted by file name (then by path, for equal names in different folders). */
    static List<Path> caseFiles(Path casesDir) throws IOException {
        if (!Files.isDirectory(casesDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(casesDir)) {
            return files.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).thenComparing(Path::toString))
                    .toList();
        }
    }

    static String caseName(Path caseFile) {
        String file = caseFile.getFileName().toString();
        return file.substring(0, file.length() - ".json".length());
    }

    /** Reads one case and its result; returns the reason of failure, or empty when the case passes. */
    private static Optional<String> check(Path caseFile, Path resultFile) {
        JsonNode testCase;
        try {
            testCase = MAPPER.readTree(caseFile.toFile());
        } catch (IOException e) {
            return Optional.of("cannot read case file (" + firstLine(e) + ")");
        }
        if (!Files.isRegularFile(resultFile)) {
            return Optional.of("missing result file " + resultFile.getFileName());
        }
        JsonNode result;
        try {
            result = MAPPER.readTree(resultFile.toFile());
        } catch (IOException e) {
            return Optional.of("cannot parse result file (" + firstLine(e) + ")");
        }
        return CaseResultCheck.check(testCase, result);
    }

    private static String firstLine(IOException e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
