package io.streamgrad.model.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public cases replayed by the engine pass the comparator; wrong or missing results fail it. */
class CaseComparatorTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> PUBLIC_CASES = List.of("adagrad_basic", "adam_basic", "adam_bn_dropout_l2",
            "rmsprop_basic", "sgd_basic", "sgd_momentum", "sgd_momentum_piecewise", "sgd_nesterov");

    @TempDir
    Path results;

    private Path cases;

    @BeforeEach
    void replayPublicCases() throws IOException, URISyntaxException {
        cases = Path.of(CaseComparatorTest.class.getResource("/conformance/public").toURI());
        assertThat(CaseReplayer.replayAll(cases, results)).isEmpty();
    }

    @Test
    void replayedPublicCasesAllPass() {
        Run run = compare();

        assertThat(run.failed).isZero();
        assertThat(run.lines).hasSize(PUBLIC_CASES.size() + 1);
        for (int i = 0; i < PUBLIC_CASES.size(); i++) {
            assertThat(run.lines.get(i)).isEqualTo("PASS " + PUBLIC_CASES.get(i));
        }
        assertThat(run.lines.get(PUBLIC_CASES.size())).isEqualTo("8 passed, 0 failed");
    }

    @Test
    void weightOutsideToleranceFailsNamingCaseAndQuantity() throws IOException {
        ObjectNode result = readResult("sgd_basic");
        ArrayNode row = (ArrayNode) result.at("/finalState/layers/1/kernel/3");
        row.set(1, row.get(1).doubleValue() + 1e-3); // tolerance: rtol 1e-5, atol 1e-6
        writeResult("sgd_basic", result);

        Run run = compare();

        assertThat(run.failed).isEqualTo(1);
        assertThat(run.lines).filteredOn(l -> l.startsWith("FAIL")).singleElement().asString()
                .startsWith("FAIL sgd_basic: finalState.layers[1].kernel[3][1], actual ")
                .contains("1 of ", "values out of tolerance");
        assertThat(run.lines).last().isEqualTo("7 passed, 1 failed");
    }

    @Test
    void changeWithinToleranceStillPasses() throws IOException {
        ObjectNode result = readResult("sgd_basic");
        ArrayNode losses = (ArrayNode) result.get("losses");
        losses.set(0, losses.get(0).doubleValue() + 5e-7); // below atol 1e-6
        writeResult("sgd_basic", result);

        assertThat(compare().failed).isZero();
    }

    @Test
    void missingResultFileFails() throws IOException {
        Files.delete(results.resolve("adam_basic.json"));

        Run run = compare();

        assertThat(run.failed).isEqualTo(1);
        assertThat(run.lines).contains("FAIL adam_basic: missing result file adam_basic.json");
        assertThat(run.lines).last().isEqualTo("7 passed, 1 failed");
    }

    @Test
    void structuralProblemsFail() throws IOException {
        ObjectNode shortened = readResult("sgd_momentum");
        ((ArrayNode) shortened.get("learningRates")).remove(0);
        writeResult("sgd_momentum", shortened);
        ObjectNode missingKey = readResult("sgd_nesterov");
        ((ObjectNode) missingKey.at("/finalState/layers/0")).remove("bias");
        writeResult("sgd_nesterov", missingKey);
        ObjectNode notANumber = readResult("rmsprop_basic");
        ((ArrayNode) notANumber.get("losses")).set(2, "NaN");
        writeResult("rmsprop_basic", notANumber);
        Files.writeString(results.resolve("adagrad_basic.json"), "{\"losses\": [1,");

        Run run = compare();

        assertThat(run.failed).isEqualTo(4);
        assertThat(run.lines).contains(
                "FAIL sgd_momentum: learningRates: shape mismatch, length 9 vs expected 10",
                "FAIL sgd_nesterov: finalState.layers[0].bias: missing",
                "FAIL rmsprop_basic: losses[2]: expected a number, got \"NaN\"");
        assertThat(run.lines).anySatisfy(l -> assertThat(l).startsWith("FAIL adagrad_basic: cannot parse result file"));
    }

    @Test
    void nonFiniteNumberFails() throws IOException {
        // a bare NaN token, as Python's json module writes it
        Path file = results.resolve("sgd_basic.json");
        String text = Files.readString(file);
        Files.writeString(file, text.replaceFirst("\"losses\":\\[[^,\\]]+", "\"losses\":[NaN"));

        Run run = compare();

        assertThat(run.lines).anySatisfy(l -> assertThat(l).startsWith("FAIL sgd_basic: losses[0], actual NaN"));
    }

    @Test
    void casesInSubfoldersAreFound(@TempDir Path tree) throws IOException {
        Path nested = Files.createDirectories(tree.resolve("optimizers/sgd"));
        Files.copy(cases.resolve("sgd_basic.json"), nested.resolve("sgd_basic.json"));
        Files.copy(cases.resolve("adam_basic.json"), tree.resolve("adam_basic.json"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int failed = CaseComparator.compare(tree, results, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(failed).isZero();
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
                .containsExactly("PASS adam_basic", "PASS sgd_basic", "2 passed, 0 failed");
    }

    @Test
    void emptyCasesDirectoryIsAFailure(@TempDir Path empty) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int failed = CaseComparator.compare(empty, results, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(failed).isEqualTo(1);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).endsWith("0 passed, 1 failed" + System.lineSeparator());
    }

    // ------------------------------------------------------------------------------------------

    private record Run(int failed, List<String> lines) {}

    private Run compare() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int failed = CaseComparator.compare(cases, results, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(failed, bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private ObjectNode readResult(String name) throws IOException {
        return (ObjectNode) MAPPER.readTree(results.resolve(name + ".json").toFile());
    }

    private void writeResult(String name, ObjectNode result) throws IOException {
        MAPPER.writeValue(results.resolve(name + ".json").toFile(), result);
    }
}
