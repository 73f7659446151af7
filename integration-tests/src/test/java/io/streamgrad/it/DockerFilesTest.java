package io.streamgrad.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.cli.JobOptions;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.jobs.input.ParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine in CI: the Docker, compose and Kubernetes files are checked by construction —
 * they parse, every path they copy or reference exists in the build, the classes they start exist,
 * the job configuration they run is valid, the topics they create are the job's, and the sample
 * data they produce parses without a dead letter.
 */
class DockerFilesTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path ROOT = Path.of(System.getProperty("streamgrad.repoRoot", "..")).toAbsolutePath().normalize();

    /** Dockerfile COPY destination -> source in the repository. */
    static Map<String, Path> copies() throws Exception {
        List<String> lines = Files.readAllLines(ROOT.resolve("docker/Dockerfile"));
        assertThat(lines.stream().filter(l -> l.startsWith("FROM ")).toList()).singleElement()
                .satisfies(l -> assertThat(l).startsWith("FROM flink:2.2"));
        Map<String, Path> out = new LinkedHashMap<>();
        for (String l : lines) {
            if (l.startsWith("COPY ")) {
                String[] parts = l.replaceAll("--chown=\\S+", "").trim().split("\\s+");
                Path src = ROOT.resolve(parts[1]);
                assertThat(src).as("Dockerfile source %s", parts[1]).exists();
                out.put(parts[2], src);
            }
        }
        return out;
    }

    /** Maps an in-image path to the repository file it comes from. */
    static Path inRepo(Map<String, Path> copies, String imagePath) {
        for (Map.Entry<String, Path> e : copies.entrySet()) {
            String dest = e.getKey();
            if (imagePath.equals(dest)) {
                return e.getValue();
            }
            if (dest.endsWith("/") && imagePath.startsWith(dest)) {
                return e.getValue().resolve(imagePath.substring(dest.length()));
            }
        }
        throw new AssertionError("nothing in the image at " + imagePath);
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static JobConfig jobConfig(Map<String, Path> copies, List<String> args) {
        JobOptions options = JobOptions.parse(args); // the entry point's own parser: anything else is an error
        return JobConfig.load(inRepo(copies, options.config()), options.overrides());
    }

    @Test
    void jobJarHoldsTheEntryClassButNotFlink() throws Exception {
        Map<String, Path> copies = copies();
        Path jar = inRepo(copies, "/opt/flink/usrlib/streamgrad-flink-job.jar");
        try (ZipFile z = new ZipFile(jar.toFile())) {
            assertThat(z.getEntry("io/streamgrad/jobs/OnlineTrainingJob.class")).isNotNull();
            assertThat(z.getEntry("io/streamgrad/operators/OnlineTrainerOperator.class")).isNotNull();
            assertThat(z.getEntry("org/apache/flink/connector/kafka/source/KafkaSource.class")).isNotNull();
            assertThat(z.getEntry("org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class")).isNull();
            assertThat(z.getEntry("log4j2.xml")).isNull();
            assertThat(new String(z.getInputStream(z.getEntry("META-INF/MANIFEST.MF")).readAllBytes()))
                    .contains("Main-Class: io.streamgrad.jobs.OnlineTrainingJob");
        }
    }

    @Test
    void composeFileIsConsistentWithTheBuild() throws Exception {
        Map<String, Path> copies = copies();
        JsonNode compose = YAML.readTree(ROOT.resolve("docker/docker-compose.yml").toFile());
        JsonNode services = compose.get("services");
        assertThat(services.fieldNames()).toIterable().contains("kafka", "create-topics", "jobmanager", "taskmanager", "producer");

        List<String> jm = strings(services.get("jobmanager").get("command"));
        assertThat(jm.get(0)).isEqualTo("standalone-job");
        assertThat(jm.get(1)).isEqualTo("--job-classname");
        assertThat(Class.forName(jm.get(2))).isEqualTo(OnlineTrainingJob.class);
        JobConfig cfg = jobConfig(copies, jm.subList(3, jm.size()));
        assertThat(cfg.kafka().bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(services.get("jobmanager").get("image").asText()).isEqualTo(services.get("taskmanager").get("image").asText());
        assertThat(services.get("taskmanager").get("command").asText()).isEqualTo("taskmanager");
        assertThat(services.get("jobmanager").get("build").get("dockerfile").asText()).isEqualTo("docker/Dockerfile");
        assertThat(ROOT.resolve("docker").resolve(services.get("jobmanager").get("build").get("context").asText())
                .resolve("docker/Dockerfile")).exists();

        // the broker allows the sink's transaction timeout
        long maxTx = services.get("kafka").get("environment").get("KAFKA_TRANSACTION_MAX_TIMEOUT_MS").asLong();
        assertThat(maxTx).isGreaterThanOrEqualTo(cfg.kafka().transactionTimeoutMs());

        // topics created = topics used; the snapshot topic is compacted
        String script = strings(services.get("create-topics").get("command")).get(0);
        Matcher m = Pattern.compile("--topic (\\S+)([^\\n]*)").matcher(script);
        Map<String, String> topics = new LinkedHashMap<>();
        while (m.find()) {
            topics.put(m.group(1), m.group(2));
        }
        assertThat(topics.keySet()).containsExactlyInAnyOrder(cfg.topics().input(), cfg.topics().metrics(),
                cfg.topics().snapshots(), cfg.topics().deadLetters());
        assertThat(topics.get(cfg.topics().snapshots())).contains("cleanup.policy=compact");

        // the sample producer sends the sample file to the input topic, and every line is a good example
        List<String> prod = strings(services.get("producer").get("command"));
        assertThat(strings(services.get("producer").get("entrypoint"))).containsExactly("java", "-jar", "/opt/streamgrad/streamgrad.jar");
        assertThat(inRepo(copies, "/opt/streamgrad/streamgrad.jar")).exists();
        assertThat(prod.get(0)).isEqualTo("produce");
        assertThat(prod.get(prod.indexOf("--topic") + 1)).isEqualTo(cfg.topics().input());
        assertThat(prod.get(prod.indexOf("--key-field") + 1)).isEqualTo(cfg.input().keyField());
        Path sample = inRepo(copies, prod.get(1));
        ExampleParser parser = new ExampleParser(cfg.input(), cfg.model());
        List<String> lines = Files.readAllLines(sample);
        assertThat(lines).hasSizeGreaterThan(1000);
        for (String line : lines) {
            ParseResult r = parser.parse((String) null, line, 0L);
            assertThat(r.isOk()).as("%s -> %s", line, r).isTrue();
        }
    }

    @Test
    void flinkDeploymentIsConsistentWithTheImage() throws Exception {
        Map<String, Path> copies = copies();
        JsonNode d = YAML.readTree(ROOT.resolve("docker/kubernetes/flink-deployment.yaml").toFile());
        assertThat(d.get("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(d.get("kind").asText()).isEqualTo("FlinkDeployment");
        JsonNode job = d.get("spec").get("job");
        String jarUri = job.get("jarURI").asText();
        assertThat(jarUri).startsWith("local://");
        assertThat(inRepo(copies, jarUri.substring("local://".length()))).exists();
        assertThat(Class.forName(job.get("entryClass").asText())).isEqualTo(OnlineTrainingJob.class);
        JobConfig cfg = jobConfig(copies, strings(job.get("args")));
        assertThat(cfg.kafka().deliveryGuarantee()).hasToString("exactly-once");
        assertThat(d.get("spec").get("flinkVersion").asText()).isEqualTo("v2_2");
    }
}
