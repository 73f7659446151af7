package io.streamgrad.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A standalone Flink session cluster of separate JVMs, started the way {@code bin/jobmanager.sh}
 * and {@code bin/taskmanager.sh} do it: a {@code config.yaml} in a temporary conf directory, the
 * memory JVM flags and dynamic properties computed from it (what {@code BashJavaUtils} prints),
 * {@code java -cp <Flink distribution classpath>} with the JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManager ({@code TaskManagerRunner})
 * entry points. Jobs are submitted through the REST API like the web UI and {@code flink run}
 * against a remote session do. The classpath comes from {@code target/flink-dist.classpath}
 * (maven-dependency-plugin build-classpath: Flink and its dependencies, not our code, not the Kafka
 * connector: the job jar brings those). Every process is killed on {@link #close()}.
 */
final class StandaloneFlinkCluster implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOB_MANAGER = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    /** What Flink's default config.yaml puts in env.java.default-opts.all for Java 17. */
    private static final List<String> JAVA17_OPTS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    final Path home;
    final Path confDir;
    final int restPort;
    private final String classpath;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
    private int processCount;

    private final Thread shutdownHook = new Thread(this::close, "kill-flink-processes");

    private StandaloneFlinkCluster(Path home, int restPort, String classpath) {
        this.home = home;
        this.confDir = home.resolve("conf");
        this.restPort = restPort;
        this.classpath = classpath;
        // also when the test JVM is torn down without @AfterAll (e.g. a fork timeout)
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Path of the classpath file written by the build (system property {@code streamgrad.flinkDistClasspath}). */
    static String distributionClasspath() {
        Path f = Path.of(System.getProperty("streamgrad.flinkDistClasspath", "target/flink-dist.classpath"));
        try {
            String cp = Files.readString(f).trim();
            if (cp.isEmpty()) {
                throw new IllegalStateException(f + " is empty");
            }
            return cp;
        } catch (IOException e) {
            throw new UncheckedIOException("no Flink distribution classpath at " + f
                    + " (written by maven-dependency-plugin at generate-test-resources)", e);
        }
    }

    /** Writes the configuration and starts a JobManager and one TaskManager; waits until a slot is offered. */
    static StandaloneFlinkCluster start(Path home, Map<String, String> extraConfig) throws Exception {
        int restPort = freePort();
        StandaloneFlinkCluster c = new StandaloneFlinkCluster(home, restPort, distributionClasspath());
        try {
            c.writeConfig(extraConfig);
            c.startJobManager();
            c.startTaskManager();
            c.awaitTaskManagers(1, Duration.ofSeconds(90));
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    private void writeConfig(Map<String, String> extra) throws IOException {
        Files.createDirectories(confDir);
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("jobmanager.rpc.address", "127.0.0.1");
        conf.put("jobmanager.rpc.port", String.valueOf(freePort()));
        conf.put("jobmanager.bind-host", "127.0.0.1");
        conf.put("rest.address", "127.0.0.1");
        conf.put("rest.bind-address", "127.0.0.1");
        conf.put("rest.port", String.valueOf(restPort));
        conf.put("taskmanager.host", "127.0.0.1");
        conf.put("taskmanager.bind-host", "127.0.0.1");
        conf.put("taskmanager.numberOfTaskSlots", "2");
        conf.put("parallelism.default", "1");
        conf.put("jobmanager.memory.process.size", "1g");
        conf.put("taskmanager.memory.process.size", "1g");
        conf.put("taskmanager.memory.managed.size", "64m");
        conf.put("taskmanager.memory.network.min", "32m");
        conf.put("taskmanager.memory.network.max", "32m");
        conf.put("taskmanager.memory.jvm-metaspace.size", "192m");
        conf.put("taskmanager.memory.jvm-overhead.min", "128m");
        // a killed TaskManager is noticed in seconds, not after the default 50 s
        conf.put("heartbeat.interval", "1000");
        conf.put("heartbeat.timeout", "6000");
        conf.put("restart-strategy.type", "fixed-delay");
        conf.put("restart-strategy.fixed-delay.attempts", "20");
        conf.put("restart-strategy.fixed-delay.delay", "1 s");
        conf.put("execution.checkpointing.dir", home.resolve("checkpoints").toUri().toString());
        conf.put("io.tmp.dirs", tmp.toString());
        conf.put("web.tmpdir", tmp.toString());
        conf.put("web.upload.dir", tmp.toString());
        conf.put("blob.storage.directory", tmp.toString());
        conf.put("rest.flamegraph.enabled", "false");
        conf.putAll(extra);
        StringBuilder yaml = new StringBuilder();
        conf.forEach((k, v) -> yaml.append(k).append(": ").append(quote(v)).append('\n'));
        Files.writeString(confDir.resolve("config.yaml"), yaml.toString());
        Files.writeString(confDir.resolve("log4j.properties"), """
                rootLogger.level = INFO
                rootLogger.appenderRef.file.ref = MainAppender
                logger.kafka.name = org.apache.kafka
                logger.kafka.level = WARN
                appender.main.name = MainAppender
                appender.main.type = File
                appender.main.fileName = ${sys:log.file}
                appender.main.layout.type = PatternLayout
                appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n
                """);
    }

    private static String quote(String v) {
        return v.matches("[A-Za-z0-9_./:@ -]*") && !v.isEmpty() && !v.contains(": ") ? v : "'" + v.replace("'", "''") + "'";
    }

    private Process launch(String name, String mainClass, List<String> jvmArgs, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(JAVA17_OPTS);
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Dlog.file=" + home.resolve(name + ".log"));
        cmd.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(confDir.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(home.resolve(name + ".out").toFile());
        pb.environment().put("FLINK_CONF_DIR", confDir.toString());
        return pb.start();
    }

    private static List<String> words(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    private Configuration flinkConfig() {
        return GlobalConfiguration.loadConfiguration(confDir.toString());
    }

    private void startJobManager() throws IOException {
        Configuration conf = flinkConfig();
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(conf);
        jobManager = launch("jobmanager", JOB_MANAGER, words(JobManagerProcessUtils.generateJvmParametersStr(spec, conf)),
                words(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
    }

    /** Starts another TaskManager process. */
    Process startTaskManager() throws IOException {
        Configuration conf = flinkConfig();
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(conf);
        Process p = launch("taskmanager-" + (++processCount), TASK_MANAGER,
                words(ProcessMemoryUtils.generateJvmParametersStr(spec)),
                words(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
        taskManagers.add(p);
        return p;
    }

    /** Kills a TaskManager process the hard way (no shutdown hooks), as a crashed machine would. */
    void killTaskManager(Process p) throws InterruptedException {
        p.destroyForcibly();
        p.waitFor();
        taskManagers.remove(p);
    }

    List<Process> taskManagers() {
        return List.copyOf(taskManagers);
    }

    // ------------------------------------------------------------------ REST

    String url(String path) {
        return "http://127.0.0.1:" + restPort + path;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    JsonNode post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(120))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 && r.statusCode() != 202) {
            throw new IOException("POST " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** POST /jars/upload (multipart, field {@code jarfile}); returns the jar id. */
    String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "----streamgrad" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] content = Files.readAllBytes(jar);
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        JsonNode r = post("/jars/upload", "multipart/form-data; boundary=" + boundary, body);
        if (!"success".equals(r.path("status").asText())) {
            throw new IOException("upload failed: " + r);
        }
        String file = r.get("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /** POST /jars/:id/run; returns the job id. */
    String runJar(String jarId, List<String> programArgs, int parallelism) throws IOException, InterruptedException {
        var body = JSON.createObjectNode();
        var args = body.putArray("programArgsList");
        programArgs.forEach(args::add);
        body.put("parallelism", parallelism);
        JsonNode r = post("/jars/" + jarId + "/run", "application/json", JSON.writeValueAsBytes(body));
        return r.get("jobid").asText();
    }

    /** Job details (GET /jobs/:id): state, vertices, ... */
    JsonNode job(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId);
    }

    String jobState(String jobId) throws IOException, InterruptedException {
        return job(jobId).path("state").asText();
    }

    /** Checkpoint statistics (GET /jobs/:id/checkpoints). */
    JsonNode checkpoints(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    /** Root causes of failures the job went through (GET /jobs/:id/exceptions). */
    JsonNode exceptions(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/exceptions");
    }

    /** Polls {@code probe} until it holds; rethrows nothing while the REST endpoint is not up yet. */
    <T> T await(String what, Duration timeout, RestCall<T> probe, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        Exception error = null;
        while (System.nanoTime() < deadline) {
            checkAlive();
            try {
                last = probe.call();
                error = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                error = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(what + " not reached in " + timeout + "; last " + last + (error != null ? ", " + error : "")
                + "\n" + logTail());
    }

    void awaitTaskManagers(int n, Duration timeout) throws Exception {
        await(n + " TaskManager(s) registered", timeout, () -> get("/taskmanagers"),
                j -> j.path("taskmanagers").size() == n);
    }

    /** Waits for a terminal job state and returns it. */
    String awaitTerminal(String jobId, Duration timeout) throws Exception {
        return await("job " + jobId + " terminal", timeout, () -> jobState(jobId),
                s -> s.equals("FINISHED") || s.equals("FAILED") || s.equals("CANCELED"));
    }

    private void checkAlive() {
        if (jobManager != null && !jobManager.isAlive()) {
            throw new AssertionError("the JobManager process exited with " + jobManager.exitValue() + "\n" + logTail());
        }
    }

    /** The last lines of the JobManager's log and output, for failure messages. */
    String logTail() {
        StringBuilder b = new StringBuilder();
        for (String f : List.of("jobmanager.out", "jobmanager.log")) {
            try {
                List<String> lines = Files.readAllLines(home.resolve(f));
                b.append("--- ").append(f).append('\n');
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> b.append(l).append('\n'));
            } catch (IOException ignored) {
                // not written yet
            }
        }
        return b.toString();
    }

    /** All log and output files of the cluster's processes. */
    List<Path> logFiles() throws IOException {
        try (var s = Files.list(home)) {
            return s.filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".out")).sorted().toList();
        }
    }

    @FunctionalInterface
    interface RestCall<T> {
        T call() throws IOException, InterruptedException;
    }

    @Override
    public synchronized void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // already shutting down: we are the hook
        }
        List<Process> all = new ArrayList<>(taskManagers);
        if (jobManager != null) {
            all.add(jobManager);
        }
        for (Process p : all) {
            p.destroyForcibly();
        }
        for (Process p : all) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        taskManagers.clear();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
