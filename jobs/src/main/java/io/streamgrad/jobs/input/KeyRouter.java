package io.streamgrad.jobs.input;

import io.streamgrad.jobs.config.JobModel;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.flink.annotation.Internal;

/**
 * Which of a job's models claims a model key: the first, in declaration order, that lists the key
 * in {@code keys} or has a {@code keyPatterns} regular expression matching the whole key.
 */
@Internal
public final class KeyRouter implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Returned by {@link #route} for a key no model claims. */
    public static final int UNCLAIMED = -1;

    private final Map<String, Integer> exactOwner = new HashMap<>();
    private final Pattern[][] patterns;

    public KeyRouter(List<JobModel> models) {
        patterns = new Pattern[models.size()][];
        for (int i = 0; i < models.size(); i++) {
            JobModel m = models.get(i);
            for (String k : m.keys()) {
                exactOwner.putIfAbsent(k, i);
            }
            // the single-model form claims every key: one pattern that matches everything
            List<String> own = m.claimsEveryKey() ? List.of("(?s).*") : m.keyPatterns();
            patterns[i] = own.stream().map(Pattern::compile).toArray(Pattern[]::new);
        }
    }

    /** The index of the model that claims {@code key}, or {@link #UNCLAIMED}. */
    public int route(String key) {
        Integer exact = exactOwner.get(key);
        int before = exact == null ? patterns.length : exact;
        for (int i = 0; i < before; i++) {
            for (Pattern p : patterns[i]) {
                if (p.matcher(key).matches()) {
                    return i;
                }
            }
        }
        return exact == null ? UNCLAIMED : exact;
    }
}
