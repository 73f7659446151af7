package io.streamgrad.it;

import static io.streamgrad.it.JobYaml.dense;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.it.EngineReplay.KeyReplay;
import io.streamgrad.it.StreamGradFixture.In;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.jobs.input.KeyRouter;
import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.operators.Example;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed loop in one job ({@code labels:} in the YAML): impressions without labels on the
 * input topic are predicted by the trainer's live model, and clicks arriving later on a labels
 * topic are joined with them by event id within the horizon. Some events get their label in time
 * (one label even before its event in event time), some never (default label 0 at the horizon),
 * some too late (dead letter, and the default label), some twice (the duplicate is a dead letter);
 * plus an unreadable label record, an unreadable event and a label for an event never seen. Every event is predicted
 * exactly once, and the published models equal the engine trained on the expected examples in the
 * documented order (by pair time, then event id), bit for bit: in-process, as {@code java -jar
 * streamgrad.jar run} (also killed and resumed), with two models, and through injected failures;
 * and the shipped example as the README runs it.
 */
class DelayedLabelsJobIT {
    static final long T0 = 1_700_000_000_000L;
    static final long HORIZON = 30_000;
    static final int EVENTS = 240;
    static final int BATCH = 8;

    static StreamGradFixture kafka;
    static final List<In> events = new ArrayList<>();
    static final List<In> labels = new ArrayList<>();
    /** Per event: its expected training example's release time (the pair's time or the horizon), target, kind. */
    static final List<Outcome> outcomes = new ArrayList<>();

    @TempDir
    Path dir;

    /** What happens to event {@code i}: label time (or none), its target, and which case it is. */
    record Outcome(int i, String key, long eventTime, long releaseTime, float target, Kind kind) {}

    enum Kind { IN_TIME, LABEL_BEFORE_EVENT, NEVER, LATE, DUPLICATE }

    @BeforeAll
    static void start() {
        kafka = StreamGradFixture.start();
        Random r = new Random(23);
        List<long[]> labelTimes = new ArrayList<>(); // {time, index into labelTexts}
        List<String> labelTexts = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String key = i % 2 == 0 ? "site-a" : "site-b";
            long te = T0 + 1_000L * i;
            float[] x = {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()};
            events.add(new In(key, String.format(Locale.ROOT, "{\"model\":\"%s\",\"id\":\"imp-%d\",\"x\":[%.4f,%.4f,%.4f],"
                    + "\"ts\":%d}", key, i, x[0], x[1], x[2], te).getBytes(), i % 2));
            int clicked = x[0] + 0.5 * x[2] > 0.3 ? 1 : 0;
            Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
            long tl = switch (kind) {
                case IN_TIME -> te + 1 + r.nextInt((int) HORIZON);
                case LABEL_BEFORE_EVENT -> te - 1 - r.nextInt(500);
                case DUPLICATE -> te + 1 + r.nextInt((int) HORIZON - 1_000);
                case LATE -> te + HORIZON + 1 + r.nextInt(5_000);
                case NEVER -> Long.MIN_VALUE;
            };
            if (kind != Kind.NEVER) {
                labelTimes.add(new long[] {tl, labelTexts.size()});
                labelTexts.add(label(i, clicked, tl));
            }
            if (kind == Kind.DUPLICATE) { // a second, contradicting label a bit later: the first wins
                labelTimes.add(new long[] {tl + 500, labelTexts.size()});
                labelTexts.add(label(i, 1 - clicked, tl + 500));
            }
            boolean joins = kind == Kind.IN_TIME || kind == Kind.LABEL_BEFORE_EVENT || kind == Kind.DUPLICATE;
            outcomes.add(new Outcome(i, key, te, joins ? Math.max(te, tl) : te + HORIZON, joins ? clicked : 0f, kind));
        }
        labelTimes.add(new long[] {T0 + 5_000, labelTexts.size()});
        labelTexts.add(label(-1, 1, T0 + 5_000).replace("imp--1", "never-shown"));
        labelTimes.sort(Comparator.comparingLong(t -> t[0]));
        labelTimes.forEach(t -> labels.add(In.text(null, labelTexts.get((int) t[1]))));
        // an unreadable label produced now (its Kafka timestamp is far ahead of every label's time)
        labels.add(labels.size() / 2, In.text(null, "clicked: yes"));
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static String label(int i, int clicked, long time) {
        return "{\"id\":\"imp-" + i + "\",\"clicked\":" + clicked + ",\"at\":" + time + "}";
    }

