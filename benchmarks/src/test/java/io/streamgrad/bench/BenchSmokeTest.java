package io.streamgrad.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.bench.operator.OperatorOverheadBench;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Proves the harnesses run (tiny sizes, well under a second); no timing is asserted. */
class BenchSmokeTest {

    @Test
    void operatorBenchmarkPrintsATableRowPerShape() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new OperatorOverheadBench(new PrintStream(bytes, true, StandardCharsets.UTF_8), 1)
                .run(List.of(new OperatorOverheadBench.Shape("tiny", 3, 4, 1, 2)));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("model", "bare us", "rocks us").containsPattern("(?m)^tiny +\\d+ ");
    }

    @Test
    void embeddingBenchmarkPrintsAJsonLinePerVocabularyAndMode() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(BenchMain.run(List.of("embeddings", "--vocab", "50,80", "--dim", "2", "--batch", "4",
                "--millis", "20", "--warmup-millis", "0", "--no-fork"), o, o)).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("{\"benchmark\":\"embeddings\",\"mode\":\"dense\",\"vocabulary\":50,")
                .contains("\"sparseOverDense\":null");
        assertThat(lines.get(3)).contains("\"mode\":\"sparse\",\"vocabulary\":80,").containsPattern(
                "\"sparseOverDense\":\\d");
    }

    @Test
    void commandLineListsTheHarnessesAndRejectsUnknownOnes() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(BenchMain.run(List.of("--help"), o, e)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("pipeline", "operator", "many-keys", "embeddings",
                "kernels");
        assertThat(BenchMain.run(List.of("nope"), o, e)).isEqualTo(2);
        assertThat(BenchMain.run(List.of("pipeline", "--examples", "x"), o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'nope'",
                "--examples must be a whole number");
    }

    @Test
    void optionsTakeValuesFlagsAndRepeats() {
        BenchOptions o = BenchOptions.parse(List.of("--keys=3", "--set", "a=1", "--set", "b=2", "--no-profile"),
                Set.of("keys", "set"), Set.of("no-profile"));
        assertThat(o.number("keys", 1)).isEqualTo(3);
        assertThat(o.all("set")).containsExactly("a=1", "b=2");
        assertThat(o.flag("no-profile")).isTrue();
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--no-profile=yes"), Set.of(), Set.of("no-profile")))
                .hasMessageContaining("takes no value");
    }
}
