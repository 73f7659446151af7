package io.streamgrad.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.demo.ClickThroughStream;
import io.streamgrad.jobs.demo.DelayedClicks;
import io.streamgrad.jobs.input.ExampleParser;
import java.io.BufferedReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code produce FILE --topic T}: CSV / JSON-lines file -> Kafka topic, rate-limited, with progress. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Send a CSV or JSON-lines file to a Kafka topic (rate limit, progress display).",
                "",
                "Sends one Kafka record per non-empty line of FILE (\"-\" = standard input), unchanged, so the job "
                        + "parses it with its input configuration (JSON lines or CSV)."},
        footer = {"%nProgress (records acknowledged by Kafka, records/s) is shown on stderr once per second.",
                "The broker is asked for its metadata first: an unreachable one fails within "
                        + ProduceCommand.REACH_SECONDS + " s, naming it."})
final class ProduceCommand extends CliCommand {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final int REACH_SECONDS = 10;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
            description = "CSV or JSON-lines file, - for standard input")
    private String file;

    @Option(names = "--synthetic", paramLabel = "NAME",
            description = "instead of FILE, an endless synthetic stream: click-through (for "
                    + "examples/click-through.yaml); bound it with --limit")
    private String synthetic;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the --synthetic stream (default 1)")
    private long seed = 1;

    @Option(names = "--labels-topic", paramLabel = "TOPIC",
            description = "with --synthetic click-through: impressions without label (with an id) go to --topic, "
                    + "and each click as a label record {id, clicked, ts} to TOPIC, up to --label-delay-ms later "
                    + "(for examples/click-through-delayed-labels.yaml); --limit counts impressions")
    private String labelsTopic;

    @Option(names = "--label-delay-ms", paramLabel = "MS", converter = Converters.NonNegativeLong.class,
            description = "with --labels-topic: a click happens up to MS ms (event time) after its impression "
                    + "(default ${DEFAULT-VALUE})", defaultValue = "20000")
    private long labelDelayMs;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "Kafka topic to send to")
    private String topic;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default ${DEFAULT-VALUE})")
    private String bootstrap;

    @Option(names = "--rate", paramLabel = "N", converter = Converters.NonNegativeDouble.class,
            description = "at most N records per second (default: unlimited)")
    private double rate;

    @Option(names = "--limit", paramLabel = "N", converter = Converters.NonNegativeLong.class,
            description = "stop after N records")
    private long limit = Long.MAX_VALUE;

    @Option(names = "--key-field", paramLabel = "NAME", description = "record key = this field of each JSON line")
    private String keyField;

    @Option(names = "--key-column", paramLabel = "I", converter = Converters.NonNegativeInt.class,
            description = "record key = CSV column I (0-based, comma-separated)")
    private int keyColumn = -1;

    @Option(names = "--key", paramLabel = "KEY",
            description = "the same record key for every record (default: no key)")
    private String fixedKey;

    @Option(names = "--skip-header", description = "skip the first line (CSV header)")
    private boolean skipHeader;

    @Option(names = "--property", paramLabel = "K=V", description = "Kafka producer setting (security etc.), repeatable")
    private Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--quiet", description = "no progress display")
    private boolean quiet;

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        if ((file == null) == (synthetic == null)) {
            throw usageError("give either FILE or --synthetic NAME");
        }
        if (synthetic != null && !synthetic.equals("click-through")) {
            throw usageError("--synthetic: unknown stream '" + synthetic + "' (known: click-through)");
        }
        if (labelsTopic != null && synthetic == null) {
            throw usageError("--labels-topic: only with --synthetic click-through");
        }
        if (labelsTopic != null && labelsTopic.equals(topic)) {
            throw usageError("--labels-topic: must differ from --topic");
        }
        if (file != null && !file.equals("-") && !Files.isRegularFile(Path.of(file))) {
            throw usageError("no such file: " + file);
        }
        Properties p = new Properties();
        p.putAll(properties);
        p.put("bootstrap.servers", bootstrap);
        p.putIfAbsent("linger.ms", "20");
        p.putIfAbsent("enable.idempotence", "true");
        p.putIfAbsent("acks", "all");
        p.putIfAbsent("max.block.ms", "15000"); // a missing topic (no auto-creation) fails in 15 s, not 60
        checkReachable(p);

        AtomicLong sent = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long lastReport = start;
        long lastCount = 0;
        DelayedClicks clicks = labelsTopic == null ? null : new DelayedClicks(seed, labelDelayMs);
        AtomicLong labelsSent = new AtomicLong();
        try (BufferedReader in = synthetic != null ? new BufferedReader(new ClickThroughStream(seed).lines())
                : file.equals("-") ? new BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
             KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            String line;
            boolean first = true;
            java.util.List<String> next = new java.util.ArrayList<>(1);
            java.util.function.Consumer<String> sendLabel = l -> {
                producer.send(new ProducerRecord<>(labelsTopic, null, l), (md, ex) -> {
                    if (ex != null) {
                        failure.compareAndSet(null, ex);
                    }
                });
                labelsSent.incrementAndGet();
            };
            while (sent.get() < limit && (line = nextLine(in, clicks, next, sendLabel)) != null) {
                if (first && skipHeader) {
                    first = false;
                    continue;
                }
                first = false;
                if (line.isBlank()) {
                    continue;
                }
                if (failure.get() != null) {
                    throw sendFailure(failure.get(), acked.get());
                }
                String key = fixedKey;
                if (keyField != null) {
                    try {
                        JsonNode n = MAPPER.readTree(line);
                        JsonNode k = n == null ? null : n.get(keyField);
                        key = k == null || k.isNull() ? null : k.asText();
                    } catch (Exception e) {
                        key = null; // the job dead-letters the bad line
                    }
                } else if (keyColumn >= 0) {
                    List<String> cols = ExampleParserAccess.split(line);
                    key = keyColumn < cols.size() ? cols.get(keyColumn).strip() : null;
                }
                producer.send(new ProducerRecord<>(topic, key, line), (md, ex) -> {
                    if (ex != null) {
                        failure.compareAndSet(null, ex);
                    } else {
                        acked.incrementAndGet();
                    }
                });
                long n = sent.incrementAndGet();
                if (rate > 0) {
                    long due = start + (long) (n / rate * 1e9);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                long now = System.nanoTime();
                if (!quiet && now - lastReport >= 1_000_000_000L) {
                    long a = acked.get(); // only what Kafka acknowledged counts as sent
                    err.printf("\r%,d records acknowledged (%,.0f records/s)   ", a, (a - lastCount) * 1e9 / (now - lastReport));
                    lastReport = now;
                    lastCount = a;
                }
            }
            if (clicks != null) {
                clicks.flush(sendLabel);
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw sendFailure(failure.get(), acked.get());
        }
        double secs = (System.nanoTime() - start) / 1e9;
        if (!quiet) {
            err.print("\r");
        }
        out.printf("sent %,d records to %s in %.1f s (%,.0f records/s)%n", acked.get(), topic, secs, acked.get() / Math.max(secs, 1e-3));
        if (clicks != null) {
            out.printf("sent %,d label records (clicks) to %s%n", labelsSent.get(), labelsTopic);
        }
        return 0;
    }

    /** The next line to send to {@code --topic}: from the reader, or the next impression (its due clicks go to {@code labels}). */
    private static String nextLine(BufferedReader in, DelayedClicks clicks, java.util.List<String> next,
                                   java.util.function.Consumer<String> labels) throws java.io.IOException {
        if (clicks == null) {
            return in.readLine();
        }
        next.clear();
        clicks.next(next::add, labels);
        return next.get(0);
    }

    /** Fails within {@link #REACH_SECONDS} when no broker at {@code --bootstrap} answers, before anything is sent. */
    private void checkReachable(Properties producer) throws InterruptedException {
        Properties p = new Properties();
        p.putAll(producer);
        p.keySet().removeAll(List.of("linger.ms", "enable.idempotence", "acks", "max.block.ms"));
        p.put("request.timeout.ms", Integer.toString(REACH_SECONDS * 1000));
        p.put("default.api.timeout.ms", Integer.toString(REACH_SECONDS * 1000));
        p.put("client.id", "streamgrad-produce-check");
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().nodes().get(REACH_SECONDS + 2, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            String why = c instanceof TimeoutException || c instanceof org.apache.kafka.common.errors.TimeoutException
                    ? "did not answer within " + REACH_SECONDS + " s" : "refused the connection: " + c.getMessage();
            throw new IllegalStateException("Kafka at " + bootstrap + " (--bootstrap) " + why + "; nothing was sent", c);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + " (--bootstrap): " + e.getMessage(), e);
        }
    }

    private IllegalStateException sendFailure(Exception cause, long acknowledged) {
        return new IllegalStateException("Kafka at " + bootstrap + " (--bootstrap) refused records for topic " + topic
                + " (" + acknowledged + " records were acknowledged before): " + cause.getMessage(), cause);
    }

    /** CSV splitting shared with the parser. */
    static final class ExampleParserAccess {
        static List<String> split(String line) {
            return ExampleParser.splitCsv(line, ',');
        }
    }
}
