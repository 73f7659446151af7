package io.streamgrad.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.model.serve.Prediction;
import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.snapshot.ModelSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's SQL script statement by statement through {@code TableEnvironment.executeSql}
 * against a real broker, and checks the scores it writes against {@link Predictor}.
 */
class ReadmeSqlScriptTest {
    static final String MARKER = "<!-- streamgrad-sql-script -->";

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
        for (String s : body.toString().split(";\\s*\n")) {
            if (!s.isBlank()) {
                statements.add(s.strip());
            }
        }
        return statements;
    }

    @Test
    void theReadmeScriptScoresPaymentsWithTheSnapshotVersion() throws Exception {
        List<String> statements = readmeStatements();
        assertThat(statements).hasSize(4);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(); KafkaFixture kafka = new KafkaFixture(broker)) {
            broker.createTopic("payments", 1, false);
            broker.createTopic("fraud-snapshots", 1, true);
            broker.createTopic("scored-payments", 1, false);
            ModelSnapshot model = SqlModels.snapshot(SqlModels.binary3(), "eu", 7);
            kafka.commit("fraud-snapshots", model);
            Random r = new Random(11);
            List<float[]> features = new ArrayList<>();
            for (int id = 0; id < 5; id++) {
                double a = r.nextGaussian();
                double b = r.nextGaussian();
                double c = r.nextGaussian();
                features.add(new float[] {(float) a, (float) b, (float) c});
                kafka.row("payments", String.format(Locale.ROOT,
                        "{\"id\": %d, \"amount\": %s, \"age_days\": %s, \"hour_of_day\": %s}", id, a, b, c));
            }

            TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
            env.getConfig().set("parallelism.default", "1");
            TableResult insert = null;
            for (String statement : statements) {
                insert = env.executeSql(statement.replace("localhost:9092", broker.bootstrapServers()));
            }
            try {
                List<JsonNode> scored = read(broker.bootstrapServers(), "scored-payments", 5);
                Predictor expected = Predictor.of(model);
                for (JsonNode row : scored) {
                    Prediction p = expected.predict(features.get(row.get("id").asInt()));
                    assertThat(row.get("model_version").asLong()).isEqualTo(7L);
                    assertThat(row.get("score").asDouble()).isEqualTo((double) p.values()[0]);
                    assertThat(row.get("class_index").asInt()).isEqualTo(p.classIndex());
                }
            } finally {
                insert.getJobClient().orElseThrow().cancel().get();
            }
        }
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
