package io.streamgrad.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10: a local {@code run} and {@code demo}, started exactly as users start them
 * ({@code java -jar jobs/target/streamgrad.jar ...}, no flags), listen only on loopback addresses, and their
 * REST endpoint refuses jar uploads and job cancellation. Exposure is checked from the process's listening
 * sockets; every connection goes to 127.0.0.1.
 */
class ClosedByDefaultIT {
    static final Path CLI_JAR = Path.of(System.getProperty("streamgrad.cliJar", "../jobs/target/streamgrad.jar"));

    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void linuxProc() {
        assumeTrue(ListeningSockets.supported(), "needs Linux /proc to list a process's sockets");
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void localRunWithoutUiListensOnLoopbackOnlyAndRefusesJarsAndCancel() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            for (String t : List.of("closed-in", "closed-metrics", "closed-snapshots", "closed-dead")) {
                kafka.createTopic(t, 1, t.endsWith("snapshots"));
            }
            Process run = start(dir.resolve("run.log"), "run", "--config", "classpath:examples/regression.yaml",
                    "--set", "kafka.bootstrapServers=" + kafka.bootstrapServers(),
                    "--set", "topics.input=closed-in", "--set", "topics.metrics=closed-metrics",
                    "--set", "topics.snapshots=closed-snapshots", "--set", "topics.deadLetters=closed-dead",
                    "--set", "job.parallelism=1");
            List<ListeningSockets.Listener> own = awaitJobListening(run, dir.resolve("run.log"));
            assertThat(own).as("sockets of the run process (broker is in the test JVM)").isNotEmpty()
                    .allMatch(ListeningSockets.Listener::isLoopback);
            int rest = restPort(own);
            assertRefusesJarsAndCancel(rest);
            assertThat(run.isAlive()).as("the job survives the refused requests").isTrue();
        }
    }

    @Test
    void demoWithItsWebUiListensOnLoopbackOnlyAndRefusesJars() throws Exception {
        int ui = freeLoopbackPort();
        Process demo = start(dir.resolve("demo.log"), "demo", "--kafka-port", "0", "--web-ui", Integer.toString(ui),
                "--duration", "120s", "--out", dir.resolve("demo").toString());
        List<ListeningSockets.Listener> own = awaitJobListening(demo, dir.resolve("demo.log"));
        assertThat(own).as("sockets of the demo process (broker, Flink)").isNotEmpty()
                .allMatch(ListeningSockets.Listener::isLoopback);
        assertThat(get(ui, "/config")).as("the web UI asked for answers on loopback").isEqualTo(200);
        assertRefusesJarsAndCancel(ui);
    }

    private Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-jar", CLI_JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        // in its own directory, as a user would: a local run keeps its state under the working directory
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    /**
     * Waits until the job runs (a REST endpoint answers /jobs with a RUNNING job); returns the sockets then, of the
     * started process and its children (the jar relaunches itself with the Vector API module).
     */
    private static List<ListeningSockets.Listener> awaitJobListening(Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("process alive; log:%n%s", Files.readString(log)).isTrue();
            List<ListeningSockets.Listener> own = ListeningSockets.ofTree(p.toHandle());
            for (ListeningSockets.Listener l : own) {
                if (l.isLoopback() && body(l.port(), "/jobs/overview").contains("RUNNING")) {
                    Thread.sleep(2000);   // let every task open its ports
                    return ListeningSockets.ofTree(p.toHandle());
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("job not running within 90 s; log:\n" + Files.readString(log));
    }

    private static int restPort(List<ListeningSockets.Listener> own) {
        return own.stream().filter(l -> body(l.port(), "/config").contains("flink-version")).findFirst()
                .orElseThrow(() -> new AssertionError("no REST endpoint among " + own)).port();
    }

    /** Every request that could run code or change the job is refused; the job keeps running. */
    private static void assertRefusesJarsAndCancel(int port) throws Exception {
        String jobs = body(port, "/jobs");
        String id = jobs.replaceAll("(?s).*\"id\"\\s*:\\s*\"([0-9a-f]{32})\".*", "$1");
        assertThat(id).as("job id in %s", jobs).hasSize(32);
        assertThat(request(port, "POST", "/jars/upload")).as("jar upload").isIn(REFUSED);
        assertThat(request(port, "GET", "/jars")).as("jar listing").isIn(REFUSED);
        assertThat(request(port, "POST", "/jobs")).as("job submission").isIn(REFUSED);
        assertThat(request(port, "PATCH", "/jobs/" + id + "?mode=cancel")).as("cancel").isIn(REFUSED);
        assertThat(request(port, "POST", "/jobs/" + id + "/stop")).as("stop with savepoint").isIn(REFUSED);
        assertThat(request(port, "POST", "/jobs/" + id + "/savepoints")).as("savepoint").isIn(REFUSED);
        assertThat(request(port, "POST", "/jobs/" + id + "/rescaling?parallelism=2")).as("rescale").isIn(REFUSED);
        Thread.sleep(1000);
        assertThat(body(port, "/jobs/" + id)).as("job after the refused requests").contains("\"state\":\"RUNNING\"");
    }

    /** What Flink's router answers for a method/path it has no handler for (400 "POST request not allowed", 404, 405). */
    private static final Integer[] REFUSED = {400, 404, 405};
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static int get(int port, String path) throws Exception {
        return request(port, "GET", path);
    }

    private static int request(int port, String method, String path) throws Exception {
        HttpRequest.BodyPublisher body = "POST".equals(method)
                ? HttpRequest.BodyPublishers.ofString("--x\r\nContent-Disposition: form-data; name=\"jarfile\"; "
                        + "filename=\"a.jar\"\r\n\r\nPK\r\n--x--\r\n")
                : HttpRequest.BodyPublishers.noBody();
        HttpRequest r = HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "multipart/form-data; boundary=x").method(method, body).build();
        return HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String body(int port, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException notHttp) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
