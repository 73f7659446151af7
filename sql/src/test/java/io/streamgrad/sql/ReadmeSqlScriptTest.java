package io.streamgrad.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.model.serve.Prediction;
import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's SQL script statement by statement through {@code TableEnvironment.executeSql}
 * against a real broker: it trains a model in SQL, publishes its snapshots and metrics, and scores
 * payments with the newest committed snapshot; the scores are checked against {@link Predictor}.
 */
class ReadmeSqlScriptTest {
    static final String MARKER = "<!-- streamgrad-sql-script -->";
    private static final Pattern SET = Pattern.compile("SET '([^']+)' = '([^']*)'");

    /** The statements of the README's script (the sql block after the marker), comments removed. */
    static List<String> readmeStatements() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int at = readme.indexOf(MARKER);
        assertThat(at).as("README marker").isPositive();
        int start = readme.indexOf("```sql\n", at) + "```sql\n".length();
        String script = readme.substring(start, readme.indexOf("```", start));
        StringBuilder body = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                body.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        StringBuilder set = null; // EXECUTE STATEMENT SET BEGIN ...; ...; END is one statement
        for (String s : body.toString().split(";\\s*\n")) {
            if (s.isBlank()) {
                continue;
            }
            if (s.strip().startsWith("EXECUTE STATEMENT SET")) {
                set = new StringBuilder();
            }
            if (set == null) {
                statements.add(s.strip());
            } else {
                set.append(s.strip()).append(s.strip().equals("END") ? "" : ";\n");
                if (s.strip().equals("END")) {
                    statements.add(set.toString());
                    set = null;
                }
            }
        }
        return statements;
    }

    @Test
    void theReadmeScriptTrainsInSqlAndScoresPaymentsWithTheSnapshotVersion() throws Exception {
        List<String> statements = readmeStatements();
        assertThat(statements).hasSize(11);
        int scoringStart = statements.indexOf(statements.stream().filter(s -> s.startsWith("CREATE TABLE payments"))
                .findFirst().orElseThrow());
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopic("labelled-payments", 1, false);
            broker.createTopic("payments", 1, false);
            broker.createTopic("fraud-snapshots", 1, true);
            broker.createTopic("training-metrics", 1, false);
            broker.createTopic("scored-payments", 1, false);
            Random r = new Random(11);
            List<String> examples = new ArrayList<>();
            for (int i = 0; i < 32 * 10 + 7; i++) { // 10 steps of 32 (snapshots v5, v10) and 7 rows pending
                double a = r.nextGaussian();
                double b = r.nextGaussian();
                examples.add(String.format(Locale.ROOT, "{\"model_key\": \"eu\", \"amount\": %s, \"age_days\": %s, "
                        + "\"hour_of_day\": %s, \"is_fraud\": %d}", a, b, r.nextGaussian(), a - b > 0.5 ? 1 : 0));
            }
            List<float[]> features = new ArrayList<>();
            List<String> payments = new ArrayList<>();
            for (int id = 0; id < 5; id++) {
                double a = r.nextGaussian();
                double b = r.nextGaussian();
                double c = r.nextGaussian();
                features.add(new float[] {(float) a, (float) b, (float) c});
                payments.add(String.format(Locale.ROOT,
                        "{\"id\": %d, \"amount\": %s, \"age_days\": %s, \"hour_of_day\": %s}", id, a, b, c));
            }
            try (KafkaFixture kafka = new KafkaFixture(broker)) {
                examples.forEach(e -> kafka.row("labelled-payments", e));
                payments.forEach(p -> kafka.row("payments", p));
            }

            TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
            env.getConfig().set("parallelism.default", "1");
            List<TableResult> jobs = new ArrayList<>();
            try {
                for (int i = 0; i < statements.size(); i++) {
                    if (i == scoringStart) {
                        // scoring starts once training has committed its second snapshot
                        assertThat(committedVersions(broker.bootstrapServers(), 2)).containsExactly(5L, 10L);
                    }
                    String statement = statements.get(i).replace("localhost:9092", broker.bootstrapServers());
                    Matcher set = SET.matcher(statement);
                    if (set.matches()) { // a client statement: the SQL client sets the session configuration
                        env.getConfig().set(set.group(1), set.group(2));
                        continue;
                    }
                    TableResult result = env.executeSql(statement);
                    result.getJobClient().ifPresent(c -> jobs.add(result));
                }
                ModelSnapshot model = snapshots(broker.bootstrapServers(), 2).get(1);
                List<JsonNode> scored = read(broker.bootstrapServers(), "scored-payments", 5);
                Predictor expected = Predictor.of(model);
                for (JsonNode row : scored) {
                    Prediction p = expected.predict(features.get(row.get("id").asInt()));
                    assertThat(row.get("model_version").asLong()).isEqualTo(10L);
                    assertThat(row.get("score").asDouble()).isEqualTo((double) p.values()[0]);
                    assertThat(row.get("class_index").asInt()).isEqualTo(p.classIndex());
                }
                assertThat(read(broker.bootstrapServers(), "training-metrics", 10))
                        .extracting(n -> n.get("version").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            } finally {
                for (TableResult job : jobs) {
                    job.getJobClient().orElseThrow().cancel().get();
                }
            }
        }
    }

    private static List<Long> committedVersions(String bootstrap, int n) throws Exception {
        return snapshots(bootstrap, n).stream().map(ModelSnapshot::version).toList();
    }

    /** The first {@code n} committed snapshots on {@code fraud-snapshots}. */
    private static List<ModelSnapshot> snapshots(String bootstrap, int n) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        p.put("auto.offset.reset", "earliest");
        List<ModelSnapshot> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.assign(List.of(new TopicPartition("fraud-snapshots", 0)));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
                    out.add(SnapshotJson.fromBytes(rec.value()));
                }
            }
        }
        assertThat(out).hasSize(n);
        return out;
    }

    private static List<JsonNode> read(String bootstrap, String topic, int n) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "readme-test");
        p.put("auto.offset.reset", "earliest");
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> rec : c.poll(Duration.ofMillis(200))) {
                    out.add(json.readTree(rec.value()));
                }
            }
        }
        assertThat(out).hasSize(n);
        return out;
    }
}
