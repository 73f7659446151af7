package io.streamgrad.jobs.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code consume}: read a metrics, snapshots or dead-letter topic (read_committed) and print it readably. */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Print the records of a StreamGrad output topic, one readable line each.",
                "",
                "Reads with isolation.level=read_committed, so only what the job committed (exactly-once) is shown. "
                        + "Metrics, snapshots and dead letters are recognised and summarised; --json prints the "
                        + "records unchanged. Without --follow it stops at the end offsets it found at start."})
final class ConsumeCommand extends CliCommand {
    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "the topic to read")
    private String topic;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers")
    private String bootstrap;

    @Option(names = "--key", paramLabel = "KEY", description = "only records of this model key (the record key)")
    private String key;

    @Option(names = "--last", paramLabel = "N", converter = Converters.PositiveLong.class,
            description = "start N records before the end of each partition (default: from the beginning)")
    private Long last;

    @Option(names = "--max", paramLabel = "N", converter = Converters.PositiveLong.class,
            description = "stop after N printed records")
    private Long max;

    @Option(names = "--follow", description = "keep reading new records until Ctrl-C")
    private boolean follow;

    @Option(names = "--json", description = "print each record's JSON unchanged")
    private boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = Converters.Seconds.class, defaultValue = "15",
            description = "how long to wait for the broker (default: ${DEFAULT-VALUE} s)")
    private Duration timeout;

    @Option(names = "--property", paramLabel = "K=V", description = "Kafka client setting (security etc.), repeatable")
    private Map<String, String> properties = new LinkedHashMap<>();

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        Properties p = new Properties();
        p.putAll(properties);
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        List<TopicPartition> partitions = partitions(p);
        long printed = 0;
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.assign(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> begin = c.beginningOffsets(partitions, timeout);
            for (TopicPartition tp : partitions) {
                c.seek(tp, last == null ? begin.get(tp) : Math.max(begin.get(tp), end.get(tp) - last));
            }
            while (follow || !reached(c, end)) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    if (key != null && !key.equals(r.key())) {
                        continue;
                    }
                    out.println(json ? r.value() : RecordLines.format(r.value()));
                    if (max != null && ++printed >= max) {
                        return 0;
                    }
                }
            }
        }
        return 0;
    }

    /** The topic's partitions, failing with the broker and topic named instead of waiting forever. */
    private List<TopicPartition> partitions(Properties p) throws Exception {
        try (Admin admin = Admin.create(p)) {
            var d = admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return d.get(topic).partitions().stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read topic '" + topic + "' on " + bootstrap + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no answer from the Kafka broker at " + bootstrap + " within "
                    + timeout.toSeconds() + " s (--bootstrap)", e);
        }
    }

    private static boolean reached(KafkaConsumer<String, String> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