    static long count(Kind kind) {
        return outcomes.stream().filter(o -> o.kind() == kind).count();
    }

    /** The job of one test with one model for both keys, its topics created and filled. */
    static JobYaml job(String name) {
        return job(name, Map.of());
    }

    /** The same, the records produced with these producer settings. */
    static JobYaml job(String name, Map<String, String> producer) {
        return base(name, producer).model(3, "binaryCrossentropy", dense(4, "tanh"), dense(1, "sigmoid"))
                .optimizer("{type: adam, learningRate: 0.02}");
    }

    /** The job without its model, its topics created and filled. */
    static JobYaml base(String name) {
        return base(name, Map.of());
    }

    static JobYaml base(String name, Map<String, String> producer) {
        kafka.createTopic(name + "-in", 2, false);
        kafka.createTopic(name + "-labels", 1, false);
        kafka.createTopic(name + "-predictions", 1, false);
        kafka.createOutputs(name);
        List<In> input = new ArrayList<>(events);
        // an unreadable event produced now: its Kafka timestamp must not move event time
        input.add(EVENTS / 2, new In("site-a", "{\"model\":\"site-a\",\"id\":\"imp-x\",\"x\":[1,".getBytes(), 0));
        kafka.produce(producer, name + "-in", input);
        kafka.produce(producer, name + "-labels", labels);
        return kafka.job(name, 2).bounded().set("kafka.groupId", name).topics(name)
                .set("topics.predictions", name + "-predictions").jsonInput("model")
                .set("input.json", "{features: x, label: y, eventTime: ts}")
                .batches(BATCH).set("training.seed", 3)
                .set("training.predictions", "unlabelled").snapshotEvery(4).checkpointEvery(300)
                .set("labels.topic", name + "-labels").set("labels.eventIdField", "id")
                .set("labels.labelField", "clicked").set("labels.eventTimeField", "at")
                .set("labels.horizonMs", HORIZON).set("labels.defaultLabel", 0);
    }

    /** The engine trained on the expected examples: per key by (release time, event id), features as the job parses them. */
    static Map<String, KeyReplay> engine(JobConfig cfg) {
        ExampleParser parser = new ExampleParser(cfg.input(), cfg.models().get(0).model(), true);
        List<Outcome> order = new ArrayList<>(outcomes);
        order.sort(Comparator.comparingLong(Outcome::releaseTime).thenComparing(o -> "imp-" + o.i()));
        List<Example> examples = new ArrayList<>();
        for (Outcome o : order) {
            Example e = parser.parse(o.key(), new String(events.get(o.i()).value()), 0L).example;
            examples.add(new Example(o.key(), e.features, new float[] {o.target()}, o.eventTime(), null));
        }
        Map<String, KeyReplay> all = new TreeMap<>();
        KeyRouter router = new KeyRouter(cfg.models());
        for (int m = 0; m < cfg.models().size(); m++) { // each model with its own trainer configuration
            int model = m;
            all.putAll(EngineReplay.examples(OnlineTrainingJob.trainerConfig(cfg, cfg.models().get(m), Map.of()),
                    examples.stream().filter(e -> router.route(e.modelKey) == model).toList(), true));
        }
        return all;
    }

