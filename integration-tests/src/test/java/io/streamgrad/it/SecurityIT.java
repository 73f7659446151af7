package io.streamgrad.it;

import static io.streamgrad.it.JobYaml.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.it.StreamGradFixture.In;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.input.ParseResult;
import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.jobs.kafka.KafkaPreflight;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import io.streamgrad.model.state.StateFormatException;
import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.LossMetric;
import io.streamgrad.operators.SnapshotRecord;
import io.streamgrad.operators.state.KeyProgress;
import io.streamgrad.operators.state.ModelStateSerializer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5 item 7: the job authenticates to a SASL (SCRAM-SHA-256) broker with credentials from its
 * configuration; wrong credentials fail at start with an authentication error; no credential
 * reaches a log line or an output topic. State and snapshot decoding reject hostile sizes quickly
 * and no Java deserialization (nor Kryo) is involved in our formats.
 */
class SecurityIT {
    static final String USER = "trainer";
    static final String PASSWORD = "pw-" + java.util.UUID.randomUUID().toString().replace("-", "");
    static final String WRONG = "wrong-" + PASSWORD.substring(3);
    static StreamGradFixture kafka;
    static EmbeddedKafkaBroker.Sasl sasl;
    static LogCapture logs;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        logs = LogCapture.install();
        sasl = new EmbeddedKafkaBroker.Sasl("SCRAM-SHA-256", Map.of(USER, PASSWORD));
        kafka = StreamGradFixture.startSasl(sasl, USER, PASSWORD);
    }

    @AfterAll
    static void stop() {
        try {
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            logs.close();
        }
    }

    static Path config(String name, String password) {
        return kafka.job(name, 1).bounded().kafkaProperty("security.protocol", "SASL_PLAINTEXT")
                .kafkaProperty("sasl.mechanism", "SCRAM-SHA-256")
                .kafkaProperty("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"" + USER + "\" password=\"" + password + "\";")
                .topics(name).jsonInput("model").model(2, "meanSquaredError", dense(4, "relu"), dense(1))
                .optimizer("{type: sgd, learningRate: 0.05}").batches(10).snapshotEvery(5).checkpointEvery(500)
                .write(tmp.resolve(name + ".yaml"));
    }

    static List<In> input(int n) {
        Random r = new Random(9);
        List<In> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float a = (float) r.nextGaussian();
            float b = (float) r.nextGaussian();
            out.add(In.text(null, "{\"model\":\"m" + (i % 2) + "\",\"x\":[" + a + "," + b + "],\"y\":" + (a - b) + "}"));
        }
        out.add(In.text(null, "{\"model\":\"m0\",\"x\":[1],\"y\":0}"));
        return out;
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void jobAuthenticatesWithConfiguredCredentialsAndLeaksThemNowhere() throws Exception {
        String name = "sasl-ok";
        kafka.createTopic(name + "-in", 1, false);
        kafka.produce(name + "-in", input(200));
        Path cfgFile = config(name, PASSWORD);
        // the real entry point (flink run / application mode): preflight, build, execute (bounded: returns when done)
        OnlineTrainingJob.main(new String[] {"--config", cfgFile.toString()});

        Outputs out = kafka.readAll(name + "-metrics", name + "-snapshots", name + "-dead");
        assertThat(out.records(name + "-metrics")).hasSize(20);
        assertThat(out.snapshots(name + "-snapshots")).extracting(s -> s.modelKey() + "@" + s.version())
                .containsExactlyInAnyOrder("m0@5", "m0@10", "m1@5", "m1@10");
        assertThat(out.json(name + "-dead")).singleElement()
                .satisfies(d -> assertThat(d.get("reason").asText()).isEqualTo("x: expected 2 values, got 1"));
        byte[] secret = PASSWORD.getBytes(StandardCharsets.UTF_8);
        int records = 0;
        for (var r : out.all()) {
            records++;
            assertThat(contains(r.value(), secret) || (r.key() != null && r.key().contains(PASSWORD)))
                    .as("credential in %s", r.topic()).isFalse();
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).doesNotContain("sasl.jaas.config");
        }
        assertThat(records).isEqualTo(20 + 4 + 1);
        // the configuration summary is logged, with the secret masked
        assertThat(logs.text()).contains("sasl.jaas.config=******").contains("StreamGrad job configuration");
        assertNoCredentialLogged();
        System.out.printf("SecurityIT: SCRAM-SHA-256 job read/wrote %d output records; %d log lines captured at INFO,"
                + " no credential in any%n", records, logs.lines());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void wrongCredentialsFailFastWithAnAuthenticationError() throws Exception {
        String name = "sasl-wrong";
        kafka.createTopic(name + "-in", 1, false);
        Path cfgFile = config(name, WRONG);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> OnlineTrainingJob.main(new String[] {"--config", cfgFile.toString()}))
                .isInstanceOf(KafkaPreflight.KafkaAccessException.class)
                .hasMessageContaining("rejected the job's credentials")
                .hasRootCauseInstanceOf(SaslAuthenticationException.class)
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(WRONG).doesNotContain(PASSWORD));
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds to fail").isLessThan(15);

        // without the preflight (a job built by other code), the job itself fails on the authentication error
        JobConfig cfg = JobConfig.load(cfgFile, List.of());
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        OnlineTrainingJob.build(env, cfg, Map.of());
        JobClient job = env.executeAsync(cfg.jobName());
        assertThatThrownBy(() -> job.getJobExecutionResult().get(60, TimeUnit.SECONDS))
                .satisfies(e -> assertThat(causes(e)).anyMatch(c -> c instanceof SaslAuthenticationException))
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(WRONG));
        assertThat(logs.text()).contains("invalid credentials");
        assertNoCredentialLogged();
    }

    void assertNoCredentialLogged() {
        String all = logs.text();
        assertThat(all).doesNotContain(PASSWORD).doesNotContain(WRONG)
                .doesNotContain(PASSWORD.substring(3)); // not even the random part
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static List<Throwable> causes(Throwable t) {
        List<Throwable> out = new ArrayList<>();
        for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
            out.add(c);
        }
        return out;
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    // ------------------------------------------------------------------ hostile state and snapshots

    /** A state header declaring one variable of {@code length} floats, followed by {@code body} bytes. */
    static byte[] craftedState(int varCount, int length, int body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(ModelStateCodec.MAGIC);
        out.writeShort(ModelStateCodec.FORMAT_VERSION);
        for (int i = 0; i < 5; i++) {
            out.writeLong(1);
        }
        out.writeDouble(0.5);
        out.writeInt(varCount);
        out.writeInt(length);
        out.write(new byte[body]);
        return bytes.toByteArray();
    }

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void hostileDeclaredSizesAreRejectedQuicklyWithoutAllocating() throws Exception {
        String model = "{\"inputDim\": 2, \"layers\": [{\"type\": \"dense\", \"units\": 1}], \"loss\": \"meanSquaredError\"}";
        ModelStateSerializer serializer = new ModelStateSerializer(SpecParser.model(SpecParser.readTree(model)));
        for (int[] c : new int[][] {{1, Integer.MAX_VALUE}, {1, 1 << 28}, {1, -1}, {Integer.MAX_VALUE, 0}, {1_000_000, 1 << 20}}) {
            byte[] crafted = craftedState(c[0], c[1], 64);
            long t0 = System.nanoTime();
            long a0 = allocatedBytes();
            assertThatThrownBy(() -> ModelStateCodec.decode(crafted)).isInstanceOf(StateFormatException.class);
            // the Flink state serializer: a stream of unknown length, sized by the model's layout
            assertThatThrownBy(() -> serializer.deserialize(new DataInputDeserializer(crafted)))
                    .isInstanceOfAny(StateFormatException.class, IOException.class);
            // a published snapshot carrying the crafted state
            String snapshot = "{\"format\":\"" + SnapshotJson.FORMAT + "\",\"modelKey\":\"k\",\"version\":1,\"model\":" + model
                    + ",\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.1},\"state\":\""
                    + Base64.getEncoder().encodeToString(crafted) + "\"}";
            assertThatThrownBy(() -> SnapshotJson.fromBytes(snapshot.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(SpecException.class).hasMessageContaining("snapshot.state");
            long allocated = allocatedBytes() - a0;
            double ms = (System.nanoTime() - t0) / 1e6;
            assertThat(allocated).as("bytes allocated decoding a state declaring %s", java.util.Arrays.toString(c))
                    .isLessThan(16L << 20);
            assertThat(ms).isLessThan(2_000);
        }
        // and the honest state still round-trips through the same paths
        ModelState ok = ModelStateCodec.decode(ModelStateCodec.encode(
                new io.streamgrad.model.train.Trainer(SpecParser.model(SpecParser.readTree(model)),
                        SpecParser.optimizer(SpecParser.readTree("{\"type\":\"sgd\",\"learningRate\":0.1}")))
                        .withWeights(new float[][] {{1f, 2f}, {3f}})));
        assertThat(ok.weights()[0]).containsExactly(1f, 2f);
    }

    @Test
    void noJavaSerializationNorKryoInOurFormats() throws Exception {
        // 1. no class of ours references java.io.ObjectInputStream / ObjectOutputStream
        List<String> offenders = new ArrayList<>();
        int classes = 0;
        for (Class<?> anchor : List.of(ModelStateCodec.class, KeyProgress.class, OnlineTrainingJob.class)) {
            Path loc = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (var e : classFiles(loc).entrySet()) {
                classes++;
                String constants = new String(e.getValue(), StandardCharsets.ISO_8859_1);
                if (constants.contains("java/io/ObjectInputStream") || constants.contains("java/io/ObjectOutputStream")) {
                    offenders.add(e.getKey());
                }
            }
        }
        assertThat(classes).isGreaterThan(100);
        assertThat(offenders).as("classes referencing Java object streams").isEmpty();
        // 2. every record type on the wire or in state has a Flink-native serializer (POJO or custom), never Kryo
        for (Class<?> type : List.of(Example.class, ParseResult.class, LossMetric.class, SnapshotRecord.class,
                DeadLetter.class, KeyProgress.class)) {
            assertThat(TypeInformation.of(type)).as(type.getSimpleName()).isNotInstanceOf(GenericTypeInfo.class);
        }
    }

    static Map<String, byte[]> classFiles(Path loc) throws IOException, URISyntaxException {
        Map<String, byte[]> out = new java.util.TreeMap<>();
        if (Files.isDirectory(loc)) {
            try (Stream<Path> s = Files.walk(loc)) {
                for (Path p : s.filter(p -> p.toString().endsWith(".class")).toList()) {
                    out.put(loc.relativize(p).toString(), Files.readAllBytes(p));
                }
            }
        } else {
            try (ZipFile z = new ZipFile(loc.toFile())) {
                for (ZipEntry e : java.util.Collections.list(z.entries())) {
                    if (e.getName().startsWith("io/streamgrad/") && e.getName().endsWith(".class")) {
                        out.put(e.getName(), z.getInputStream(e).readAllBytes());
                    }
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ log capture

    /** Captures every log event at INFO and above from every logger (levels raised for the test). */
    static final class LogCapture extends AbstractAppender implements AutoCloseable {
        private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();

        private LogCapture() {
            super("security-it-capture", null, PatternLayout.newBuilder().withPattern("%c %m%n%throwable").build(),
                    true, Property.EMPTY_ARRAY);
        }

        static LogCapture install() {
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            LogCapture c = new LogCapture();
            c.start();
            var config = ctx.getConfiguration();
            config.addAppender(c);
            config.getRootLogger().removeAppender("stderr"); // keep the build output quiet
            org.apache.logging.log4j.status.StatusLogger.getLogger().setLevel(Level.ERROR);
            config.getRootLogger().addAppender(c, Level.INFO, null);
            config.getRootLogger().setLevel(Level.INFO);
            for (LoggerConfig l : config.getLoggers().values()) {
                if (l != config.getRootLogger()) {
                    l.setLevel(Level.INFO);
                    l.addAppender(c, Level.INFO, null);
                    l.setAdditive(false);
                }
            }
            ctx.updateLoggers();
            return c;
        }

        @Override
        public void append(LogEvent event) {
            events.add(new String(getLayout().toByteArray(event), StandardCharsets.UTF_8));
        }

        String text() {
            return String.join("", events);
        }

        int lines() {
            return events.size();
        }

        @Override
        public void close() {
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            ctx.reconfigure(); // back to log4j2-test.xml
            stop();
        }
    }
}
