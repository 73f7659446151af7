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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/** {@code inspect}: snapshot(s) -> readable JSON summary. */
final class InspectCommand implements Command {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String summary() {
        return "print a readable JSON summary of model snapshots (from a file or a snapshot topic)";
    }

    @Override
    public String usage() {
        return """
                Usage: streamgrad inspect FILE [--key KEY] [--weights]
                       streamgrad inspect --topic TOPIC --bootstrap HOST:PORT [--key KEY] [--weights]
                                          [--property k=v ...]

                FILE holds one streamgrad-snapshot/1 JSON document, a JSON array of them, or JSON lines
                (what `demo` writes). From a topic, the newest snapshot of every key is read
                (read_committed). Prints per model: key, version, step, examples seen, last loss, model
                and optimizer, parameter count, and per weight variable its shape and min/mean/max/std.
                  --key KEY      only this model key
                  --weights      include the full weights (Keras get_weights() order)
                  --property     Kafka client setting (security etc.), repeatable
                """;
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of("topic", "bootstrap", "key", "property"), Set.of("weights"));
        Map<String, ModelSnapshot> snaps;
        if (a.get("topic", null) != null) {
            if (a.get("bootstrap", null) == null) {
                throw new UsageException("--topic needs --bootstrap HOST:PORT");
            }
            Properties p = new Properties();
            p.putAll(a.pairs("property"));
            p.put("bootstrap.servers", a.get("bootstrap", null));
            snaps = WarmStarts.fromTopic(p, a.get("topic", null), Duration.ofSeconds(30));
        } else {
            if (a.positional.size() != 1) {
                throw new UsageException("give one snapshot FILE, or --topic and --bootstrap");
            }
            Path f = Path.of(a.positional.get(0));
            if (!Files.isRegularFile(f)) {
                throw new UsageException("no such file: " + f);
            }
            snaps = WarmStarts.fromFile(f);
        }
        String key = a.get("key", null);
        ArrayNode models = MAPPER.createArrayNode();
        for (ModelSnapshot s : snaps.values()) {
            if (key == null || key.equals(s.modelKey())) {
                models.add(summary(s, a.flag("weights")));
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
