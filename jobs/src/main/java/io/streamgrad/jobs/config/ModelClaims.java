package io.streamgrad.jobs.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks across the entries of a {@code models} list: unique names, every entry claims some key, no
 * exact key claimed twice, and no exact key that an earlier entry's pattern already takes (first
 * match in declaration order wins, so such a key could never reach its entry).
 */
final class ModelClaims {
    private ModelClaims() {}

    static void check(List<JobModel> models) {
        if (models.isEmpty()) {
            throw new ConfigException("models", "must list at least one model");
        }
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> exactOwner = new HashMap<>();
        for (int i = 0; i < models.size(); i++) {
            JobModel m = models.get(i);
            String at = "models[" + i + "]";
            Integer sameName = names.putIfAbsent(m.name(), i);
            if (sameName != null) {
                throw new ConfigException(at + ".name", "'" + m.name() + "' is also the name of models[" + sameName + "]");
            }
            if (m.claimsEveryKey()) {
                throw new ConfigException(at, "claims no key: give keys and/or keyPatterns"
                        + " (keyPatterns: ['.*'] claims every key not claimed before it)");
            }
            Set<String> own = new HashSet<>();
            for (int k = 0; k < m.keys().size(); k++) {
                String key = m.keys().get(k);
                String field = at + ".keys[" + k + "]";
                if (!own.add(key)) {
                    throw new ConfigException(field, "'" + key + "' is listed twice");
                }
                Integer owner = exactOwner.putIfAbsent(key, i);
                if (owner != null) {
                    throw new ConfigException(field, "'" + key + "' is already claimed by models[" + owner + "] ('"
                            + models.get(owner).name() + "')");
                }
                String earlier = earlierPattern(models, i, key);
                if (earlier != null) {
                    throw new ConfigException(field, "'" + key + "' is already claimed by " + earlier
                            + ", which comes first (the first model that claims a key trains it)");
                }
            }
        }
    }

    /** The first pattern of a model before {@code index} that matches {@code key}, or null. */
    private static String earlierPattern(List<JobModel> models, int index, String key) {
        for (int i = 0; i < index; i++) {
            List<String> patterns = models.get(i).keyPatterns();
            for (int p = 0; p < patterns.size(); p++) {
                if (Pattern.compile(patterns.get(p)).matcher(key).matches()) {
                    return "models[" + i + "].keyPatterns[" + p + "] ('" + patterns.get(p) + "')";
                }
            }
        }
        return null;
    }
}
