package io.streamgrad.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.config.JobConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The console progress of a local {@code run}: what the job committed (read_committed from its metrics and
 * dead-letter topics, from their end at start), one line every {@code every}, and a summary when the job
 * ends. It only reads the job's own output, so it shows exactly what downstream readers see.
 */
final class RunProgress implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FINAL_READ = Duration.ofSeconds(10);

    private final JobConfig cfg;
    private final PrintStream out;
    private final long everyNanos;
    private final Map<String, double[]> perKey = new TreeMap<>(); // examplesSeen, version, loss
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile boolean stop;
    private long deadLetters;
    private long examplesAtLastLine;

    private RunProgress(JobConfig cfg, PrintStream out, Duration every) {
        this.cfg = cfg;
        this.out = out;
        this.everyNanos = every.toNanos();
        this.thread = new Thread(this::follow, "streamgrad-run-progress");
        thread.setDaemon(true);
    }

    /** Starts following the job's output; {@link #close} prints the summary. */
    static RunProgress start(JobConfig cfg, PrintStream out, Duration every) {
        RunProgress p = new RunProgress(cfg, out, every);
        p.thread.start();
        return p;
    }

    private void follow() {
        Properties p = cfg.clientProperties();
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = new java.util.ArrayList<>();
            for (String topic : List.of(cfg.topics().metrics(), cfg.topics().deadLetters())) {
                c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            }
            c.assign(parts);
            c.seekToEnd(parts);
            parts.forEach(c::position); // fix the start now: only this run's output counts
            long lastLine = System.nanoTime();
            while (!stop) {
                c.poll(Duration.ofMillis(500)).forEach(this::record);
                if (System.nanoTime() - lastLine >= everyNanos) {
                    out.println(line());
                    lastLine = System.nanoTime();
                }
            }
            Map<TopicPartition, Long> end = c.endOffsets(parts, FINAL_READ);
            long deadline = System.nanoTime() + FINAL_READ.toNanos();
            while (System.nanoTime() < deadline && end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
                c.poll(Duration.ofMillis(200)).forEach(this::record);
            }
        } catch (RuntimeException e) {
            out.println("progress: cannot read the job's output topics (" + e.getMessage() + "); the job is not affected");
        }
    }

    private synchronized void record(ConsumerRecord<String, String> r) {
        if (r.topic().equals(cfg.topics().deadLetters())) {
            deadLetters++;
            return;
        }
        try {
            JsonNode m = JSON.readTree(r.value());
            double[] s = perKey.computeIfAbsent(m.path("modelKey").asText(), k -> new double[3]);
            s[0] = m.path("examplesSeen").asDouble();
            s[1] = m.path("version").asDouble();
            s[2] = m.path("loss").asDouble(Double.NaN);
        } catch (IOException notOurs) {
            // a foreign record on the metrics topic is not counted
        }
    }

    private synchronized String line() {
        long examples = examples();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "[%5.0fs] %,d examples trained (+%,d), %d keys",
                seconds, examples, examples - examplesAtLastLine, perKey.size()));
        examplesAtLastLine = examples;
        if (deadLetters > 0) {
            b.append(String.format(Locale.ROOT, ", %,d dead letters", deadLetters));
        }
        int shown = 0;
        for (Map.Entry<String, double[]> e : perKey.entrySet()) {
            if (shown++ == 4) {
                b.append(" | ...");
                break;
            }
            b.append(String.format(Locale.ROOT, " | %s v%.0f loss %.5g", e.getKey(), e.getValue()[1], e.getValue()[2]));
        }
        if (perKey.isEmpty()) {
            b.append(" (metrics appear when a checkpoint commits them, every ")
                    .append(cfg.checkpointing().intervalMs()).append(" ms)");
        }
        return b.toString();
    }

    private long examples() {
        return perKey.values().stream().mapToLong(s -> (long) s[0]).sum();
    }

    /** Stops following, reads what the job committed last, and prints the summary. */
    @Override
    public void close() {
        stop = true;
        try {
            thread.join(FINAL_READ.toMillis() + 35_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            out.printf(Locale.ROOT, "summary: %,d examples trained in %d keys (models at versions %s), %,d dead letters "
                    + "in this run, %.0f s%n", examples(), perKey.size(), versions(), deadLetters,
                    (System.nanoTime() - startNanos) / 1e9);
        }
    }

    private String versions() {
        StringBuilder b = new StringBuilder();
        perKey.forEach((k, s) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(" v").append((long) s[1]));
        return b.length() == 0 ? "-" : b.length() > 200 ? b.substring(0, 200) + "..." : b.toString();
    }
}
