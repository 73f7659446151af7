package io.streamgrad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code produce} reports only acknowledged records, and fails fast naming a broker that does not answer. */
class ProduceCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int cli(String... args) {
        return StreamGradCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    @Test
    void aDeadBrokerFailsWithinSecondsNamingItAndNothingIsReportedSent() throws Exception {
        Path file = Files.writeString(dir.resolve("x.jsonl"), "{\"a\":1}\n");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        long t0 = System.nanoTime();
        int code = cli("produce", file.toString(), "--topic", "t", "--bootstrap", "127.0.0.1:" + port, "--quiet");
        assertThat(code).isEqualTo(1);
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(ProduceCommand.REACH_SECONDS + 8);
        assertThat(err.toString()).startsWith("error: Kafka at 127.0.0.1:" + port + " (--bootstrap) ")
                .contains("nothing was sent");
        assertThat(out.toString()).doesNotContain("sent");
    }

    @Test
    void reportsTheRecordsKafkaAcknowledged() throws Exception {
        Path file = Files.writeString(dir.resolve("x.jsonl"), "{\"a\":1}\n\n{\"a\":2}\n{\"a\":3}\n");
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopic("t", 1, false);
            assertThat(cli("produce", file.toString(), "--topic", "t", "--bootstrap", kafka.bootstrapServers(), "--quiet"))
                    .as(err.toString()).isZero();
        }
        assertThat(out.toString()).startsWith("sent 3 records to t in ");
    }
}
