package io.streamgrad.model.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.train.Trainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented numpy snippet ({@code src/test/python/predict_snapshot.py}) reproduces
 * {@link Predictor} on snapshots of every output kind, within float32 rounding. Skipped when
 * python3 or numpy is not installed.
 */
class PredictSnapshotPythonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCRIPT = Path.of("src/test/python/predict_snapshot.py");

    @BeforeAll
    static void pythonWithNumpy() throws Exception {
        assumeThat(Files.isRegularFile(SCRIPT)).as("script %s", SCRIPT.toAbsolutePath()).isTrue();
        Result r = run(List.of("python3", "-c", "import numpy"));
        assumeThat(r != null && r.exit == 0).as("python3 with numpy is installed").isTrue();
    }

    @Test
    void numpySnippetReproducesThePredictor(@TempDir Path dir) throws Exception {
        int k = 0;
        for (Trainer trainer : ServeFixtures.trainers()) {
            ModelSnapshot snap = ServeFixtures.snapshot(trainer, ServeFixtures.trained(trainer, 13, 25), true);
            Path file = dir.resolve("snapshot-" + k + ".json");
            Files.write(file, SnapshotJson.toBytes(snap)); // with the base64 state, which the snippet ignores
            List<float[]> rows = ServeFixtures.rows(new Random(17 + k), 40, trainer.modelSpec().inputDim());
            Path rowsFile = dir.resolve("rows-" + k + ".json");
            Files.write(rowsFile, JSON.writeValueAsBytes(rows));
            k++;

            Result r = run(List.of("python3", SCRIPT.toString(), file.toString(), rowsFile.toString()));
            assertThat(r).isNotNull();
            assertThat(r.exit).as("python3 stderr: %s", r.stderr).isZero();
            JsonNode out = JSON.readTree(r.stdout);
            Predictor p = Predictor.load(file);
            for (int i = 0; i < rows.size(); i++) {
                Prediction expected = p.predict(rows.get(i));
                JsonNode values = out.get("values").get(i);
                for (int j = 0; j < p.outputDim(); j++) {
                    double py = values.get(j).asDouble();
                    double java = expected.values()[j];
                    assertThat(Math.abs(py - java)).as("row %d output %d: python %s, java %s", i, j, py, java)
                            .isLessThanOrEqualTo(1e-5 + 1e-5 * Math.abs(java));
                }
                if (p.outputKind() != OutputKind.BINARY || Math.abs(expected.values()[0] - 0.5f) > 1e-5) {
                    assertThat(out.get("classIndex").get(i).asInt()).isEqualTo(expected.classIndex());
                }
            }
        }
    }

    private record Result(int exit, String stdout, String stderr) {}

    private static Result run(List<String> command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null; // python3 not on the PATH
        }
    }
}
