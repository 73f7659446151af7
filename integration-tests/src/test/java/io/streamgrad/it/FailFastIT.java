package io.streamgrad.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10, "exit loudly": a local {@code run}, started as users start it ({@code java -jar streamgrad.jar run}),
 * whose job fails for good ends with a non-zero exit status and the cause on one line, instead of restarting
 * forever; and a start-time check ends it before the job starts.
 */
class FailFastIT {
    private static final Duration BOUND = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aJobThatFailsForGoodEndsTheProcessNonZeroWithTheCauseOnOneLine() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopic("ff-in", 1, false);
            kafka.createTopic("ff-snapshots", 1, true);
            kafka.createTopic("ff-dead", 1, false);
            // the broker refuses every metric record: a failure no restart can cure
            try (Admin admin = kafka.admin()) {
                admin.createTopics(List.of(new NewTopic("ff-metrics", 1, (short) 1)
                        .configs(Map.of("max.message.bytes", "64")))).all().get();
            }
            produceExamples(kafka, 200);
            long t0 = System.nanoTime();
            Process run = start(dir.resolve("run.log"), "run", "--config", "classpath:examples/regression.yaml",
                    "--set", "kafka.bootstrapServers=" + kafka.bootstrapServers(),
                    "--set", "topics.input=ff-in", "--set", "topics.metrics=ff-metrics",
                    "--set", "topics.snapshots=ff-snapshots", "--set", "topics.deadLetters=ff-dead",
                    "--set", "job.parallelism=1", "--set", "training.batchSize=4",
                    "--set", "training.metricsEverySteps=1", "--set", "checkpointing.intervalMs=1000",
                    // without transactions: the broker could not write its transaction markers to that topic either
                    "--set", "kafka.deliveryGuarantee=at-least-once");
            boolean ended = run.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
            String log = Files.readString(dir.resolve("run.log"));
            assertThat(ended).as("process ended within %s; log:%n%s", BOUND, log).isTrue();
            assertThat(run.exitValue()).as(log).isEqualTo(1);
            List<String> errors = log.lines().filter(l -> l.startsWith("error: ")).toList();
            assertThat(errors).as(log).hasSize(1);
            assertThat(errors.get(0)).contains("larger than the max message size");
            System.out.printf("failing local run exited after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
    }

    @Test
    void aDemoWhoseJobFailsForGoodEndsNonZeroInsteadOfRestartingForever() throws Exception {
        // a transaction timeout above the embedded broker's maximum (1 h): every restart fails to start its transactions
        Process demo = start(dir.resolve("demo.log"), "demo", "--kafka-port", "0", "--web-ui", "0",
                "--out", dir.resolve("demo-out").toString(), "--duration", "300s",
                "--set", "kafka.transactionTimeoutMs=7200000");
        boolean ended = demo.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
        String log = Files.readString(dir.resolve("demo.log"));
        assertThat(ended).as("demo ended within %s; log:%n%s", BOUND, log).isTrue();
        assertThat(demo.exitValue()).as(log).isEqualTo(1);
        List<String> errors = log.lines().filter(l -> l.startsWith("error: ")).toList();
        assertThat(errors).as(log).hasSize(1);
        assertThat(errors.get(0)).as(log).contains("the demo job failed").containsIgnoringCase("transaction");
    }

    @Test
    void aMissingInputTopicEndsTheStartNamingTheSetting() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            Process run = start(dir.resolve("missing.log"), "run", "--config", "classpath:examples/regression.yaml",
                    "--set", "kafka.bootstrapServers=" + kafka.bootstrapServers(), "--set", "topics.input=ff-nowhere");
            boolean ended = run.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
            String log = Files.readString(dir.resolve("missing.log"));
            assertThat(ended).as(log).isTrue();
            assertThat(run.exitValue()).as(log).isEqualTo(2);
            assertThat(log).contains("configuration error: topics.input: topic 'ff-nowhere' does not exist on "
                    + kafka.bootstrapServers());
        }
    }

    private static void produceExamples(EmbeddedKafkaBroker kafka, int n) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>("ff-in", null, "{\"region\":\"r" + (i % 2) + "\",\"sqm\":" + (50 + i % 40)
                        + ",\"rooms\":" + (1 + i % 5) + ",\"age\":" + (i % 30) + ",\"distanceKm\":" + (i % 12)
                        + ",\"price\":" + (100 + i) + "}"));
            }
        }
    }

    private Process start(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                ClosedByDefaultIT.CLI_JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        // in its own directory, as a user would: a local run keeps its state under the working directory
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }
}
