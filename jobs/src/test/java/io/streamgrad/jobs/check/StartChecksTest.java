package io.streamgrad.jobs.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.jobs.config.ConfigException;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each start-time check fires with a message naming its setting, against a real in-process broker. */
class StartChecksTest {
    private static EmbeddedKafkaBroker kafka;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafkaBroker.start();
        kafka.createTopic("in", 1, false);
        kafka.createTopic("snapshots-compacted", 1, true);
        kafka.createTopic("snapshots-plain", 1, false);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    static JobConfig cfg(String bootstrap, String... overrides) {
        String yaml = """
                job: {name: checks}
                kafka: {bootstrapServers: "%s"}
                topics: {input: in, snapshots: snapshots-compacted}
                checkpointing: {intervalMs: 1000}
                input:
                  format: json
                  key: {from: field, field: model}
                  json: {features: x, label: y}
                model:
                  inputDim: 3
                  layers: [{type: dense, units: 1}]
                  loss: meanSquaredError
                optimizer: {type: adam, learningRate: 0.01}
                """.formatted(bootstrap);
        return JobConfig.parse(yaml, Arrays.asList(overrides));
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aWellConfiguredJobPassesQuietly() {
        StartChecks.run(cfg(kafka.bootstrapServers()), out, StartChecks.Where.LOCAL);
        assertThat(printed()).isEmpty();
    }

    @Test
    void aMissingInputTopicFailsNamingTopicsInputAndTheBroker() {
        assertThatThrownBy(() -> StartChecks.run(cfg(kafka.bootstrapServers(), "topics.input=no-such-topic"), out, StartChecks.Where.LOCAL))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("topics.input: topic 'no-such-topic' does not exist on " + kafka.bootstrapServers());
    }

    @Test
    void aMissingLabelsTopicFailsNamingLabelsTopic() {
        assertThatThrownBy(() -> StartChecks.run(cfg(kafka.bootstrapServers(), "training.predictions=unlabelled",
                "labels.topic=no-such-labels", "labels.horizonMs=1000"), out, StartChecks.Where.LOCAL))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("labels.topic: topic 'no-such-labels' does not exist on " + kafka.bootstrapServers());
    }

    @Test
    void aTransactionTimeoutAboveTheBrokersMaximumFailsNamingBothSettings() {
        try (EmbeddedKafkaBroker strict = EmbeddedKafkaBroker.start(0, Map.of("transaction.max.timeout.ms", "60000"))) {
            strict.createTopic("in", 1, false);
            JobConfig c = cfg(strict.bootstrapServers(), "kafka.transactionTimeoutMs=900000");
            assertThatThrownBy(() -> StartChecks.run(c, out, StartChecks.Where.LOCAL)).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("kafka.transactionTimeoutMs: is 900000 ms")
                    .hasMessageContaining("transaction.max.timeout.ms=60000");
            // within the limit, or without transactions, the same broker is fine
            StartChecks.run(cfg(strict.bootstrapServers(), "kafka.transactionTimeoutMs=60000"), out, StartChecks.Where.LOCAL);
            StartChecks.run(cfg(strict.bootstrapServers(), "kafka.deliveryGuarantee=at-least-once"), out, StartChecks.Where.LOCAL);
        }
    }

    @Test
    void aSnapshotTopicWithoutCompactionIsOneWarningNotAFailure() {
        StartChecks.run(cfg(kafka.bootstrapServers(), "topics.snapshots=snapshots-plain"), out, StartChecks.Where.LOCAL);
        assertThat(printed().lines().toList()).containsExactly("warning: topics.snapshots: topic 'snapshots-plain' has "
                + "cleanup.policy=delete, not compact: retention deletes models' latest snapshots, so warm starts may "
                + "find none (set cleanup.policy=compact)");
    }

    @Test
    void anotherRunningJobWithTheSameTransactionalIdPrefixFailsTheStart() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Throwable> errors = new ArrayList<>();
        Thread other = new Thread(() -> { // commits like a running job's exactly-once sink, a transaction at a time
            try (KafkaProducer<String, String> p = producer("shared-metrics-0-1")) {
                p.initTransactions();
                while (running.get()) {
                    p.beginTransaction();
                    p.send(new ProducerRecord<>("in", "k", "v")).get();
                    Thread.sleep(300);
                    p.commitTransaction();
                }
            } catch (Exception e) {
                errors.add(e);
            }
        });
        other.start();
        try {
            Thread.sleep(1000);
            assertThatThrownBy(() -> StartChecks.run(cfg(kafka.bootstrapServers(), "kafka.transactionalIdPrefix=shared"),
                    out, StartChecks.Where.LOCAL)).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("kafka.transactionalIdPrefix: 'shared' is in use by another running job on "
                            + kafka.bootstrapServers());
            // in the JobManager, main() runs again after a failover while the previous attempt may still commit
            StartChecks.run(cfg(kafka.bootstrapServers(), "kafka.transactionalIdPrefix=shared"), out,
                    StartChecks.Where.JOB_MANAGER);
            // a prefix that merely starts the same is another job's business
            StartChecks.run(cfg(kafka.bootstrapServers(), "kafka.transactionalIdPrefix=share"), out, StartChecks.Where.LOCAL);
        } finally {
            running.set(false);
            other.join();
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void thePreviousRunsOpenTransactionsAfterACrashDoNotRefuseTheRestart() throws Exception {
        // a killed run leaves its last transaction open until it times out; nothing moves it any more
        try (KafkaProducer<String, String> crashed = producer("restarted-snapshots-0-7")) {
            crashed.initTransactions();
            crashed.beginTransaction();
            crashed.send(new ProducerRecord<>("in", "k", "v")).get();
            assertThat(TransactionalIdOwners.openTransactions(kafka.admin(), "restarted")).hasSize(1);
            assertThatCode(() -> StartChecks.run(cfg(kafka.bootstrapServers(), "kafka.transactionalIdPrefix=restarted"),
                    out, StartChecks.Where.LOCAL)).doesNotThrowAnyException();
            assertThat(printed()).contains("watching them for 3 s");
        }
    }

    @Test
    void ownedTransactionalIdsAreTheJobsSinks() {
        assertThat(TransactionalIdOwners.ownedBy("job", "job-metrics-0-12")).isTrue();
        assertThat(TransactionalIdOwners.ownedBy("job", "job-dead-letters-3-1")).isTrue();
        assertThat(TransactionalIdOwners.ownedBy("job", "job-2-metrics-0-12")).isFalse();
        assertThat(TransactionalIdOwners.ownedBy("job", "jobs-metrics-0-1")).isFalse();
    }

    private static KafkaProducer<String, String> producer(String transactionalId) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("transactional.id", transactionalId);
        p.put("transaction.timeout.ms", "600000");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }
}
