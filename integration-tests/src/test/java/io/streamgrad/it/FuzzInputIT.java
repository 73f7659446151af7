package io.streamgrad.it;

import static io.streamgrad.it.JobYaml.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.it.StreamGradFixture.In;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.ConfigException;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.model.snapshot.ModelSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue #5 item 4: a seeded fuzzed input topic (random bytes, truncated and mutated records, wrong
 * dimensions, NaN/Inf, numbers that overflow float, missing labels, 2 MB records, unknown fields,
 * hostile nesting and number lengths) mixed with valid examples. The bounded job finishes; every
 * input record is accounted for (trained + dead-lettered = produced); the models are finite and
 * bit-identical to the engine trained on the records the parser accepts. A bad configuration fails
 * at start with a message naming the field.
 */
class FuzzInputIT {
    static final int MAX_MESSAGE = 5 << 20;
    static StreamGradFixture kafka;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void startKafka() {
        // records of 2 MB need a larger broker limit (default ~1 MB) and producer max.request.size
        kafka = StreamGradFixture.start(Map.of("message.max.bytes", String.valueOf(MAX_MESSAGE)));
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    static JobYaml job(String format) {
        JobYaml job = kafka.job("fuzz-" + format, 2).bounded().topics("fuzz-" + format);
        job = format.equals("json") ? job.jsonInput("model")
                : job.csvInput("{from: field, column: 0}", "{features: \"1-3\", label: 4}");
        return job.model(3, "meanSquaredError", dense(8, "tanh"), dense(1)).optimizer("{type: adam, learningRate: 0.01}")
                .batches(16).snapshotEvery(0).checkpointEvery(1000);
    }

    static JobConfig config(String format) {
        return job(format).parse();
    }

    // ------------------------------------------------------------------ the fuzzer

    static final String[] KEYS = {"k0", "k1", "k2", "k3"};

    static String num(Random r) {
        return Float.toString((float) (r.nextGaussian() * 2));
    }

    static String valid(Random r, boolean json, String key) {
        String a = num(r);
        String b = num(r);
        String c = num(r);
        String y = num(r);
        return json ? "{\"model\":\"" + key + "\",\"x\":[" + a + "," + b + "," + c + "],\"y\":" + y + "}"
                : key + "," + a + "," + b + "," + c + "," + y;
    }

    /** A record for column/field slots: the features and label given as text. */
    static String shaped(boolean json, String key, List<String> x, String y) {
        if (json) {
            return "{\"model\":\"" + key + "\",\"x\":[" + String.join(",", x) + "]" + (y == null ? "" : ",\"y\":" + y) + "}";
        }
        return key + "," + String.join(",", x) + (y == null ? "" : "," + y);
    }

    static String mutate(Random r, String s) {
        StringBuilder b = new StringBuilder(s);
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n && b.length() > 0; i++) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(4)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, "{}[],:\"-.eE0123456789 nN\\\u00e9\u0000".charAt(r.nextInt(24)));
                case 2 -> b.setCharAt(at, (char) (32 + r.nextInt(95)));
                default -> b.insert(at, b.substring(at, Math.min(b.length(), at + 1 + r.nextInt(8))));
            }
        }
        return b.toString();
    }

    /** Seeded mix of valid and hostile records; every category appears. */
    static List<In> fuzz(long seed, boolean json, int n, Map<String, Integer> categories) {
        Random r = new Random(seed);
        List<In> out = new ArrayList<>();
        String[] hostileNumbers = {"1e39", "-1e39", "1e308", "1e400", "3.4e38", "NaN", "\"NaN\"", "Infinity", "\"-Infinity\"",
                "1e-50", "0x10", "\"12\"", "true", "null", "[]", "{}", "1" + "0".repeat(60)};
        for (int i = 0; i < n; i++) {
            String key = KEYS[r.nextInt(KEYS.length)];
            if (i > 0 && i % (n / 5) == 0) { // 2 MB records, one of each shape
                categories.merge("2 MB", 1, Integer::sum);
                out.add(In.text(key, oversized(json, key, i / (n / 5) - 1)));
                continue;
            }
            int kind = r.nextInt(100) < 55 ? 0 : 1 + r.nextInt(11);
            String v;
            switch (kind) {
                case 0 -> v = valid(r, json, key);
                case 1 -> { // random bytes
                    byte[] bytes = new byte[r.nextInt(300)];
                    r.nextBytes(bytes);
                    categories.merge("random bytes", 1, Integer::sum);
                    out.add(new In(r.nextBoolean() ? key : null, bytes));
                    continue;
                }
                case 2 -> {
                    String s = valid(r, json, key);
                    v = s.substring(0, r.nextInt(s.length()));
                }
                case 3 -> v = mutate(r, valid(r, json, key));
                case 4 -> {
                    List<String> x = new ArrayList<>();
                    int[] dims = {0, 1, 2, 4, 7, 300};
                    for (int d = dims[r.nextInt(dims.length)]; d > 0; d--) {
                        x.add(num(r));
                    }
                    v = shaped(json, key, x, num(r));
                }
                case 5 -> { // NaN / Inf / huge / odd numbers in a feature or the label
                    List<String> x = new ArrayList<>(List.of(num(r), num(r), num(r)));
                    String h = hostileNumbers[r.nextInt(hostileNumbers.length)];
                    if (!json) {
                        h = h.replace("\"", "");
                    }
                    String y = num(r);
                    if (r.nextBoolean()) {
                        x.set(r.nextInt(3), h);
                    } else {
                        y = h;
                    }
                    v = shaped(json, key, x, y);
                }
                case 6 -> v = shaped(json, key, List.of(num(r), num(r), num(r)), json && r.nextBoolean() ? "null" : null);
                case 7 -> { // unknown fields / extra columns: still valid
                    String s = valid(r, json, key);
                    v = json ? s.substring(0, s.length() - 1) + ",\"extra\":{\"a\":[1,2,{\"b\":null}]},\"z\":\"\u00fc\"}"
                            : s + ",extra,\"quoted, field\"";
                }
                case 8 -> v = r.nextBoolean() ? "" : r.nextBoolean() ? null : "   ";
                case 9 -> { // keys: missing, empty, odd types, long
                    String s = valid(r, json, key);
                    String[] keys = json ? new String[] {"\"\"", "null", "12", "{\"a\":1}", "[1]", "\"" + "K".repeat(3000) + "\""}
                            : new String[] {"", "\"\"", "\" spaced \"", "K".repeat(3000)};
                    String k = keys[r.nextInt(keys.length)];
                    v = json ? s.replace("\"model\":\"" + key + "\"", "\"model\":" + k) : k + s.substring(key.length());
                }
                case 10 -> { // hostile structure: deep nesting, long numbers, long strings
                    int which = r.nextInt(3);
                    v = which == 0 ? "[".repeat(5000) + "]".repeat(5000)
                            : which == 1 ? shaped(json, key, List.of("1." + "3".repeat(5000), num(r), num(r)), num(r))
                            : shaped(json, key, List.of(num(r), num(r), num(r)), json ? "\"" + "9".repeat(20000) + "\"" : "9".repeat(20000));
                }
                default -> v = json ? valid(r, false, key) : valid(r, true, key); // the other format
            }
            categories.merge(switch (kind) {
                case 0 -> "valid";
                case 2 -> "truncated";
                case 3 -> "mutated";
                case 4 -> "wrong dimensions";
                case 5 -> "NaN/Inf/huge numbers";
                case 6 -> "missing label";
                case 7 -> "unknown fields";
                case 8 -> "empty/null value";
                case 9 -> "odd keys";
                case 10 -> "deep nesting/long numbers";
                default -> "other format";
            }, 1, Integer::sum);
            out.add(In.text(r.nextInt(10) == 0 ? null : key, v));
        }
        return out;
    }

    /** 2 MB records: valid with an unknown field / extra column, garbage, a 2 MB model key, a 2 MB feature. */
    static String oversized(boolean json, String key, int shape) {
        String pad = "p".repeat(2 << 20);
        return switch (shape) {
            case 0 -> json ? "{\"model\":\"" + key + "\",\"pad\":\"" + pad + "\",\"x\":[1,2,3],\"y\":0.5}"
                    : key + ",1,2,3,0.5," + pad;
            case 1 -> pad;
            case 2 -> json ? "{\"model\":\"" + pad + "\",\"x\":[1,2,3],\"y\":0.5}" : pad + ",1,2,3,0.5";
            default -> json ? "{\"model\":\"" + key + "\",\"x\":[1,{\"p\":\"" + pad + "\"},3],\"y\":0.5}"
                    : key + ",1," + pad + ",3,0.5";
        };
    }

    // ------------------------------------------------------------------ tests

    @ParameterizedTest
    @ValueSource(strings = {"json", "csv"})
    void fuzzedInputIsAccountedForAndModelsStayFinite(String format) throws Exception {
        boolean json = format.equals("json");
        JobConfig cfg = config(format);
        kafka.createTopic(cfg.topics().input(), 1, false); // one partition: per-key order = produce order, also for records without a Kafka key
        Map<String, Integer> categories = new TreeMap<>();
        List<In> input = fuzz(json ? 41 : 43, json, 3000, categories);
        assertThat(categories).containsKeys("valid", "random bytes", "truncated", "mutated", "wrong dimensions",
                "NaN/Inf/huge numbers", "missing label", "unknown fields", "2 MB");
        kafka.produce(Map.of("max.request.size", String.valueOf(MAX_MESSAGE), "compression.type", "lz4"),
                cfg.topics().input(), input);

        ExampleParser parser = new ExampleParser(cfg.input(), cfg.model());
        int accepted = 0;
        for (In r : input) {
            if (parser.parse(r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value(), 0L).isOk()) {
                accepted++;
            }
        }

        // a failing job must fail the test, not restart forever
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
        JobClient job = StreamGradFixture.startJob(cfg, conf, Map.of());
        job.getJobExecutionResult().get(180, TimeUnit.SECONDS); // throws if the job failed

        Outputs out = kafka.readAll(cfg.topics().metrics(), cfg.topics().snapshots(), cfg.topics().deadLetters());
        List<JsonNode> metrics = out.json(cfg.topics().metrics());
        List<JsonNode> dead = out.json(cfg.topics().deadLetters());
        Map<String, ModelSnapshot> latest = Outputs.latest(out.snapshots(cfg.topics().snapshots()));

        long trained = latest.values().stream().mapToLong(ModelSnapshot::examplesSeen).sum();
        long trainedByMetrics = metrics.stream().mapToLong(m -> m.get("batchSize").asLong()).sum();
        System.out.printf("FuzzInputIT[%s]: %d records produced %s -> %d trained (%d keys), %d dead letters%n", format,
                input.size(), categories, trained, latest.size(), dead.size());
        assertThat(trained + dead.size()).as("trained + dead-lettered = produced").isEqualTo(input.size());
        assertThat(trained).isEqualTo(accepted).isEqualTo(trainedByMetrics);
        assertThat(dead).allSatisfy(d -> {
            assertThat(d.get("stage").asText()).isEqualTo("parse");
            assertThat(d.get("reason").asText()).isNotBlank();
            assertThat(d.path("record").asText("").length()).isLessThanOrEqualTo(cfg.input().maxRecordChars());
        });
        for (ModelSnapshot s : latest.values()) {
            for (float[] w : s.state().weights()) {
                for (float f : w) {
                    assertThat(Float.isFinite(f)).as("weights of %s finite", s.modelKey()).isTrue();
                }
            }
        }
        EngineReplay.assertLatestSnapshotsEqual(latest, EngineReplay.records(cfg, input));
    }

    @Test
    void badConfigurationFailsAtStartNamingTheField() throws Exception {
        Path f = job("json").write(tmp.resolve("bad.yaml"));
        Map<String, String> cases = Map.of(
                "training.batchSize=0", "training.batchSize",
                "model.layers[0].units=-3", "model.layers[0].units",
                "optimizer.learningRate=fast", "optimizer.learningRate",
                "kafka.properties.isolation.level=read_uncommitted", "kafka.properties.isolation.level",
                "input.json.featureFields=[a]", "input.json.featureFields",
                "checkpointing.intervalMs=-1", "checkpointing.intervalMs");
        for (var c : cases.entrySet()) {
            assertThatThrownBy(() -> OnlineTrainingJob.main(new String[] {"--config", f.toString(), "--set", c.getKey()}))
                    .as(c.getKey())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(c.getValue());
        }
    }
}
