package io.streamgrad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The shipped example configurations validate; configuration errors exit 2 naming the field; --help everywhere. */
class CliCommandsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int cli(String... args) {
        return StreamGradCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"regression", "binary", "multiclass", "multi-model", "click-through",
            "click-through-delayed-labels"})
    void exampleConfigurationsAreValid(String name) {
        assertThat(cli("run", "--config", "classpath:examples/" + name + ".yaml", "--validate"))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("configuration OK");
    }

    @Test
    void configurationErrorNamesTheField() {
        assertThat(cli("run", "--config", "classpath:examples/regression.yaml", "--set", "training.batchSize=0", "--validate"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("training.batchSize: must be >= 1");
        assertThat(cli("run", "--config", "classpath:examples/binary.yaml", "--set", "model.layers[1].activation=swish",
                "--validate")).isEqualTo(2);
        assertThat(err.toString()).contains("model.layers[1].activation");
    }

    @Test
    void validateChecksTheModelAgainstTheHeapAndMaxRequestSizeWithoutABroker() {
        // ~410M weights (Adam: ~4.9 GB of state) used to pass --validate and die later with an OutOfMemoryError
        String huge = "model.layers=[{type: dense, units: 20000}, {type: dense, units: 20500}, {type: dense, units: 1}]";
        assertThat(cli("run", "--config", "classpath:examples/regression.yaml", "--set", huge, "--validate")).isEqualTo(2);
        assertThat(err.toString()).contains("configuration error: model: one model's state", "maximum heap of");
        // 4 -> 300 -> 300 -> 1 fits the heap, but a snapshot with its Adam state does not fit 1 MiB
        String big = "model.layers=[{type: dense, units: 300}, {type: dense, units: 300}, {type: dense, units: 1}]";
        assertThat(cli("run", "--config", "classpath:examples/regression.yaml", "--set", big, "--validate")).isEqualTo(2);
        assertThat(err.toString()).contains("configuration error: kafka.properties.max.request.size: is 1048576 bytes");
        assertThat(cli("run", "--config", "classpath:examples/regression.yaml", "--set", big, "--set",
                "kafka.properties.max.request.size=8000000", "--validate")).as(err.toString()).isZero();
    }

    @Test
    void scoreValidatesTheScoringSection() {
        assertThat(cli("score", "--config", "classpath:examples/binary.yaml", "--set", "scoring.earlyEvents=deadLetter",
                "--validate")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("configuration OK", "events churn-events",
                "predictions streamgrad-predictions", "before their key's first model: deadLetter");
        assertThat(cli("score", "--config", "classpath:examples/binary.yaml", "--set",
                "scoring.maxHeldEventsPerKey=0", "--validate")).isEqualTo(2);
        assertThat(err.toString()).contains("scoring.maxHeldEventsPerKey: must be >= 1");
    }

    @Test
    void theScoringJobCheckpointsEverySecondUnlessTheYamlSetsAnInterval() {
        assertThat(cli("score", "--config", "classpath:examples/binary.yaml", "--validate")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("checkpoint every 1000 ms (the scoring default: checkpointing.intervalMs "
                + "is not set); predictions become visible to read_committed consumers at each checkpoint");
        out.reset();
        assertThat(cli("score", "--config", "classpath:examples/binary.yaml", "--set", "checkpointing.intervalMs=10000",
                "--validate")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("checkpoint every 10000 ms;").doesNotContain("scoring default");
        assertThat(cli("score", "--config", "classpath:examples/binary.yaml", "--set", "checkpointing.intervalMs=-5",
                "--validate")).isEqualTo(2);
        assertThat(err.toString()).contains("checkpointing.intervalMs: must be >= 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "score", "demo", "produce", "inspect", "replay"})
    void helpEverywhere(String command) {
        assertThat(cli(command, "--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: streamgrad " + command);
    }

    @Test
    void overviewListsCommands() {
        assertThat(cli("--help")).isZero();
        assertThat(out.toString()).contains("run", "demo", "produce", "inspect", "replay");
        assertThat(cli("produce", "nope.csv", "--topic", "t")).isEqualTo(2);
        assertThat(err.toString()).contains("no such file");
        assertThat(cli("produce", "--synthetic", "nope", "--topic", "t")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown stream");
    }
}
