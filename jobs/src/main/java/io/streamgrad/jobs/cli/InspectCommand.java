package io.streamgrad.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.streamgrad.jobs.WarmStarts;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotSummary;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code inspect}: snapshot(s) -> readable JSON summary. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        customSynopsis = {"streamgrad inspect FILE [--key=KEY] [--weights]",
                "       streamgrad inspect --topic=TOPIC --bootstrap=HOST:PORT [--key=KEY]",
                "                          [--weights] [--property=K=V]..."},
        description = {"Print a readable JSON summary of model snapshots (from a file or a snapshot topic).",
                "",
                "FILE holds one streamgrad-snapshot/1 JSON document, a JSON array of them, or JSON lines (what "
                        + "`demo` writes). From a topic, the newest snapshot of every key is read (read_committed). "
                        + "Prints per model: key, version, step, examples seen, last loss, model and optimizer, "
                        + "parameter count, and per weight variable its shape and min/mean/max/std."})
final class InspectCommand extends CliCommand {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "snapshot file (JSON, JSON array or JSON lines)")
    private Path file;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "read the snapshots from this Kafka topic")
    private String topic;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (with --topic)")
    private String bootstrap;

    @Option(names = "--key", paramLabel = "KEY", description = "only this model key")
    private String key;

    @Option(names = "--weights", description = "include the full weights (Keras get_weights() order)")
    private boolean weights;

    @Option(names = "--property", paramLabel = "K=V", description = "Kafka client setting (security etc.), repeatable")
    private Map<String, String> properties = new LinkedHashMap<>();

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        Map<String, ModelSnapshot> snaps;
        if (topic != null) {
            if (bootstrap == null) {
                throw usageError("--topic needs --bootstrap HOST:PORT");
            }
            Properties p = new Properties();
            p.putAll(properties);
            p.put("bootstrap.servers", bootstrap);
            snaps = WarmStarts.fromTopic(p, topic, Duration.ofSeconds(30));
        } else {
            if (file == null) {
                throw usageError("give one snapshot FILE, or --topic and --bootstrap");
            }
            if (!Files.isRegularFile(file)) {
                throw usageError("no such file: " + file);
            }
            snaps = WarmStarts.fromFile(file);
        }
        ArrayNode models = MAPPER.createArrayNode();
        for (ModelSnapshot s : snaps.values()) {
            if (key == null || key.equals(s.modelKey())) {
                models.add(SnapshotSummary.toJson(s, weights));
            }
        }
        if (models.isEmpty()) {
            err.println(key == null ? "no snapshots found" : "no snapshot for key " + key);
            return 1;
        }
        out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(models.size() == 1 ? models.get(0) : models));
        return 0;
    }
}
