package io.streamgrad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.jobs.sink.JsonRecords;
import io.streamgrad.model.snapshot.SnapshotBuilder;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.LossMetric;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code consume} against a real broker: committed records only, one readable line per record kind. */
class ConsumeCommandTest {
    private static EmbeddedKafkaBroker kafka;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafkaBroker.start();
        kafka.createTopic("outputs", 1, false);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private int cli(String... args) {
        return StreamGradCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    @Test
    void printsCommittedMetricsSnapshotsAndDeadLettersButNotAbortedRecords() throws Exception {
        LossMetric m = new LossMetric();
        m.modelKey = "eu";
        m.version = 12;
        m.step = 12;
        m.examplesSeen = 384;
        m.loss = 0.25;
        m.learningRate = 0.001;
        Trainer t = new Trainer(SpecParser.model(SpecParser.readTree(
                "{inputDim: 2, layers: [{type: dense, units: 1}], loss: meanSquaredError}")),
                SpecParser.optimizer(SpecParser.readTree("{type: sgd, learningRate: 0.1}")));
        String snapshot = new String(SnapshotJson.toBytes(
                new SnapshotBuilder(t, true).build("us", t.newState(1), 1_700_000_000_000L)), StandardCharsets.UTF_8);
        String dead = JsonRecords.deadLetter(new DeadLetter("apac", "parse", "label: missing", "{\"x\":1}", 7, 1L)).toString();

        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("transactional.id", "consume-test");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("outputs", "eu", JsonRecords.metric(m).toString()));
            producer.send(new ProducerRecord<>("outputs", "us", snapshot));
            producer.send(new ProducerRecord<>("outputs", "apac", dead));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("outputs", "eu", "{\"aborted\": true}"));
            producer.flush();
            producer.abortTransaction();
        }

        assertThat(cli("consume", "--topic", "outputs", "--bootstrap", kafka.bootstrapServers())).as(err.toString()).isZero();
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("metric").contains("eu", "v12", "examples 384", "loss 0.250000");
        assertThat(lines[1]).startsWith("snapshot").contains("us", "v0", "step 0");
        assertThat(lines[2]).startsWith("dead").contains("apac", "[parse]", "label: missing", "{\"x\":1}");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("aborted");

        out.reset();
        assertThat(cli("consume", "--topic", "outputs", "--bootstrap", kafka.bootstrapServers(), "--key", "us", "--json"))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).trim()).isEqualTo(snapshot);
    }

    @Test
    void aMissingTopicIsNamedWithTheBroker() {
        assertThat(cli("consume", "--topic", "nope", "--bootstrap", kafka.bootstrapServers(), "--timeout", "10")).isEqualTo(1);
        assertThat(err.toString()).contains("nope", kafka.bootstrapServers());
    }
}
