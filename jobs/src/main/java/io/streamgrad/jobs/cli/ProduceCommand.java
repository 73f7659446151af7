package io.streamgrad.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.input.ExampleParser;
import java.io.BufferedReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** {@code produce FILE --topic T}: CSV / JSON-lines file -> Kafka topic, rate-limited, with progress. */
final class ProduceCommand implements Command {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String name() {
        return "produce";
    }

    @Override
    public String summary() {
        return "send a CSV or JSON-lines file to a Kafka topic (rate limit, progress display)";
    }

    @Override
    public String usage() {
        return """
                Usage: streamgrad produce FILE --topic TOPIC [--bootstrap HOST:PORT] [--rate N] [--limit N]
                                          [--key-field NAME | --key-column I | --key KEY] [--skip-header]
                                          [--property k=v ...] [--quiet]

                Sends one Kafka record per non-empty line of FILE ("-" = standard input), unchanged, so
                the job parses it with its input configuration (JSON lines or CSV).
                  --bootstrap       Kafka bootstrap servers (default localhost:9092)
                  --rate N          at most N records per second (default: unlimited)
                  --limit N         stop after N records
                  --key-field NAME  record key = this field of each JSON line
                  --key-column I    record key = CSV column I (0-based, comma-separated)
                  --key KEY         the same record key for every record (default: no key)
                  --skip-header     skip the first line (CSV header)
                  --property k=v    Kafka producer setting (security etc.), repeatable
                  --quiet           no progress display
                Progress (records sent, records/s) is shown on stderr once per second.
                """;
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of("topic", "bootstrap", "rate", "limit", "key-field", "key-column", "key", "property"),
                Set.of("skip-header", "quiet"));
        if (a.positional.size() != 1) {
            throw new UsageException("give exactly one FILE (or - for standard input)");
        }
        String topic = a.get("topic", null);
        if (topic == null) {
            throw new UsageException("--topic is required");
        }
        String file = a.positional.get(0);
        if (!file.equals("-") && !Files.isRegularFile(Path.of(file))) {
            throw new UsageException("no such file: " + file);
        }
        double rate = a.decimal("rate", 0);
        long limit = a.number("limit", Long.MAX_VALUE);
        String keyField = a.get("key-field", null);
        long keyColumn = a.number("key-column", -1);
        String fixedKey = a.get("key", null);
        Properties p = new Properties();
        p.putAll(a.pairs("property"));
        p.put("bootstrap.servers", a.get("bootstrap", "localhost:9092"));
        p.putIfAbsent("linger.ms", "20");
        p.putIfAbsent("enable.idempotence", "true");
        p.putIfAbsent("acks", "all");

        AtomicLong sent = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long lastReport = start;
        long lastCount = 0;
        boolean quiet = a.flag("quiet");
        try (BufferedReader in = file.equals("-")
                ? new BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
             KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            String line;
            boolean first = true;
            while ((line = in.readLine()) != null && sent.get() < limit) {
                if (first && a.flag("skip-header")) {
                    first = false;
                    continue;
                }
                first = false;
                if (line.isBlank()) {
                    continue;
                }
                if (failure.get() != null) {
                    throw failure.get();
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
                    key = keyColumn < cols.size() ? cols.get((int) keyColumn).strip() : null;
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
                    err.printf("\rsent %,d records (%,.0f records/s)   ", n, (n - lastCount) * 1e9 / (now - lastReport));
                    lastReport = now;
                    lastCount = n;
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        if (!quiet) {
            err.print("\r");
        }
        out.printf("sent %,d records to %s in %.1f s (%,.0f records/s)%n", acked.get(), topic, secs, acked.get() / Math.max(secs, 1e-3));
        return 0;
    }

    /** CSV splitting shared with the parser. */
    static final class ExampleParserAccess {
        static List<String> split(String line) {
            return ExampleParser.splitCsv(line, ',');
        }
    }
}