    /** Everything the closed loop must have written. */
    static void assertClosedLoop(String name, JobConfig cfg) {
        Outputs out = kafka.readAll(name + "-predictions", name + "-snapshots", name + "-dead", name + "-metrics");
        List<JsonNode> predictions = out.json(name + "-predictions");
        TreeSet<String> expectedIds = new TreeSet<>();
        outcomes.forEach(o -> expectedIds.add("imp-" + o.i()));
        assertThat(predictions).as("every event predicted exactly once").hasSize(EVENTS);
        assertThat(new TreeSet<>(predictions.stream().map(p -> p.get("eventId").asText()).toList()))
                .isEqualTo(expectedIds);

        List<JsonNode> dead = out.json(name + "-dead");
        assertThat(dead).filteredOn(d -> d.get("stage").asText().equals("parse")).singleElement()
                .satisfies(d -> assertThat(d.get("reason").asText()).startsWith("not valid JSON"));
        dead = dead.stream().filter(d -> !d.get("stage").asText().equals("parse")).toList();
        assertThat(dead).allMatch(d -> d.get("stage").asText().equals("label-join"));
        List<String> reasons = dead.stream().map(d -> d.get("reason").asText()).toList();
        // a late label is told by its time, or (when the event's horizon had passed before it was read) by
        // finding no event any more: both are late labels, and which one depends on arrival
        assertThat(reasons).filteredOn(s -> s.contains("after the horizon") || s.contains("no scored event imp-"))
                .hasSize((int) count(Kind.LATE));
        assertThat(reasons).filteredOn(s -> s.startsWith("eventId: duplicate label")).hasSize((int) count(Kind.DUPLICATE));
        assertThat(reasons).filteredOn(s -> s.contains("no scored event never-shown")).hasSize(1);
        assertThat(reasons).filteredOn(s -> s.equals("label record is not valid JSON")).hasSize(1);
        assertThat(dead).hasSize((int) (count(Kind.LATE) + count(Kind.DUPLICATE) + 2));

        Map<String, KeyReplay> engine = engine(cfg);
        // each event trained once: joined, or defaulted at its horizon (never labelled, or labelled too late)
        assertThat(engine.values().stream().mapToLong(k -> k.state.examplesSeen()).sum()).isEqualTo(EVENTS);
        EngineReplay.assertLatestSnapshotsEqual(Outputs.latest(out.snapshots(name + "-snapshots")), engine);
        Outputs.assertExactlyOncePerKeyVersion(out.json(name + "-metrics"), out.snapshots(name + "-snapshots"));
    }

    @Test
    void everyCaseOccurs() {
        for (Kind k : Kind.values()) {
            assertThat(count(k)).as(k.toString()).isGreaterThan(10);
        }
    }

    @Test
    void closedLoopInOneJob() throws Exception {
        JobConfig cfg = job("dl-mini").parse();
        StreamGradFixture.startJob(cfg, StreamGradFixture.flinkConf("hashmap", 0), UnaryOperator.identity())
                .getJobExecutionResult().get(180, TimeUnit.SECONDS);
        assertClosedLoop("dl-mini", cfg);
    }

    @Test
    void severalModels() throws Exception {
        String models = """
                [{name: wide, keys: [site-a],
                  model: {inputDim: 3, layers: [{type: dense, units: 6, activation: relu}, {type: dense, units: 1, activation: sigmoid}], loss: binaryCrossentropy},
                  optimizer: {type: sgd, learningRate: 0.1, momentum: 0.9}},
                 {name: linear, keyPatterns: ['site-[b-z]'],
                  model: {inputDim: 3, layers: [{type: dense, units: 1, activation: sigmoid}], loss: binaryCrossentropy},
                  optimizer: {type: adam, learningRate: 0.05}, training: {batchSize: 5}}]
                """.replace("\n", " ");
        JobConfig cfg = base("dl-models").section("models", models).parse();
        StreamGradFixture.startJob(cfg, StreamGradFixture.flinkConf("hashmap", 0), UnaryOperator.identity())
                .getJobExecutionResult().get(180, TimeUnit.SECONDS);
        assertClosedLoop("dl-models", cfg);
        Outputs out = kafka.readAll("dl-models-snapshots");
        assertThat(Outputs.latest(out.snapshots("dl-models-snapshots")).get("site-a").model().layers()).hasSize(2);
        assertThat(Outputs.latest(out.snapshots("dl-models-snapshots")).get("site-b").model().layers()).hasSize(1);
    }

    @Test
    void asUsersRunIt() throws Exception {
        JobYaml yaml = job("dl-cli");
        Path config = yaml.write(dir.resolve("job.yaml"));
        Path log = dir.resolve("run.log");
        Process run = cli(log, "run", "--config", config.toString());
        try {
            assertThat(run.waitFor(240, TimeUnit.SECONDS)).as("run finished").isTrue();
            assertThat(run.exitValue()).as(Files.readString(log)).isZero();
        } finally {
            run.descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
        }
        assertClosedLoop("dl-cli", yaml.parse());
    }

