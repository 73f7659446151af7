package io.streamgrad.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code streamgrad-sql.jar} alone provides the training function and the model provider: a child
 * JVM whose classpath holds Flink's table and runtime jars but none of our classes nor the libraries
 * the jar relocates loads the jar with {@code ADD JAR}, trains with {@code STREAMGRAD_TRAIN} and
 * scores with {@code ML_PREDICT} from the snapshot it wrote (runs after {@code package}).
 */
class StreamgradSqlJarIT {

    @Test
    void theShadedJarAloneProvidesTrainingAndScoring(@TempDir Path dir) throws Exception {
        // only the integration-test execution (after package) says where the jar is
        assumeTrue(System.getProperty("streamgrad.sqlJar") != null, "runs after package (mvn verify)");
        Path jar = Path.of(System.getProperty("streamgrad.sqlJar"));
        String classpath = Files.readString(Path.of(System.getProperty("streamgrad.flinkTableClasspath"))).strip();
        assertThat(jar).exists();
        assertThat(classpath).doesNotContain("streamgrad-").doesNotContain("kafka-clients").doesNotContain("jackson-databind");
        Path source = dir.resolve("SqlJarCheck.java");
        try (InputStream in = StreamgradSqlJarIT.class.getResourceAsStream("/jar-check/SqlJarCheck.java")) {
            Files.write(source, in.readAllBytes());
        }
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", classpath, source.toString(), jar.toAbsolutePath().toString(), dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(240, TimeUnit.SECONDS)).as("child finished").isTrue();
        String out = Files.readString(log);
        assertThat(child.exitValue()).as(out).isZero();
        assertThat(out).contains("no project classes on the classpath", "trained: 10 metric rows, snapshot true");

        ModelSnapshot snapshot = SnapshotJson.fromBytes(Files.readAllBytes(dir.resolve("snapshots.json")));
        assertThat(snapshot.version()).isEqualTo(10);
        Predictor predictor = Predictor.of(snapshot);
        String expected = List.of("1.0,0.0 -> " + (double) predictor.predict(new float[] {1f, 0f}).values()[0] + " v10",
                "0.0,1.0 -> " + (double) predictor.predict(new float[] {0f, 1f}).values()[0] + " v10").toString();
        assertThat(out).contains("scored: " + expected);
        System.out.println(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("scored") || l.startsWith("trained")).toList());
    }
}
