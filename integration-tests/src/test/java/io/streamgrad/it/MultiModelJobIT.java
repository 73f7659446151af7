package io.streamgrad.it;

import static io.streamgrad.it.StreamGradFixture.flinkConf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.it.EngineReplay.KeyReplay;
import io.streamgrad.it.StreamGradFixture.In;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.JobModel;
import io.streamgrad.jobs.input.KeyRouter;
import io.streamgrad.jobs.input.ParseResult;
import io.streamgrad.jobs.input.RoutingParser;
import io.streamgrad.jobs.input.SplitParsed;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.operators.Example;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobExecutionResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three architectures trained by one job from one shared topic (regression 4->1, binary 3->1,
 * multiclass 5->3), with records of keys no model claims: each model's published models equal the
 * engine trained on that model's own records, bit for bit (also through injected failures), and
 * unclaimed records are skipped (counted) or dead-lettered as configured.
 */
class MultiModelJobIT {
    static final String TOPIC = "mm-in";
    static final int PARTITIONS = 2;
    /** Keys with records: three models' keys (exact and by pattern) and two that no model claims. */
    static final Map<String, Integer> RECORDS = new TreeMap<>(Map.of("house-eu", 230, "house-us", 170, "churn", 164,
            "iris", 150, "iris-2", 95, "weather", 40, "other-1", 27));
    static final int UNCLAIMED = 40 + 27;

    static StreamGradFixture kafka;
    static List<In> input;

