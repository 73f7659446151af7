package io.streamgrad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user-facing replay command on a conformance case, end to end through the CLI. */
class ReplayCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int cli(String... args) {
        return StreamGradCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    @Test
    void replaysCasesRecursivelyIntoOneResultFilePerCase() throws Exception {
        Path cases = tmp.resolve("cases/nested");
        Files.createDirectories(cases);
        try (var in = getClass().getResourceAsStream("/cases/sgd_basic.json")) {
            Files.copy(in, cases.resolve("sgd_basic.json"));
        }
        Path results = tmp.resolve("results");

        assertThat(cli("replay", tmp.resolve("cases").toString(), results.toString())).isZero();

        JsonNode result = MAPPER.readTree(results.resolve("sgd_basic.json").toFile());
        JsonNode expected = MAPPER.readTree(cases.resolve("sgd_basic.json").toFile()).get("expected");
        assertThat(result.get("name").asText()).isEqualTo("sgd_basic");
        assertThat(result.get("losses")).hasSize(expected.get("losses").size());
        for (int i = 0; i < expected.get("losses").size(); i++) {
            double e = expected.get("losses").get(i).asDouble();
            assertThat(result.get("losses").get(i).asDouble()).isCloseTo(e, org.assertj.core.data.Offset.offset(
                    1e-5 + 1e-4 * Math.abs(e)));
        }
        assertThat(result.at("/finalState/layers")).hasSize(expected.at("/finalState/layers").size());
        assertThat(result.at("/inference/y")).hasSize(expected.at("/inference/y").size());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("replayed 1 case");
    }

    @Test
    void reportsAMalformedCaseAndStillWritesTheOthers() throws Exception {
        Path cases = tmp.resolve("cases");
        Files.createDirectories(cases);
        try (var in = getClass().getResourceAsStream("/cases/sgd_basic.json")) {
            Files.copy(in, cases.resolve("good.json"));
        }
        Files.writeString(cases.resolve("bad.json"), "{\"model\": {\"inputDim\": 2, \"layers\": [{\"type\": \"conv\"}],"
                + " \"loss\": \"meanSquaredError\"}}");
        Path results = tmp.resolve("results");

        assertThat(cli("replay", cases.toString(), results.toString())).isEqualTo(1);

        assertThat(results.resolve("good.json")).exists();
        assertThat(results.resolve("bad.json")).doesNotExist();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad").contains("model.layers[0].type");
    }

    @Test
    void wrongArgumentsPrintUsageWithExitCode2() {
        assertThat(cli("replay", "only-one")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: streamgrad replay");
    }

    @Test
    void helpListsCommands() {
        assertThat(cli("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("replay");
        assertThat(cli("replay", "--help")).isZero();
    }
}
