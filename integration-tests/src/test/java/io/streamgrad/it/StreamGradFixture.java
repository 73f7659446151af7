package io.streamgrad.it;

import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.operators.Example;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What an end-to-end test runs against: a Kafka broker (in-process, or any bootstrap address), with
 * topic creation, keyed production, read_committed reading of output topics, and the job started
 * on a local Flink MiniCluster. Every client gets the fixture's client properties (e.g. SASL).
 */
final class StreamGradFixture implements AutoCloseable {
    /** Max parallelism of every test job (key groups), fixed so savepoints can be rescaled. */
    static final int MAX_PARALLELISM = 128;
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    /** One input record: Kafka key and value (either may be null), and a partition (null: the producer's choice). */
    record In(String key, byte[] value, Integer partition) {
        In(String key, byte[] value) {
            this(key, value, null);
        }

        static In text(String key, String value) {
            return new In(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8), null);
        }

        In toPartition(int p) {
            return new In(key, value, p);
        }
    }

    private final EmbeddedKafkaBroker broker;
    private final String bootstrap;
    private final Map<String, String> client;

    private StreamGradFixture(EmbeddedKafkaBroker broker, String bootstrap, Map<String, String> client) {
        this.broker = broker;
        this.bootstrap = bootstrap;
        this.client = Map.copyOf(client);
    }

    /** An in-process broker (KRaft) with default settings. */
    static StreamGradFixture start() {
        return start(Map.of());
    }

    /** An in-process broker with these broker settings. */
    static StreamGradFixture start(Map<String, String> brokerSettings) {
        EmbeddedKafkaBroker b = EmbeddedKafkaBroker.start(0, brokerSettings);
        return new StreamGradFixture(b, b.bootstrapServers(), Map.of());
    }

    /** An in-process SASL broker; the fixture's own clients log in as {@code user}. */
    static StreamGradFixture startSasl(EmbeddedKafkaBroker.Sasl sasl, String user, String password) {
        EmbeddedKafkaBroker b = EmbeddedKafkaBroker.start(0, Map.of(), sasl);
        return new StreamGradFixture(b, b.bootstrapServers(), sasl.clientProperties(user, password));
    }

    /** A broker someone else runs (e.g. in a container). */
    static StreamGradFixture external(String bootstrapServers) {
        return new StreamGradFixture(null, bootstrapServers, Map.of());
    }

    String bootstrapServers() {
        return bootstrap;
    }

    /** The client properties every client of the fixture uses. */
    Map<String, String> clientProperties() {
        return client;
    }

    Admin admin() {
        return Admin.create(properties(Map.of()));
    }

    /** A job YAML against this broker. */
    JobYaml job(String name, int parallelism) {
        return JobYaml.job(name, parallelism).kafka(bootstrap);
    }

    // ------------------------------------------------------------------ topics and records

    void createTopic(String name, int partitions, boolean compacted) {
        if (broker != null) {
            broker.createTopic(name, partitions, compacted);
            return;
        }
        NewTopic t = new NewTopic(name, partitions, (short) 1);
        if (compacted) {
            t.configs(Map.of("cleanup.policy", "compact"));
        }
        try (Admin admin = admin()) {
            admin.createTopics(List.of(t)).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        }
    }

    /** The output topics {@code <prefix>-metrics, -snapshots, -dead}, one partition each. */
    void createOutputs(String prefix) {
        for (String t : List.of("-metrics", "-snapshots", "-dead")) {
            createTopic(prefix + t, 1, false);
        }
    }

    void produce(String topic, List<In> records) {
        produce(Map.of(), topic, records);
    }

    /** Produces the records in order (idempotent producer, acks all, extra settings); fails on any send error. */
    void produce(Map<String, String> settings, String topic, List<In> records) {
        Properties p = properties(settings);
        p.putIfAbsent("enable.idempotence", "true");
        p.putIfAbsent("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (In r : records) {
                sent.add(producer.send(new ProducerRecord<>(topic, r.partition(),
                        r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value())));
            }
            producer.flush();
            for (Future<?> f : sent) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to " + topic, e);
        }
    }

    /** Each sample keyed by its model key, to the partition of its key's hash. */
    void produceSamples(String topic, int partitions, List<Sample> samples) {
        produce(topic, samples.stream().map(s -> s.toRecord(partitions)).toList());
    }

    Outputs readAll(String... topics) {
        return readAll(READ_TIMEOUT, topics);
    }

    /**
     * Everything committed on {@code topics} now: a read_committed consumer reads every partition
     * from the beginning up to its end offset (the last stable offset), so after a finished bounded
     * job nothing is missed. Fails if an open transaction keeps a partition from getting there in time.
     */
    Outputs readAll(Duration timeout, String... topics) {
        Properties p = properties(Map.of());
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("max.partition.fetch.bytes", String.valueOf(8 << 20));
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                List<PartitionInfo> infos = c.partitionsFor(t, Duration.ofSeconds(30));
                if (infos != null) {
                    infos.forEach(i -> parts.add(new TopicPartition(t, i.partition())));
                }
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("read_committed consumer did not reach the end offsets " + end + " in " + timeout);
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return new Outputs(out);
    }

    /** A read_committed consumer of whole topics that collects until a condition holds. */
    Reader reader(String... topics) {
        return new Reader(topics);
    }

    final class Reader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();

        private Reader(String... topics) {
            Properties p = properties(Map.of());
            p.put("group.id", "it-reader-" + System.nanoTime());
            p.put("auto.offset.reset", "earliest");
            p.put("isolation.level", "read_committed");
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(topics));
        }

        /** Polls until {@code done} holds for the records read so far; fails after the timeout. */
        Outputs until(Predicate<Outputs> done, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(read())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("condition not reached in " + timeout + "; read " + records.size() + " records");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return read();
        }

        /** The records read so far. */
        Outputs read() {
            return new Outputs(records);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private Properties properties(Map<String, String> settings) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.putAll(client);
        p.putAll(settings);
        return p;
    }

    // ------------------------------------------------------------------ the job on a local MiniCluster

    /** Flink settings: state backend ({@code hashmap} or {@code rocksdb}), restarts allowed, max parallelism. */
    static Configuration flinkConf(String backend, int restarts) {
        Configuration c = new Configuration();
        c.set(StateBackendOptions.STATE_BACKEND, backend);
        c.set(PipelineOptions.MAX_PARALLELISM, MAX_PARALLELISM);
        c.set(RestartStrategyOptions.RESTART_STRATEGY, restarts > 0 ? "fixed-delay" : "none");
        if (restarts > 0) {
            c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts);
            c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(50));
        }
        return c;
    }

    /** Builds the job on a local MiniCluster with {@code flink} settings and submits it. */
    static JobClient startJob(JobConfig cfg, Configuration flink, UnaryOperator<DataStream<Example>> beforeTraining)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(cfg.parallelism(), flink);
        OnlineTrainingJob.build(env, cfg, Map.of(), beforeTraining);
        return env.executeAsync(cfg.jobName());
    }

    /** Builds the job, warm-started from {@code warmStarts}, on a local MiniCluster with {@code flink} settings. */
    static JobClient startJob(JobConfig cfg, Configuration flink, Map<String, ModelSnapshot> warmStarts) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(cfg.parallelism(), flink);
        OnlineTrainingJob.build(env, cfg, warmStarts);
        return env.executeAsync(cfg.jobName());
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
    }
}
