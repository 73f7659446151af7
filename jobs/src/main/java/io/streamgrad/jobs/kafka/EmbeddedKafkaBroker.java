package io.streamgrad.jobs.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Apache Kafka broker (KRaft, combined broker + controller) running inside this
 * JVM: Kafka's own {@code KafkaRaftServer}, not a mock. Used by {@code streamgrad demo} and the
 * integration tests. Transactions work (replication factor 1 for the internal topics) and
 * {@code transaction.max.timeout.ms} is raised to one hour so that Flink's exactly-once sink
 * (default transaction timeout 1 h in StreamGrad) is accepted.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
 *     kafka.createTopic("examples", 4, false);
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>Secured variant ({@link #start(int, Map, Sasl)}): the client listener is SASL_PLAINTEXT with
 * {@code PLAIN} or {@code SCRAM-SHA-256}/{@code SCRAM-SHA-512}; the users and their passwords are
 * given up front (SCRAM credentials are written into the metadata log when the storage is
 * formatted, as {@code kafka-storage format --add-scram} does). The broker authenticates to itself
 * as an internal user with a random password; {@link #admin()} and {@link #createTopic} use it.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private final Path dataDir;
    private final boolean deleteOnClose;
    private final int port;
    private final KafkaRaftServer server;
    private final Map<String, String> adminSecurity;
    private volatile boolean closed;

    /**
     * SASL authentication on the client listener.
     *
     * @param mechanism {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}
     * @param users user name -> password of the clients allowed to connect
     */
    public record Sasl(String mechanism, Map<String, String> users) {
        public Sasl {
            if (!List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512").contains(mechanism)) {
                throw new IllegalArgumentException("unsupported SASL mechanism " + mechanism
                        + " (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)");
            }
            users = Map.copyOf(users);
        }

        /** Client settings ({@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}) for a user. */
        public Map<String, String> clientProperties(String user, String password) {
            return EmbeddedKafkaBroker.clientProperties(mechanism, user, password);
        }
    }

    /** Kafka client settings to authenticate as {@code user} over SASL_PLAINTEXT with {@code mechanism}. */
    public static Map<String, String> clientProperties(String mechanism, String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", mechanism,
                "sasl.jaas.config", loginModule(mechanism) + " required username=\"" + jaasEscape(user)
                        + "\" password=\"" + jaasEscape(password) + "\";");
    }

    private static String loginModule(String mechanism) {
        return mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
    }

    private static String jaasEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private EmbeddedKafkaBroker(Path dataDir, boolean deleteOnClose, int port, KafkaRaftServer server,
                                Map<String, String> adminSecurity) {
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.port = port;
        this.server = server;
        this.adminSecurity = adminSecurity;
    }

    /** Starts a broker on a free port with a temporary data directory deleted on close. */
    public static EmbeddedKafkaBroker start() {
        return start(0, Map.of());
    }

    /**
     * Starts a broker.
     *
     * @param port client port, 0 = any free port
     * @param overrides extra broker settings (e.g. {@code log.retention.ms})
     */
    public static EmbeddedKafkaBroker start(int port, Map<String, String> overrides) {
        try {
            return start(Files.createTempDirectory("streamgrad-kafka-"), true, port, overrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a broker whose client listener requires SASL authentication ({@code sasl} null = plain
     * text, as {@link #start(int, Map)}).
     */
    public static EmbeddedKafkaBroker start(int port, Map<String, String> overrides, Sasl sasl) {
        try {
            return start(Files.createTempDirectory("streamgrad-kafka-"), true, port, overrides, sasl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static EmbeddedKafkaBroker start(Path dataDir, boolean deleteOnClose, int port, Map<String, String> overrides) {
        return start(dataDir, deleteOnClose, port, overrides, null);
    }

    public static EmbeddedKafkaBroker start(Path dataDir, boolean deleteOnClose, int port, Map<String, String> overrides,
                                            Sasl sasl) {
        int brokerPort = port > 0 ? port : freePort();
        int controllerPort = freePort();
        String logDir = dataDir.resolve("log").toAbsolutePath().toString();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir);
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "2");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "2");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("transaction.max.timeout.ms", "3600000");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.put("log.cleaner.threads", "1");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        List<String> scram = new ArrayList<>();
        Map<String, String> adminSecurity = Map.of();
        if (sasl != null) {
            String internalUser = "streamgrad-broker";
            String internalPassword = Uuid.randomUuid().toString();
            String listener = "SASL_PLAINTEXT";
            p.put("listeners", listener + "://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
            p.put("advertised.listeners", listener + "://localhost:" + brokerPort);
            p.put("listener.security.protocol.map", listener + ":SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("inter.broker.listener.name", listener);
            p.put("sasl.enabled.mechanisms", sasl.mechanism());
            p.put("sasl.mechanism.inter.broker.protocol", sasl.mechanism());
            StringBuilder jaas = new StringBuilder(loginModule(sasl.mechanism()) + " required username=\""
                    + jaasEscape(internalUser) + "\" password=\"" + jaasEscape(internalPassword) + "\"");
            Map<String, String> all = new java.util.TreeMap<>(sasl.users());
            all.put(internalUser, internalPassword);
            if (sasl.mechanism().equals("PLAIN")) {
                all.forEach((u, pw) -> jaas.append(" user_").append(u).append("=\"").append(jaasEscape(pw)).append('"'));
            } else {
                all.forEach((u, pw) -> scram.add(sasl.mechanism() + "=[name=" + u + ",password=" + pw + "]"));
            }
            jaas.append(';');
            p.put("listener.name." + listener.toLowerCase(java.util.Locale.ROOT) + "."
                    + sasl.mechanism().toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config", jaas.toString());
            adminSecurity = clientProperties(sasl.mechanism(), internalUser, internalPassword);
        }
        p.putAll(overrides);
        try {
            Files.createDirectories(Path.of(logDir));
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir))
                    .setMetadataLogDirectory(logDir)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setControllerListenerName("CONTROLLER")
                    .setIgnoreFormatted(true)
                    .setScramArguments(scram)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the embedded Kafka log directory " + logDir, e);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
        server.startup();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, deleteOnClose, brokerPort, server, adminSecurity);
        broker.awaitReady(Duration.ofSeconds(60));
        return broker;
    }

    /** {@code localhost:PORT}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Creates a topic (no error if it exists); compacted topics get {@code cleanup.policy=compact}. */
    public void createTopic(String name, int partitions, boolean compacted) {
        try (Admin admin = admin()) {
            NewTopic t = new NewTopic(name, partitions, (short) 1);
            if (compacted) {
                t.configs(Map.of("cleanup.policy", "compact", "segment.ms", "60000",
                        "min.cleanable.dirty.ratio", "0.1"));
            }
            admin.createTopics(List.of(t)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.putAll(adminSecurity);
        return Admin.create(p);
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get().isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new IllegalStateException("embedded Kafka broker did not become ready in " + timeout, last);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (deleteOnClose) {
                deleteRecursively(dataDir);
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(paths::add);
        } catch (IOException e) {
            return;
        }
        for (Path p : paths) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
