package io.streamgrad.sql.predict;

import io.streamgrad.model.serve.OutputKind;
import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.snapshot.ModelSnapshot;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest usable model per key, updated by a snapshot source's background thread and read by
 * the scoring thread. A snapshot replaces a key's model only if its version is not older, and only
 * if it fits the SQL model's columns (otherwise it is logged and the previous model keeps serving).
 */
@Internal
public final class LiveModels {
    private static final Logger LOG = LoggerFactory.getLogger(LiveModels.class);

    private final String onlyKey;
    private final InputLayout input;
    private final OutputLayout output;
    private final Map<String, Predictor> byKey = new ConcurrentHashMap<>();

    /** @param onlyKey the one key to keep ({@code model.key}), or null to keep every key */
    public LiveModels(String onlyKey, InputLayout input, OutputLayout output) {
        this.onlyKey = onlyKey;
        this.input = input;
        this.output = output;
    }

    /** Offers a snapshot from the source. */
    public void offer(ModelSnapshot s) {
        if (onlyKey != null && !onlyKey.equals(s.modelKey())) {
            return; // another model on the same topic
        }
        String misfit = misfit(input, output, s);
        if (misfit != null) {
            LOG.warn("ignoring snapshot {} v{}: {}", s.modelKey(), s.version(), misfit);
            return;
        }
        Predictor p;
        try {
            p = Predictor.of(s);
        } catch (RuntimeException e) {
            LOG.warn("ignoring snapshot {} v{}: {}", s.modelKey(), s.version(), e.getMessage());
            return;
        }
        byKey.merge(s.modelKey(), p, (a, b) -> b.version() >= a.version() ? b : a);
    }

    /**
     * The model of {@code key}; with a null key the only model there is (a source of one key
     * needs no {@code model.key}), or null when there is none or several.
     */
    public Predictor get(String key) {
        if (key != null) {
            return byKey.get(key);
        }
        if (byKey.size() == 1) {
            return byKey.values().iterator().next();
        }
        return null;
    }

    /** Why {@code s} cannot fill the columns, or null when it can. */
    public static String misfit(InputLayout input, OutputLayout output, ModelSnapshot s) {
        String in = input.checkInputDim(s.model().inputDim());
        if (in != null) {
            return in;
        }
        return output.checkModel(s.model().outputDim(), OutputKind.of(s.model()));
    }
}
