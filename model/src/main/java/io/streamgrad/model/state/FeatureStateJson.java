package io.streamgrad.model.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgrad.model.spec.FeatureSpec;
import io.streamgrad.model.spec.IntegerTokens;
import io.streamgrad.model.spec.LookupSpec;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.NormalizationSpec;
import io.streamgrad.model.spec.SpecException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code features} list of a state in JSON (conformance format {@code streamgrad-case/2}), one
 * object per feature: {@code {"count", "mean", "variance"}} for online Normalization (population
 * variance), {@code {"vocabulary": [...]}} for a lookup (index order, without OOV tokens; integers
 * as JSON integers), plus {@code "embeddings": [[outputDim numbers] x depth]} when embedded,
 * otherwise {@code {}}. A lookup with {@code minFrequency} > 1 adds {@code "candidates": [[token,
 * count], ...]} (sorted by token): the tokens still counted towards a row. An embedding with
 * {@code expireAfterSteps} adds {@code "lastSeen": [depth integers]} (-1: not looked up since created
 * or expired).
 */
public final class FeatureStateJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FeatureStateJson() {}

    public static ArrayNode write(ModelSpec spec, VariableLayout layout, FrontEndState state, float[][] weights) {
        ArrayNode out = NODES.arrayNode();
        List<FeatureSpec> features = spec.features();
        for (int j = 0; j < features.size(); j++) {
            ObjectNode o = out.addObject();
            FeatureSpec f = features.get(j);
            RunningMoments m = state.moments(j);
            if (m != null) {
                o.put("count", m.count());
                ArrayNode mean = o.putArray("mean");
                ArrayNode variance = o.putArray("variance");
                for (int i = 0; i < m.size(); i++) {
                    mean.add(m.mean(i));
                    variance.add(m.variance(i));
                }
            }
            Vocabulary v = state.vocabulary(j);
            if (v != null) {
                boolean integer = f instanceof FeatureSpec.Categorical c && c.integer();
                ArrayNode tokens = o.putArray("vocabulary");
                for (String t : v.tokens()) {
                    if (integer) {
                        tokens.add(Long.parseLong(t));
                    } else {
                        tokens.add(t);
                    }
                }
                TokenCounts counts = state.counts(j);
                if (counts != null) {
                    ArrayNode candidates = o.putArray("candidates");
                    for (var e : counts.sorted()) {
                        ArrayNode pair = candidates.addArray();
                        if (integer) {
                            pair.add(Long.parseLong(e.getKey()));
                        } else {
                            pair.add(e.getKey());
                        }
                        pair.add(e.getValue());
                    }
                }
            }
            int e = layout.ofFeature(j);
            if (e >= 0) {
                o.set(Variable.EMBEDDINGS, StateJson.array(layout.get(e), weights[e]));
            }
            RowAges ages = state.ages(j);
            if (ages != null) {
                ArrayNode seen = o.putArray("lastSeen");
                for (int r = 0; r < ages.rows(); r++) {
                    seen.add(ages.lastSeen(r));
                }
            }
        }
        return out;
    }

    /**
     * Reads a {@code features} list: returns the front-end state and stores the embedding matrices
     * into {@code weights} (at their layout positions). Errors name the field under {@code path}.
     */
    public static FrontEndState read(ModelSpec spec, VariableLayout layout, JsonNode node, String path,
                                     float[][] weights) {
        List<FeatureSpec> features = spec.features();
        if (node == null || !node.isArray() || node.size() != features.size()) {
            throw new SpecException(path, "must be an array of " + features.size() + " feature objects");
        }
        Vocabulary[] vocabularies = new Vocabulary[features.size()];
        RunningMoments[] moments = new RunningMoments[features.size()];
        TokenCounts[] counts = new TokenCounts[features.size()];
        RowAges[] ages = new RowAges[features.size()];
        for (int j = 0; j < features.size(); j++) {
            String fp = path + "[" + j + "]";
            JsonNode o = node.get(j);
            if (!o.isObject()) {
                throw new SpecException(fp, "must be an object");
            }
            FeatureSpec f = features.get(j);
            if (f instanceof FeatureSpec.Numeric num && num.normalization() instanceof NormalizationSpec.Online) {
                moments[j] = moments(o, num.size(), fp);
            } else if (f instanceof FeatureSpec.Categorical c && c.lookup() != null) {
                vocabularies[j] = vocabulary(o.get("vocabulary"), c, fp + ".vocabulary");
                if (c.lookup().minFrequency() > 1) {
                    counts[j] = candidates(o.get("candidates"), c, vocabularies[j], fp + ".candidates");
                }
            }
            if (f instanceof FeatureSpec.Categorical c && c.embedding() != null
                    && c.embedding().expireAfterSteps() != null) {
                ages[j] = ages(o.get("lastSeen"), c.depth(), fp + ".lastSeen");
            }
            int e = layout.ofFeature(j);
            if (e >= 0) {
                weights[e] = StateJson.readArray(layout.get(e), o.get(Variable.EMBEDDINGS), fp + "." + Variable.EMBEDDINGS);
            }
        }
        return new FrontEndState(vocabularies, moments, counts, ages);
    }

    /** Optional {@code [depth integers >= -1]}; absent means no row looked up yet. */
    private static RowAges ages(JsonNode a, int depth, String path) {
        if (a == null) {
            return new RowAges(depth);
        }
        if (!a.isArray() || a.size() != depth) {
            throw new SpecException(path, "must be an array of " + depth + " steps (-1: not looked up)");
        }
        long[] lastSeen = new long[depth];
        for (int r = 0; r < depth; r++) {
            JsonNode x = a.get(r);
            if (!x.isIntegralNumber() || !x.canConvertToLong() || x.longValue() < -1) {
                throw new SpecException(path + "[" + r + "]", "must be an integer >= -1, got " + x);
            }
            lastSeen[r] = x.longValue();
        }
        return RowAges.of(lastSeen);
    }

    /** Optional {@code [[token, count], ...]}; absent means no token counted yet. */
    private static TokenCounts candidates(JsonNode a, FeatureSpec.Categorical c, Vocabulary vocabulary, String path) {
        TokenCounts counts = new TokenCounts(c.lookup().candidateCapacity());
        if (a == null) {
            return counts;
        }
        if (!a.isArray() || a.size() > counts.capacity()) {
            throw new SpecException(path, "must be an array of at most " + counts.capacity() + " [token, count] pairs");
        }
        for (int k = 0; k < a.size(); k++) {
            JsonNode p = a.get(k);
            String kp = path + "[" + k + "]";
            if (!p.isArray() || p.size() != 2 || !p.get(1).isInt() || p.get(1).intValue() < 1
                    || p.get(1).intValue() >= c.lookup().minFrequency()) {
                throw new SpecException(kp, "must be [token, count] with 1 <= count < minFrequency");
            }
            String token = token(p.get(0), c, kp + "[0]");
            if (vocabulary.positionOf(token) >= 0 || counts.count(token) != 0) {
                throw new SpecException(kp, "token '" + token + "' is in the vocabulary or repeated");
            }
            counts.put(token, p.get(1).intValue());
        }
        return counts;
    }

    private static RunningMoments moments(JsonNode o, int size, String path) {
        JsonNode count = o.get("count");
        if (count == null || !count.isIntegralNumber() || !count.canConvertToLong() || count.longValue() < 0) {
            throw new SpecException(path + ".count", "is required: the number of examples merged (>= 0)");
        }
        double[] mean = doubles(o.get("mean"), size, path + ".mean");
        double[] variance = doubles(o.get("variance"), size, path + ".variance");
        for (int i = 0; i < size; i++) {
            if (variance[i] < 0) {
                throw new SpecException(path + ".variance[" + i + "]", "must be >= 0");
            }
        }
        return RunningMoments.of(count.longValue(), mean, variance);
    }

    private static double[] doubles(JsonNode a, int n, String path) {
        if (a == null || !a.isArray() || a.size() != n) {
            throw new SpecException(path, "must be an array of " + n + " numbers");
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            if (!a.get(i).isNumber() || !Double.isFinite(a.get(i).doubleValue())) {
                throw new SpecException(path + "[" + i + "]", "must be a finite number");
            }
            out[i] = a.get(i).doubleValue();
        }
        return out;
    }

    private static Vocabulary vocabulary(JsonNode a, FeatureSpec.Categorical c, String path) {
        if (a == null || !a.isArray()) {
            throw new SpecException(path, "is required: the current vocabulary in index order");
        }
        LookupSpec lookup = c.lookup();
        int max = lookup.maxTokens() != null ? lookup.maxTokens() - lookup.numOovIndices() : lookup.vocabulary().size();
        if (a.size() > max) {
            throw new SpecException(path, "has " + a.size() + " tokens, the lookup holds at most " + max);
        }
        List<String> tokens = new ArrayList<>(a.size());
        for (int k = 0; k < a.size(); k++) {
            tokens.add(token(a.get(k), c, path + "[" + k + "]"));
        }
        try {
            return new Vocabulary(tokens);
        } catch (IllegalArgumentException e) {
            throw new SpecException(path, e.getMessage());
        }
    }

    /** A token of a lookup: a string, or for an integer feature an int64 other than -1 as its decimal form. */
    private static String token(JsonNode t, FeatureSpec.Categorical c, String path) {
        if (c.integer()) {
            if (!t.isIntegralNumber() || !t.canConvertToLong()) {
                throw new SpecException(path, "must be an integer in the int64 range, got " + t);
            }
            String s = Long.toString(t.longValue());
            if (s.equals(IntegerTokens.OOV_TOKEN)) {
                throw new SpecException(path, "-1 is IntegerLookup's OOV token");
            }
            return s;
        }
        if (!t.isTextual()) {
            throw new SpecException(path, "must be a string, got " + t);
        }
        return t.textValue();
    }
}