    @BeforeAll
    static void start() {
        kafka = StreamGradFixture.start();
        kafka.createTopic(TOPIC, PARTITIONS, false);
        input = records(new Random(17));
        kafka.produce(TOPIC, input);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    /** The keys interleaved, each record keyed by its model key (one partition per key keeps its order). */
    static List<In> records(Random r) {
        Map<String, Integer> left = new TreeMap<>(RECORDS);
        List<In> out = new ArrayList<>();
        while (!left.isEmpty()) {
            List<String> keys = new ArrayList<>(left.keySet());
            String key = keys.get(r.nextInt(keys.size()));
            out.add(In.text(key, record(r, key)));
            left.compute(key, (k, n) -> n == 1 ? null : n - 1);
        }
        return out;
    }

    static String record(Random r, String key) {
        int width = key.startsWith("house") ? 4 : key.equals("churn") ? 3 : key.startsWith("iris") ? 5 : 7;
        float[] x = new float[width];
        for (int i = 0; i < width; i++) {
            x[i] = (float) r.nextGaussian();
        }
        String label = switch (width) {
            case 4 -> String.valueOf(2 * x[0] - x[1] + 0.5f * x[3] + (key.endsWith("us") ? 1 : 0));
            case 3 -> x[0] + x[2] > 0 ? "1" : "0";
            case 5 -> String.valueOf(x[0] > 0.5 ? 2 : x[0] > -0.5 ? 1 : 0);
            default -> String.valueOf(r.nextInt(9));
        };
        StringBuilder b = new StringBuilder("{\"model\":\"" + key + "\",\"x\":[");
        for (int i = 0; i < width; i++) {
            b.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.5f", x[i]));
        }
        return b.append("],\"y\":").append(label).append('}').toString();
    }

    static JobConfig job(String prefix, String unclaimedKeys) {
        kafka.createOutputs(prefix);
        String models = """
                [{name: prices, keyPatterns: ['house-.*'],
                  model: {inputDim: 4, layers: [{type: dense, units: 8, activation: tanh}, {type: dense, units: 1}], loss: meanSquaredError},
                  optimizer: {type: adam, learningRate: 0.01}},
                 {name: churn, keys: [churn],
                  model: {inputDim: 3, layers: [{type: dense, units: 1, activation: sigmoid}], loss: binaryCrossentropy},
                  optimizer: {type: sgd, learningRate: 0.1, momentum: 0.9}, training: {batchSize: 8}},
                 {name: iris, keys: [iris], keyPatterns: ['iris-[0-9]+'],
                  model: {inputDim: 5, layers: [{type: dense, units: 6, activation: relu}, {type: dense, units: 3, activation: softmax}], loss: categoricalCrossentropy},
                  optimizer: {type: rmsprop, learningRate: 0.01}, input: {label: {encoding: index}}, snapshots: {everySteps: 3}}]
                """.replace("\n", " ");
        return kafka.job("multi-" + prefix, 2).bounded().set("kafka.groupId", prefix).topics(prefix)
                .set("topics.input", TOPIC).jsonInput("model").batches(10).set("training.seed", 9).snapshotEvery(5)
                .checkpointEvery(300).section("unclaimedKeys", unclaimedKeys).section("models", models).parse();
    }

    /** Each model's records parsed as the job parses them, trained per key by the bare engine. */
    static Map<String, KeyReplay> engine(JobConfig cfg) {
        RoutingParser parser = new RoutingParser(cfg);
        KeyRouter router = new KeyRouter(cfg.models());
        List<List<Example>> perModel = new ArrayList<>();
        cfg.models().forEach(m -> perModel.add(new ArrayList<>()));
        for (In r : input) {
            ParseResult p = parser.parse(r.key().getBytes(StandardCharsets.UTF_8), r.value(), 0L);
            if (p.isOk()) {
                perModel.get(router.route(p.example.modelKey)).add(p.example);
            }
        }
        Map<String, KeyReplay> all = new TreeMap<>();
        for (int i = 0; i < perModel.size(); i++) {
            JobModel m = cfg.models().get(i);
            all.putAll(EngineReplay.examples(OnlineTrainingJob.trainerConfig(cfg, m, Map.of()), perModel.get(i), true));
        }
        return all;
    }

    static JobExecutionResult run(JobConfig cfg) throws Exception {
        return StreamGradFixture.startJob(cfg, flinkConf("hashmap", 0), UnaryOperator.identity())
                .getJobExecutionResult().get(180, TimeUnit.SECONDS);
    }

    @Test
    void threeArchitecturesFromOneTopicSkipUnclaimedKeys() throws Exception {
        JobConfig cfg = job("mm-skip", "skip");
        JobExecutionResult result = run(cfg);
        Outputs out = kafka.readAll(Duration.ofSeconds(60), "mm-skip-metrics", "mm-skip-snapshots", "mm-skip-dead");

        assertThat(out.json("mm-skip-dead")).isEmpty();
        assertThat(result.<Long>getAccumulatorResult(SplitParsed.UNCLAIMED_ACCUMULATOR)).isEqualTo((long) UNCLAIMED);
        Map<String, KeyReplay> engine = engine(cfg);
        assertThat(engine.keySet()).containsExactly("churn", "house-eu", "house-us", "iris", "iris-2");
        assertThat(engine.get("churn").steps).hasSize((164 + 7) / 8); // the churn model's own batch size
        List<ModelSnapshot> snapshots = out.snapshots("mm-skip-snapshots");
        EngineReplay.assertLatestSnapshotsEqual(Outputs.latest(snapshots), engine);
        // every snapshot carries the architecture of the model that trained it
        for (ModelSnapshot s : snapshots) {
            int inputDim = s.modelKey().startsWith("house") ? 4 : s.modelKey().equals("churn") ? 3 : 5;
            assertThat(s.model().inputDim()).as("inputDim of %s", s.modelKey()).isEqualTo(inputDim);
        }
        List<JsonNode> metrics = out.json("mm-skip-metrics");
        assertThat(metrics).extracting(m -> m.get("modelKey").asText()).doesNotContain("weather", "other-1");
        Outputs.assertExactlyOncePerKeyVersion(metrics, snapshots);
        assertThat(metrics.stream().filter(m -> m.get("modelKey").asText().equals("iris")).reduce((a, b) -> b)
                .orElseThrow().get("examplesSeen").asLong()).isEqualTo(150);
    }

    @Test
    void unclaimedKeysToDeadLetters() throws Exception {
        JobConfig cfg = job("mm-dead", "deadLetter");
        JobExecutionResult result = run(cfg);
        Outputs out = kafka.readAll(Duration.ofSeconds(60), "mm-dead-snapshots", "mm-dead-dead");

        List<JsonNode> dead = out.json("mm-dead-dead");
        assertThat(dead).hasSize(UNCLAIMED);
        assertThat(dead).extracting(d -> d.get("reason").asText()).containsOnly(
                "model key 'weather': no model claims it", "model key 'other-1': no model claims it");
        assertThat(dead).extracting(d -> d.get("modelKey").asText()).containsOnly("weather", "other-1");
        assertThat(result.<Long>getAccumulatorResult(SplitParsed.UNCLAIMED_ACCUMULATOR)).isZero();
        EngineReplay.assertLatestSnapshotsEqual(Outputs.latest(out.snapshots("mm-dead-snapshots")), engine(cfg));
    }

    @Test
    void injectedFailuresLeaveEveryModelExactlyAsTheEngine() throws Exception {
        JobConfig cfg = job("mm-fail", "skip");
        FailingMap failing = new FailingMap("mm-fail", 2, 77, 150, 2, 5);
        StreamGradFixture.startJob(cfg, flinkConf("hashmap", 2), s -> s.map(failing).uid("failing-map").name("failing map"))
                .getJobExecutionResult().get(180, TimeUnit.SECONDS);
        assertThat(FailingMap.firedInAttempts("mm-fail")).as("attempts that failed (%s)", failing.plan())
                .containsExactly(0, 1);
        Outputs out = kafka.readAll(Duration.ofSeconds(60), "mm-fail-metrics", "mm-fail-snapshots", "mm-fail-dead");

        assertThat(out.json("mm-fail-dead")).isEmpty();
        List<ModelSnapshot> snapshots = out.snapshots("mm-fail-snapshots");
        EngineReplay.assertLatestSnapshotsEqual(Outputs.latest(snapshots), engine(cfg));
        Outputs.assertExactlyOncePerKeyVersion(out.json("mm-fail-metrics"), snapshots);
    }
}
