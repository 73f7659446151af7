package io.streamgrad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.ParameterException;

/** The picocli surface: version, exit codes, typed options, and the parser shared with the flink run entry point. */
class CliOptionsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path tmp;

    private int cli(String... args) {
        return StreamGradCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void versionComesFromTheBuild() throws Exception {
        assertThat(cli("--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("streamgrad " + VersionProvider.version());
        assertThat(VersionProvider.version()).isNotEqualTo("unknown").doesNotContain("${");
        out.reset();
        assertThat(cli("run", "--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("streamgrad " + VersionProvider.version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"compare", "bench", "consume"})
    void helpOnTheOtherCommands(String command) {
        assertThat(cli(command, "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: streamgrad " + command);
    }

    @Test
    void helpCommand() {
        assertThat(cli("help", "run")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: streamgrad run");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(cli()).isEqualTo(2);
        assertThat(err()).contains("COMMAND", "Usage: streamgrad");
    }

    @Test
    void usageErrorsNameTheOption() {
        assertThat(cli("run", "--config", "classpath:examples/regression.yaml", "--nope")).isEqualTo(2);
        assertThat(err()).contains("--nope");
        assertThat(cli("bench", "--threads", "0")).isEqualTo(2);
        assertThat(err()).contains("--threads", "must be >= 1");
        assertThat(cli("demo", "--duration", "500ms")).isEqualTo(2);
        assertThat(err()).contains("--duration", "in seconds");
        assertThat(cli("demo", "--web-ui", "70000")).isEqualTo(2);
        assertThat(err()).contains("--web-ui");
        assertThat(cli("run", "--validate")).isEqualTo(2);
        assertThat(err()).contains("--config");
        assertThat(cli("run", "--config", "x.yaml", "--web-ui", "8081", "--jobmanager", "h:1")).isEqualTo(2);
        assertThat(err()).contains("mutually exclusive");
        assertThat(cli("inspect", "--topic", "t", "--property", "novalue")).isEqualTo(2);
        assertThat(err()).contains("--property");
        assertThat(cli("bench", "--workload", "W9")).isEqualTo(2);
        assertThat(err()).contains("--workload");
    }

    @Test
    void compareChecksItsDirectories() {
        assertThat(cli("compare", tmp.resolve("missing").toString(), tmp.toString())).isEqualTo(2);
        assertThat(err()).contains("CASES_DIR");
    }

    @Test
    void runtimeFailureIsExitCode1WithTheCauseOnOneLine() throws Exception {
        Path cases = Files.createDirectories(tmp.resolve("cases"));
        Path notADirectory = Files.writeString(tmp.resolve("results"), "a file");
        assertThat(cli("replay", cases.toString(), notADirectory.toString())).isEqualTo(1);
        assertThat(err()).startsWith("error: ").hasLineCount(1);
    }

    @Test
    void sharedJobOptions() {
        JobOptions o = JobOptions.parse(List.of("-c", "job.yaml", "--set", "a.b=1", "--set=c=2"));
        assertThat(o.config()).isEqualTo("job.yaml");
        assertThat(o.overrides()).containsExactly("a.b=1", "c=2");
        assertThat(o.validateOnly()).isFalse();
        assertThatThrownBy(() -> JobOptions.parse(List.of("--config", "job.yaml", "--parallel", "2")))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--parallel");
        assertThatThrownBy(() -> JobOptions.parse(List.of("--set", "a=1")))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--config");
    }

    @Test
    void flinkEntryPointThrowsInsteadOfExiting() {
        assertThatThrownBy(() -> OnlineTrainingJob.main(new String[] {"--config", "classpath:examples/regression.yaml",
                "--set", "training.batchSize=0"}))
                .isInstanceOf(ConfigException.class).hasMessageContaining("training.batchSize");
        assertThatThrownBy(() -> OnlineTrainingJob.main(new String[] {"--validate"}))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--config");
    }
}
