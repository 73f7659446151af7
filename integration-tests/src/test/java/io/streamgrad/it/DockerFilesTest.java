package io.streamgrad.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.cli.JobOptions;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.jobs.input.ParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine in CI: the Docker, compose and Kubernetes files are checked by construction, for
 * what a running cluster needs. They parse; every path they copy, mount or start exists; the job
 * configuration they run is valid and every secret it references reaches the JobManager's
 * environment; TaskManagers start with the Vector API module; checkpoints go to durable storage the
 * cluster can write (a named volume, or s3:// with an S3 plugin enabled); the FlinkDeployment has
 * Kubernetes HA on that same storage and resources for its slots; every Flink configuration key is
 * a current Flink option whose value parses; the topics created are the job's and the sample data
 * parses without a dead letter.
 */
class DockerFilesTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path ROOT = Path.of(System.getProperty("streamgrad.repoRoot", "..")).toAbsolutePath().normalize();
    static final Pattern VECTOR_MODULE = Pattern.compile("--add-modules[ =]([\\w.]+,)*jdk\\.incubator\\.vector\\b");
    /** The keys whose JVM options end up on a TaskManager's command line. */
    static final List<String> TASK_MANAGER_JVM_KEYS = List.of("env.java.default-opts.all", "env.java.opts.all",
            "env.java.default-opts.taskmanager", "env.java.opts.taskmanager");
    static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}");
    static final String MAIN_CONTAINER = "flink-main-container";

    // ---------------------------------------------------------------- Dockerfile

    /** The Dockerfile's instructions: continuation lines joined, comments dropped. */
    static List<String> dockerfile() throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(ROOT.resolve("docker/Dockerfile"))) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (t.endsWith("\\")) {
                current.append(t, 0, t.length() - 1).append(' ');
            } else {
                out.add(current.append(t).toString().replaceAll("\\s+", " "));
                current.setLength(0);
            }
        }
        return out;
    }

    /** Dockerfile COPY destination -> source in the repository. */
    static Map<String, Path> copies() throws Exception {
        List<String> instructions = dockerfile();
        assertThat(instructions.stream().filter(l -> l.startsWith("FROM ")).toList()).singleElement()
                .satisfies(l -> assertThat(l).startsWith("FROM flink:2.2"));
        Map<String, Path> out = new LinkedHashMap<>();
        for (String l : instructions) {
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

    static List<String> runInstructions() throws IOException {
        return dockerfile().stream().filter(l -> l.startsWith("RUN ")).toList();
    }

    /** The Flink configuration the image writes into its config.yaml (config-parser-utils.sh -Dkey=value). */
    static Map<String, String> imageFlinkConfig() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String run : runInstructions()) {
            if (run.contains("config-parser-utils.sh")) {
                Matcher m = Pattern.compile("\"-D([^=\"]+)=([^\"]*)\"").matcher(run);
                while (m.find()) {
                    out.put(m.group(1), m.group(2));
                }
            }
        }
        return out;
    }

    /** Filesystem plugins the image copies or links from opt/ into plugins/ (e.g. flink-s3-fs-hadoop). */
    static Set<String> imagePlugins() throws IOException {
        Set<String> out = new LinkedHashSet<>();
        Pattern p = Pattern.compile("(?:cp|ln -s\\w*) \"?\\$?\\{?FLINK_HOME}?\"?/opt/(flink-[\\w-]+?)-\\*\\.jar \"?\\S*/plugins/");
        for (String run : runInstructions()) {
            Matcher m = p.matcher(run);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
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
    void imageBuildsOnJava17Or21WithTheFlinkItWasCompiledAgainst() throws Exception {
        List<String> instructions = dockerfile();
        int from = instructions.indexOf("FROM flink:2.2-java${JAVA_VERSION}");
        assertThat(from).as("FROM flink:2.2-java${JAVA_VERSION}").isGreaterThan(0);
        assertThat(instructions.subList(0, from)).contains("ARG JAVA_VERSION=17");
        String[] flink = EnvironmentInformation.getVersion().split("\\.");
        assertThat(flink[0] + "." + flink[1]).as("Flink on the build classpath").isEqualTo("2.2");
        // class files for Java 17 (major 61) run on both images
        try (ZipFile z = new ZipFile(inRepo(copies(), "/opt/flink/usrlib/streamgrad-flink-job.jar").toFile());
             InputStream in = z.getInputStream(z.getEntry("io/streamgrad/jobs/OnlineTrainingJob.class"))) {
            byte[] header = in.readNBytes(8);
            assertThat(((header[6] & 0xff) << 8) | (header[7] & 0xff)).isLessThanOrEqualTo(61);
        }
    }

    @Test
    void imageStartsTaskManagersWithTheVectorModuleAndHasTheS3Plugin() throws Exception {
        Map<String, String> conf = imageFlinkConfig();
        assertFlinkOptions(conf, "Dockerfile");
        assertTaskManagersGetTheVectorModule(conf, "Dockerfile");
        // Flink's config.yaml puts the flags Java 17 needs into env.java.opts.all: replacing them breaks Flink
        assertThat(conf).as("Dockerfile must not replace env.java.opts.all").doesNotContainKey("env.java.opts.all");
        assertThat(imagePlugins()).contains("flink-s3-fs-hadoop");
    }

    // ---------------------------------------------------------------- compose

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
        DeployedJob job = DeployedJob.load(jm.subList(3, jm.size()), path -> read(inRepo(copies, path)));
        JobConfig cfg = job.config();
        assertThat(cfg.kafka().bootstrapServers()).isEqualTo("kafka:9092");
        job.assertSecretsProvided(environment(services.get("jobmanager")), "compose jobmanager", false);
        assertThat(services.get("jobmanager").get("image").asText()).isEqualTo(services.get("taskmanager").get("image").asText());
        assertThat(services.get("taskmanager").get("command").asText()).isEqualTo("taskmanager");
        assertThat(services.get("jobmanager").get("build").get("dockerfile").asText()).isEqualTo("docker/Dockerfile");
        assertThat(ROOT.resolve("docker").resolve(services.get("jobmanager").get("build").get("context").asText())
                .resolve("docker/Dockerfile")).exists();

        // Flink configuration: real options; TaskManagers get the Vector API module; enough slots
        Map<String, String> jmConf = flinkProperties(services.get("jobmanager"));
        Map<String, String> tmConf = flinkProperties(services.get("taskmanager"));
        assertFlinkOptions(jmConf, "compose jobmanager");
        assertFlinkOptions(tmConf, "compose taskmanager");
        assertTaskManagersGetTheVectorModule(tmConf, "compose taskmanager");
        assertThat(tmConf).as("compose must not replace env.java.opts.all").doesNotContainKey("env.java.opts.all");
        JsonNode replicas = services.get("taskmanager").path("deploy").path("replicas");
        int slots = Integer.parseInt(tmConf.get("taskmanager.numberOfTaskSlots"));
        assertThat(slots * (replicas.isMissingNode() ? 1 : replicas.asInt())).isGreaterThanOrEqualTo(cfg.parallelism());

        // checkpoints and savepoints on a named volume that the JobManager and every TaskManager mount,
        // at a directory the image creates (so a new volume is owned by the flink user)
        Set<String> namedVolumes = new LinkedHashSet<>();
        compose.path("volumes").fieldNames().forEachRemaining(namedVolumes::add);
        String checkpoints = cfg.checkpointing().directory() != null ? cfg.checkpointing().directory()
                : jmConf.get("execution.checkpointing.dir");
        assertThat(checkpoints).as("checkpoint directory").isNotNull();
        for (String dir : List.of(checkpoints, jmConf.get("execution.checkpointing.savepoint-dir"))) {
            URI uri = URI.create(dir);
            assertThat(uri.getScheme()).isEqualTo("file");
            for (String service : List.of("jobmanager", "taskmanager")) {
                String mount = namedVolumeMount(services.get(service), namedVolumes, uri.getPath());
                assertThat(mount).as("%s: no named volume holds %s", service, dir).isNotNull();
                assertThat(runInstructions()).as("image creates %s", mount).anyMatch(r -> r.contains("mkdir -p " + mount));
            }
        }
        assertThat(jmConf.get("execution.checkpointing.externalized-checkpoint-retention")).isEqualTo("RETAIN_ON_CANCELLATION");

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

    /** A service's FLINK_PROPERTIES, split as the image's entry point does (key up to the first ':'). */
    static Map<String, String> flinkProperties(JsonNode service) {
        Map<String, String> out = new LinkedHashMap<>();
        String props = service.path("environment").path("FLINK_PROPERTIES").asText("");
        for (String line : props.split("\n")) {
            int colon = line.indexOf(':');
            if (!line.isBlank() && colon > 0) {
                out.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        return out;
    }

    /** Names of a compose service's environment variables (map or list form). */
    static Map<String, JsonNode> environment(JsonNode service) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        JsonNode env = service.path("environment");
        if (env.isArray()) {
            env.forEach(e -> out.put(e.asText().split("=", 2)[0], e));
        } else {
            env.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** The mount point of the named volume holding {@code path} in a compose service, or null. */
    static String namedVolumeMount(JsonNode service, Set<String> namedVolumes, String path) {
        for (JsonNode v : service.path("volumes")) {
            String[] parts = v.asText().split(":");
            if (parts.length >= 2 && namedVolumes.contains(parts[0]) && (path + "/").startsWith(parts[1] + "/")) {
                return parts[1];
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- Kubernetes

    @Test
    void flinkDeploymentIsConsistentWithTheImage() throws Exception {
        Map<String, Path> copies = copies();
        List<JsonNode> docs = YAML.readerFor(JsonNode.class)
                .<JsonNode>readValues(ROOT.resolve("docker/kubernetes/flink-deployment.yaml").toFile()).readAll();
        List<JsonNode> deployments = docs.stream().filter(n -> n.path("kind").asText().equals("FlinkDeployment")).toList();
        assertThat(deployments).hasSize(1);
        JsonNode d = deployments.get(0);
        assertThat(d.get("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(d.get("spec").get("flinkVersion").asText()).isEqualTo("v2_2");
        JsonNode job = d.get("spec").get("job");
        String jarUri = job.get("jarURI").asText();
        assertThat(jarUri).startsWith("local://");
        assertThat(inRepo(copies, jarUri.substring("local://".length()))).exists();
        assertThat(Class.forName(job.get("entryClass").asText())).isEqualTo(OnlineTrainingJob.class);

        // the job configuration (mounted from a ConfigMap, or from the image) parses, and every
        // ${env:...} it uses is set in the pods from a Secret
        JsonNode podSpec = d.get("spec").path("podTemplate").path("spec");
        JsonNode main = mainContainer(podSpec);
        DeployedJob deployed = DeployedJob.load(strings(job.get("args")), path -> fileInPod(docs, podSpec, copies, path));
        JobConfig cfg = deployed.config();
        assertThat(cfg.kafka().deliveryGuarantee()).hasToString("exactly-once");
        Map<String, JsonNode> env = new LinkedHashMap<>();
        main.path("env").forEach(e -> env.put(e.get("name").asText(), e));
        deployed.assertSecretsProvided(env, "FlinkDeployment pod template", true);
        assertThat(deployed.requiredEnv()).as("the example reads its Kafka password from the environment")
                .contains("KAFKA_PASSWORD");

        Map<String, String> conf = flatten(d.get("spec").get("flinkConfiguration"));
        assertFlinkOptions(conf, "FlinkDeployment");
        assertTaskManagersGetTheVectorModule(conf, "FlinkDeployment");

        // checkpoints, savepoints and HA metadata on the same durable storage, which the pods can write
        String checkpoints = cfg.checkpointing().directory() != null ? cfg.checkpointing().directory()
                : conf.get("execution.checkpointing.dir");
        assertThat(checkpoints).as("checkpoint directory").isNotNull();
        URI ckpt = URI.create(checkpoints);
        assertThat(conf.get("high-availability.type")).isEqualTo("kubernetes");
        assertThat(d.get("spec").path("serviceAccount").asText()).as("HA needs a service account with ConfigMap rights").isNotEmpty();
        for (String key : List.of("execution.checkpointing.savepoint-dir", "high-availability.storageDir")) {
            URI uri = URI.create(conf.get(key));
            assertThat(uri.getScheme() + "://" + uri.getAuthority()).as(key).isEqualTo(ckpt.getScheme() + "://" + ckpt.getAuthority());
        }
        switch (ckpt.getScheme()) {
            case "s3", "s3a", "s3p" -> {
                Set<String> plugins = new LinkedHashSet<>(imagePlugins());
                JsonNode enable = env.get("ENABLE_BUILT_IN_PLUGINS");
                if (enable != null) {
                    for (String p : enable.path("value").asText().split(";")) {
                        plugins.add(p.replaceAll("-[0-9][\\w.]*\\.jar$", ""));
                    }
                }
                String wanted = switch (ckpt.getScheme()) {
                    case "s3a" -> "flink-s3-fs-hadoop";
                    case "s3p" -> "flink-s3-fs-presto";
                    default -> "flink-s3-fs-";
                };
                assertThat(plugins).as("S3 filesystem plugin for %s", ckpt).anyMatch(p -> p.startsWith(wanted));
                for (String name : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")) {
                    assertThat(env.get(name)).as("S3 credential %s", name).isNotNull();
                    assertThat(env.get(name).path("valueFrom").path("secretKeyRef").path("name").asText()).isNotEmpty();
                }
            }
            case "file" -> assertThat(persistentVolumeMount(podSpec, ckpt.getPath()))
                    .as("a PersistentVolumeClaim mounted at a parent of %s", ckpt).isTrue();
            default -> fail("no durable checkpoint storage: " + ckpt);
        }

        // resources sized for the slots: a core and at least 1 GiB per slot; enough slots for the job
        int slots = Integer.parseInt(conf.get("taskmanager.numberOfTaskSlots"));
        JsonNode tm = d.get("spec").get("taskManager").get("resource");
        assertThat(tm.get("cpu").asDouble()).isGreaterThanOrEqualTo(slots);
        assertThat(MemorySize.parse(tm.get("memory").asText()).getMebiBytes() / slots).isGreaterThanOrEqualTo(1024);
        assertThat(MemorySize.parse(d.get("spec").get("jobManager").get("resource").get("memory").asText()).getMebiBytes())
                .isGreaterThanOrEqualTo(1024);
        assertThat(job.get("parallelism").asInt()).as("spec.job.parallelism = job.parallelism").isEqualTo(cfg.parallelism());
    }

    static JsonNode mainContainer(JsonNode podSpec) {
        for (JsonNode c : podSpec.path("containers")) {
            if (MAIN_CONTAINER.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no " + MAIN_CONTAINER + " in the pod template");
    }

    /** A file as the main container sees it: from a mounted ConfigMap in the same manifest, else from the image. */
    static String fileInPod(List<JsonNode> docs, JsonNode podSpec, Map<String, Path> copies, String path) {
        for (JsonNode mount : mainContainer(podSpec).path("volumeMounts")) {
            String dir = mount.get("mountPath").asText();
            if (!path.startsWith(dir + "/")) {
                continue;
            }
            for (JsonNode volume : podSpec.path("volumes")) {
                if (volume.path("name").asText().equals(mount.get("name").asText()) && volume.has("configMap")) {
                    String name = volume.get("configMap").get("name").asText();
                    JsonNode map = docs.stream().filter(n -> n.path("kind").asText().equals("ConfigMap")
                            && n.path("metadata").path("name").asText().equals(name)).findFirst()
                            .orElseThrow(() -> new AssertionError("ConfigMap " + name + " is not in the manifest"));
                    JsonNode data = map.path("data").path(path.substring(dir.length() + 1));
                    assertThat(data.isTextual()).as("ConfigMap %s holds %s", name, path).isTrue();
                    return data.asText();
                }
            }
        }
        return read(inRepo(copies, path));
    }

    static boolean persistentVolumeMount(JsonNode podSpec, String path) {
        for (JsonNode mount : mainContainer(podSpec).path("volumeMounts")) {
            if ((path + "/").startsWith(mount.get("mountPath").asText() + "/")) {
                for (JsonNode volume : podSpec.path("volumes")) {
                    if (volume.path("name").asText().equals(mount.get("name").asText())
                            && volume.has("persistentVolumeClaim")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- shared checks

    /** A job as a deployment starts it: its arguments, configuration text and the parsed configuration. */
    record DeployedJob(String yaml, List<String> overrides, JobConfig config) {
        /**
         * Parses the entry point's arguments with its own parser and loads the configuration, with each
         * {@code ${env:NAME}} given a stand-in value, so that the test shows where the value lands.
         */
        static DeployedJob load(List<String> args, UnaryOperator<String> files) {
            JobOptions options = JobOptions.parse(args); // anything the entry point would reject fails here
            String yaml = files.apply(options.config());
            List<String> overrides = options.overrides();
            JobConfig config = JobConfig.parse(withStandIns(yaml), overrides.stream().map(DeployedJob::withStandIns).toList());
            return new DeployedJob(yaml, overrides, config);
        }

        static String withStandIns(String text) {
            return ENV_REF.matcher(text).replaceAll(m -> m.group(2) != null ? Matcher.quoteReplacement(m.group())
                    : Matcher.quoteReplacement("${env:" + m.group(1) + ":-" + standIn(m.group(1)) + "}"));
        }

        static String standIn(String name) {
            return System.getenv(name) != null ? System.getenv(name) : "value-of-" + name;
        }

        /** Variables the configuration's values (not its comments) need, having no default. */
        Set<String> requiredEnv() {
            Set<String> out = new LinkedHashSet<>();
            List<String> values = new ArrayList<>(overrides);
            try {
                collectText(YAML.readTree(yaml), values);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String v : values) {
                Matcher m = ENV_REF.matcher(v);
                while (m.find()) {
                    if (m.group(2) == null) {
                        out.add(m.group(1));
                    }
                }
            }
            return out;
        }

        /**
         * Each needed variable is set in the JobManager's environment (where the entry point resolves
         * it; on Kubernetes from a Secret) and ends up in a Kafka client setting.
         */
        void assertSecretsProvided(Map<String, JsonNode> env, String where, boolean fromSecret) {
            for (String name : requiredEnv()) {
                assertThat(env).as("%s: ${env:%s} of the job configuration is not set", where, name).containsKey(name);
                if (fromSecret) {
                    JsonNode secretRef = env.get(name).path("valueFrom").path("secretKeyRef");
                    assertThat(secretRef.path("name").asText()).as("%s: %s from a Secret", where, name).isNotEmpty();
                }
                assertThat(config.kafka().properties().values()).as("${env:%s} reaches a Kafka client setting", name)
                        .anyMatch(v -> v.contains(standIn(name)));
            }
        }

        private static void collectText(JsonNode node, List<String> out) {
            if (node.isTextual()) {
                out.add(node.asText());
            }
            node.forEach(child -> collectText(child, out));
        }
    }

    /** TaskManager JVMs start with {@code --add-modules jdk.incubator.vector} under this configuration. */
    static void assertTaskManagersGetTheVectorModule(Map<String, String> conf, String where) {
        String jvmOptions = String.join(" ", TASK_MANAGER_JVM_KEYS.stream().map(k -> conf.getOrDefault(k, "")).toList());
        assertThat(jvmOptions).as("%s: TaskManager JVM options (%s)", where, TASK_MANAGER_JVM_KEYS).containsPattern(VECTOR_MODULE);
    }

    /** Every key is the current key of a Flink option (not a deprecated one), and its value parses as that option's type. */
    static void assertFlinkOptions(Map<String, String> conf, String where) {
        assertThat(conf).as(where).isNotEmpty();
        Map<String, ConfigOption<?>> options = FlinkOptions.CURRENT;
        for (Map.Entry<String, String> e : conf.entrySet()) {
            String key = e.getKey();
            ConfigOption<?> option = options.get(key);
            if (option == null) {
                fail("%s: '%s' is not a Flink configuration option%s", where, key,
                        FlinkOptions.DEPRECATED.containsKey(key) ? " (deprecated, use " + FlinkOptions.DEPRECATED.get(key) + ")" : "");
            }
            try {
                Configuration.fromMap(Map.of(key, e.getValue())).get(option);
            } catch (RuntimeException ex) {
                fail("%s: %s: %s is not a valid value: %s", where, key, e.getValue(), ex.getMessage());
            }
        }
    }

    /** Flink's options, read by reflection from the {@code org.apache.flink.configuration.*Options} classes. */
    static final class FlinkOptions {
        static final Map<String, ConfigOption<?>> CURRENT = new TreeMap<>();
        static final Map<String, String> DEPRECATED = new HashMap<>();

        static {
            try {
                ClassLoader loader = DockerFilesTest.class.getClassLoader();
                for (URL url : Collections.list(loader.getResources("org/apache/flink/configuration/"))) {
                    JarURLConnection connection = (JarURLConnection) url.openConnection();
                    connection.setUseCaches(false);
                    try (JarFile jar = connection.getJarFile()) {
                        for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                            String name = entries.nextElement().getName();
                            if (name.matches("org/apache/flink/configuration/[A-Za-z]+Options\\.class")) {
                                register(Class.forName(name.replace('/', '.').replace(".class", ""), true, loader));
                            }
                        }
                    }
                }
            } catch (IOException | ClassNotFoundException e) {
                throw new ExceptionInInitializerError(e);
            }
            assertThat(CURRENT).as("Flink options found on the classpath").containsKeys("taskmanager.numberOfTaskSlots",
                    "env.java.opts.taskmanager", "high-availability.type", "execution.checkpointing.dir");
        }

        private static void register(Class<?> type) {
            for (Field f : type.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                    try {
                        ConfigOption<?> option = (ConfigOption<?>) f.get(null);
                        CURRENT.put(option.key(), option);
                        for (FallbackKey k : option.fallbackKeys()) {
                            DEPRECATED.putIfAbsent(k.getKey(), option.key());
                        }
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
    }

    /** A Flink configuration block as flat keys (the operator accepts nested maps too). */
    static Map<String, String> flatten(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (e.getValue().isObject()) {
                flatten(e.getValue()).forEach((k, v) -> out.put(e.getKey() + "." + k, v));
            } else {
                out.put(e.getKey(), e.getValue().asText());
            }
        });
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