    /**
     * The README's commands: {@code produce --synthetic click-through --labels-topic} and the shipped
     * example run unbounded (topics of one partition, so one source subtask of each has nothing to
     * read and is marked idle after {@code labels.idleTimeoutMs}), until every impression was
     * predicted and the model trained on clicks and defaults.
     */
    @Test
    void theShippedExampleAsInTheReadme() throws Exception {
        for (String t : List.of("ctr-impressions", "ctr-clicks", "ctr-predictions", "ctr-delayed-metrics",
                "ctr-delayed-snapshots", "ctr-delayed-dead-letters")) {
            kafka.createTopic(t, 1, false);
        }
        int impressions = 12_000; // 120 s of event time: the first 60 s reach their horizon
        Process produce = cli(dir.resolve("produce.log"), "produce", "--synthetic", "click-through", "--topic",
                "ctr-impressions", "--labels-topic", "ctr-clicks", "--limit", Integer.toString(impressions),
                "--bootstrap", kafka.bootstrapServers(), "--quiet");
        assertThat(produce.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(produce.exitValue()).as(Files.readString(dir.resolve("produce.log"))).isZero();
        Process run = cli(dir.resolve("run.log"), "run", "--config", "classpath:examples/click-through-delayed-labels.yaml",
                "--set", "kafka.bootstrapServers=" + kafka.bootstrapServers(), "--set", "checkpointing.intervalMs=500");
        try (StreamGradFixture.Reader reader = kafka.reader("ctr-predictions", "ctr-delayed-metrics",
                "ctr-delayed-dead-letters")) {
            Outputs out = reader.until(o -> o.json("ctr-predictions").size() >= impressions
                    && o.json("ctr-delayed-metrics").stream().anyMatch(m -> m.get("examplesSeen").asLong() >= 64 * 20),
                    java.time.Duration.ofSeconds(180));
            assertThat(new TreeSet<>(out.json("ctr-predictions").stream().map(p -> p.get("eventId").asText()).toList()))
                    .hasSize(impressions);
            assertThat(out.json("ctr-delayed-dead-letters")).isEmpty();
        } finally {
            run.descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** {@code java -jar streamgrad.jar ARGS} in the test's directory, with the kernels of this JVM (which trains the reference). */
    private Process cli(Path log, String... args) throws java.io.IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-D" + KernelProvider.PROPERTY + "=" + KernelProvider.get().name().replaceAll("^vector.*", "vector"),
                "-jar", ScoringJobIT.CLI_JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
    }

    /** {@code kill -9} of the local run halfway, then the same command: it resumes from its checkpoint, exactly. */
    @Test
    void theSameCommandResumesAfterKill9() throws Exception {
        // one record per record batch, read one batch per partition every 50 ms: the run lasts to be killed
        JobYaml yaml = job("dl-resume", Map.of("batch.size", "100", "linger.ms", "0"))
                .kafkaProperty("fetch.min.bytes", "100000000").kafkaProperty("fetch.max.wait.ms", "50")
                .kafkaProperty("max.partition.fetch.bytes", "1");
        Path config = yaml.write(dir.resolve("job.yaml"));
        Process first = cli(dir.resolve("first.log"), "run", "--config", config.toString());
        try (StreamGradFixture.Reader reader = kafka.reader("dl-resume-predictions")) {
            reader.until(o -> {
                assertThat(first.isAlive()).as("first run alive").isTrue();
                return o.json("dl-resume-predictions").size() >= EVENTS / 3;
            }, java.time.Duration.ofSeconds(120));
        } finally {
            first.descendants().forEach(ProcessHandle::destroyForcibly);
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(kafka.readAll("dl-resume-predictions").json("dl-resume-predictions").size())
                .as("killed before the end").isLessThan(EVENTS);
        Process second = cli(dir.resolve("second.log"), "run", "--config", config.toString());
        try {
            assertThat(second.waitFor(240, TimeUnit.SECONDS)).as("second run finished").isTrue();
            String log = Files.readString(dir.resolve("second.log"));
            assertThat(second.exitValue()).as(log).isZero();
            assertThat(log).contains("resuming dl-resume from checkpoint chk-");
        } finally {
            second.descendants().forEach(ProcessHandle::destroyForcibly);
            second.destroyForcibly();
        }
        assertClosedLoop("dl-resume", yaml.parse());
    }

    @Test
    void injectedFailuresChangeNothing() throws Exception {
        JobConfig cfg = job("dl-fail").parse();
        FailingMap failing = new FailingMap("dl-fail", 2, 41, 30, 1, 20);
        StreamGradFixture.startJob(cfg, StreamGradFixture.flinkConf("hashmap", 2),
                        s -> s.map(failing).uid("failing-map").name("failing map"))
                .getJobExecutionResult().get(240, TimeUnit.SECONDS);
        assertThat(FailingMap.firedInAttempts("dl-fail")).as("attempts that failed (%s)", failing.plan())
                .containsExactly(0, 1);
        assertClosedLoop("dl-fail", cfg);
    }
}
