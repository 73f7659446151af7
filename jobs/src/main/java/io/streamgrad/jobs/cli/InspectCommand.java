package io.streamgrad.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgrad.jobs.WarmStarts;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.SpecWriter;
import io.streamgrad.model.state.Variable;
import io.streamgrad.model.state.VariableLayout;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
                models.add(summary(s, weights));
            }
        }
        if (models.isEmpty()) {
            err.println(key == null ? "no snapshots found" : "no snapshot for key " + key);
            return 1;
        }
        out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(models.size() == 1 ? models.get(0) : models));
        return 0;
    }

    static ObjectNode summary(ModelSnapshot s, boolean weights) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("modelKey", s.modelKey());
        o.put("version", s.version());
        o.put("step", s.step());
        o.put("examplesSeen", s.examplesSeen());
        if (Double.isFinite(s.lastLoss())) {
            o.put("lastLoss", s.lastLoss());
        }
        o.put("stopped", s.stopped());
        if (s.stopReason() != null) {
            o.put("stopReason", s.stopReason());
        }
        o.put("createdAt", Instant.ofEpochMilli(s.createdAtMillis()).toString());
        o.put("resumable", s.includesOptimizerState());
        StringBuilder arch = new StringBuilder("input(" + s.model().inputDim() + ")");
        for (LayerSpec l : s.model().layers()) {
            arch.append(" -> ").append(describe(l));
        }
        o.put("architecture", arch.toString());
        o.put("loss", s.model().loss().jsonName());
        o.put("optimizer", s.optimizer().type());
        o.set("optimizerSpec", SpecWriter.optimizer(s.optimizer()));
        VariableLayout layout = new VariableLayout(s.model());
        o.put("parameters", layout.parameterCount());
        ArrayNode vars = o.putArray("variables");
        float[][] w = s.state().weights();
        for (int v = 0; v < layout.size(); v++) {
            Variable var = layout.get(v);
            ObjectNode vo = vars.addObject();
            vo.put("layer", var.layer());
            vo.put("name", var.name());
            vo.put("size", w[v].length);
            double sum = 0;
            double sq = 0;
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (float x : w[v]) {
                sum += x;
                sq += (double) x * x;
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            int n = Math.max(1, w[v].length);
            double mean = sum / n;
            vo.put("min", min);
            vo.put("mean", mean);
            vo.put("max", max);
            vo.put("std", Math.sqrt(Math.max(0, sq / n - mean * mean)));
        }
        if (weights) {
            o.set("weights", SnapshotJson.toJson(s).get("weights"));
        }
        return o;
    }

    private static String describe(LayerSpec l) {
        if (l instanceof LayerSpec.Dense d) {
            return "dense(" + d.units() + ", " + d.activation().toString().toLowerCase(java.util.Locale.ROOT) + ")";
        }
        String n = l.getClass().getSimpleName();
        return Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }
}
