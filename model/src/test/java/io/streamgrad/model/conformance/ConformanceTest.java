package io.streamgrad.model.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the conformance cases ({@code streamgrad-case/1}) with {@link CaseReplayer} and compares
 * the result by the rules of {@code docs/conformance.md} (those of {@link CaseComparator}): every
 * number of the expected losses, learningRates, finalState and inference.y must satisfy
 * {@code |actual - expected| <= atol + rtol*|expected|}, shapes and keys must match.
 *
 * <p>Public cases live in {@code conformance/public/}; every {@code *.json} under
 * {@code conformance-extended/} (if that folder exists) is replayed too.
 */
class ConformanceTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] FIELDS = {"losses", "learningRates", "finalState", "inference"};

    @TestFactory
    Stream<DynamicTest> publicCases() throws IOException {
        List<Path> cases = caseFiles("/conformance/public");
        assertThat(cases).as("public conformance cases").hasSize(8);
        return cases.stream().map(p -> dynamicTest(caseName(p), () -> assertCasePasses(p)));
    }

    @TestFactory
    Stream<DynamicTest> publicFeatureCases() throws IOException {
        List<Path> cases = caseFiles("/conformance/features");
        assertThat(cases).as("public feature front-end cases").hasSize(3);
        return cases.stream().map(p -> dynamicTest(caseName(p), () -> assertCasePasses(p)));
    }

    @TestFactory
    Stream<DynamicTest> extendedCases() throws IOException {
        List<Path> cases = caseFiles("/conformance-extended");
        return cases.stream().map(p -> dynamicTest(caseName(p), () -> assertCasePasses(p)));
    }

    /** The comparator itself must be able to fail: a perturbed result is rejected, a shape change too. */
    @Test
    void comparatorRejectsPerturbedResults() throws IOException {
        Path file = caseFiles("/conformance/public").get(0);
        JsonNode testCase = MAPPER.readTree(file.toFile());
        ObjectNode result = CaseReplayer.replay(testCase);
        assertThat(compare(testCase, result).failures).isZero();

        ObjectNode perturbed = result.deepCopy();
        double first = perturbed.get("losses").get(0).doubleValue();
        ((com.fasterxml.jackson.databind.node.ArrayNode) perturbed.get("losses")).set(0, first * 1.01 + 1e-3);
        Comparison c = compare(testCase, perturbed);
        assertThat(c.failures).isEqualTo(1);
        assertThat(c.worstPath).isEqualTo("losses[0]");

        ObjectNode shortened = result.deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) shortened.get("learningRates")).remove(0);
        assertThat(compare(testCase, shortened).structural).contains("learningRates");
    }

    // ------------------------------------------------------------------------------------------

    static List<Path> caseFiles(String resourceDir) throws IOException {
        URL url = ConformanceTest.class.getResource(resourceDir);
        if (url == null) {
            return List.of();
        }
        Path dir;
        try {
            dir = Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    private static String caseName(Path p) {
        return p.getFileName().toString().replaceFirst("\\.json$", "");
    }

    private static void assertCasePasses(Path file) throws IOException {
        JsonNode testCase = MAPPER.readTree(file.toFile());
        ObjectNode result = CaseReplayer.replay(testCase);
        Comparison c = compare(testCase, result);
        String summary = String.format(Locale.ROOT,
                "%s: worst error/bound ratio %.4g at %s (actual %s vs expected %s), %d of %d values out of "
                        + "tolerance (rtol=%s atol=%s)",
                caseName(file), c.worstRatio, c.worstPath, c.worstActual, c.worstExpected, c.failures, c.count,
                testCase.get("tolerance").get("rtol"), testCase.get("tolerance").get("atol"));
        System.out.println("[conformance] " + summary);
        assertThat(c.structural).as("%s: structure", caseName(file)).isNull();
        assertThat(c.count).as("%s: number of compared values", caseName(file)).isPositive();
        assertThat(c.failures).as(summary).isZero();
    }

    /** Outcome of comparing one result with one case. */
    static final class Comparison {
        int count;
        int failures;
        double worstRatio;
        String worstPath = "-";
        double worstActual = Double.NaN;
        double worstExpected = Double.NaN;
        /** First structural mismatch (missing key, wrong length, non-number), or null. */
        String structural;
    }

    static Comparison compare(JsonNode testCase, JsonNode result) {
        JsonNode tol = testCase.get("tolerance");
        double rtol = tol.get("rtol").asDouble();
        double atol = tol.get("atol").asDouble();
        JsonNode exp = testCase.get("expected");
        ObjectNode expected = MAPPER.createObjectNode();
        expected.set("losses", exp.get("losses"));
        expected.set("learningRates", exp.get("learningRates"));
        expected.set("finalState", exp.get("finalState"));
        expected.putObject("inference").set("y", exp.get("inference").get("y"));
        Comparison c = new Comparison();
        try {
            for (String f : FIELDS) {
                if (!result.has(f)) {
                    throw new Mismatch(f + ": missing");
                }
                walk(expected.get(f), result.get(f), f, rtol, atol, c);
            }
        } catch (Mismatch m) {
            c.structural = m.getMessage();
        }
        return c;
    }

    private static void walk(JsonNode e, JsonNode a, String path, double rtol, double atol, Comparison c) {
        if (e.isNumber()) {
            if (a == null || !a.isNumber()) {
                throw new Mismatch(path + ": expected a number, got " + a);
            }
            double av = a.doubleValue();
            double ev = e.doubleValue();
            c.count++;
            double err = Double.isFinite(av) ? Math.abs(av - ev) : Double.POSITIVE_INFINITY;
            double bound = atol + rtol * Math.abs(ev);
            double ratio = bound > 0 ? err / bound : (err == 0 ? 0 : Double.POSITIVE_INFINITY);
            if (!(err <= bound)) {
                c.failures++;
            }
            if (!(ratio <= c.worstRatio)) {
                c.worstRatio = ratio;
                c.worstPath = path;
                c.worstActual = av;
                c.worstExpected = ev;
            }
            return;
        }
        if (e.isArray()) {
            if (a == null || !a.isArray()) {
                throw new Mismatch(path + ": expected a list of length " + e.size() + ", got " + a);
            }
            if (a.size() != e.size()) {
                throw new Mismatch(path + ": shape mismatch, length " + a.size() + " vs expected " + e.size());
            }
            for (int i = 0; i < e.size(); i++) {
                walk(e.get(i), a.get(i), path + "[" + i + "]", rtol, atol, c);
            }
            return;
        }
        if (e.isObject()) {
            if (a == null || !a.isObject()) {
                throw new Mismatch(path + ": expected an object, got " + a);
            }
            Iterator<Map.Entry<String, JsonNode>> it = e.fields();
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
            it.forEachRemaining(entries::add);
            for (Map.Entry<String, JsonNode> en : entries) {
                if (!a.has(en.getKey())) {
                    throw new Mismatch(path + "." + en.getKey() + ": missing");
                }
                walk(en.getValue(), a.get(en.getKey()), path + "." + en.getKey(), rtol, atol, c);
            }
            return;
        }
        if (e.isTextual()) {
            // vocabulary tokens of feature states: exact equality
            if (a == null || !a.isTextual() || !a.textValue().equals(e.textValue())) {
                throw new Mismatch(path + ": expected " + e + ", got " + a);
            }
            return;
        }
        throw new Mismatch(path + ": unsupported expected value " + e);
    }

    private static final class Mismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message);
        }
    }
}
