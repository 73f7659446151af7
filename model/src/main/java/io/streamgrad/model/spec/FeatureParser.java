package io.streamgrad.model.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Parses {@code model.features} (§12 of {@code docs/semantics.md}); errors name the field path. */
final class FeatureParser {
    private FeatureParser() {}

    static List<FeatureSpec> features(List<JsonNode> nodes, String path) {
        List<FeatureSpec> out = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            out.add(feature(nodes.get(i), path + "[" + i + "]"));
        }
        if (out.isEmpty()) {
            throw new SpecException(path, "must list at least one feature");
        }
        return out;
    }

    static FeatureSpec feature(JsonNode node, String path) {
        JsonFields f = new JsonFields(node, path);
        String name = f.requiredString("name");
        String type = f.requiredString("type");
        FeatureSpec spec = switch (type) {
            case "numeric" -> {
                int size = f.integer("size", 1);
                NormalizationSpec norm = normalization(f.raw("normalization"), f.child("normalization"));
                yield build(path, () -> new FeatureSpec.Numeric(name, size, norm));
            }
            case "string", "integer" -> categorical(f, name, type.equals("integer"), path);
            default -> throw new SpecException(f.child("type"), "unknown feature type '" + type
                    + "', expected numeric, string or integer");
        };
        f.rejectUnknown();
        return spec;
    }

    private static FeatureSpec categorical(JsonFields f, String name, boolean integer, String path) {
        LookupSpec lookup = f.has("lookup") ? lookup(f.raw("lookup"), f.child("lookup"), integer) : null;
        HashingSpec hashing = null;
        if (f.has("hashing")) {
            JsonFields h = new JsonFields(f.raw("hashing"), f.child("hashing"));
            int bins = h.requiredInteger("numBins");
            h.unsupported("salt", "null", v -> false);
            h.unsupported("maskValue", "null", v -> false);
            h.rejectUnknown();
            hashing = build(f.child("hashing"), () -> new HashingSpec(bins));
        }
        String encoding = f.string("encoding", null);
        EmbeddingSpec embedding = null;
        if (f.has("embedding")) {
            if (encoding != null && !encoding.equals("embedding")) {
                throw new SpecException(f.child("encoding"), "must be absent when an embedding is given");
            }
            JsonFields e = new JsonFields(f.raw("embedding"), f.child("embedding"));
            int dim = e.requiredInteger("outputDim");
            RegularizerSpec reg = SpecParser.regularizer(e.raw("regularizer"), e.child("regularizer"));
            boolean sparse = e.bool("sparseUpdates", false);
            JsonNode ex = e.raw("expireAfterSteps");
            Long expire = ex == null || ex.isNull() ? null : JsonFields.asLong(e.child("expireAfterSteps"), ex);
            e.rejectUnknown();
            embedding = build(f.child("embedding"), () -> new EmbeddingSpec(dim, reg, sparse, expire));
        } else if (!"oneHot".equals(encoding)) {
            throw new SpecException(f.child("encoding"), encoding == null
                    ? "is required: an 'embedding' object or \"encoding\": \"oneHot\""
                    : "must be 'oneHot' (or give an 'embedding'), got '" + encoding + "'");
        }
        LookupSpec l = lookup;
        HashingSpec hs = hashing;
        EmbeddingSpec em = embedding;
        return build(path, () -> new FeatureSpec.Categorical(name, integer, l, hs, em));
    }

    private static LookupSpec lookup(JsonNode node, String path, boolean integer) {
        JsonFields f = new JsonFields(node, path);
        List<String> vocabulary = new ArrayList<>();
        if (f.has("vocabulary")) {
            List<JsonNode> v = f.array("vocabulary");
            for (int i = 0; i < v.size(); i++) {
                vocabulary.add(token(v.get(i), integer, f.child("vocabulary") + "[" + i + "]"));
            }
        }
        JsonNode max = f.raw("maxTokens");
        Integer maxTokens = max == null ? null : JsonFields.asInt(f.child("maxTokens"), max);
        int oov = f.integer("numOovIndices", 1);
        boolean grow = f.bool("grow", false);
        int minFrequency = f.integer("minFrequency", 1);
        f.unsupported("maskToken", "null", v -> false);
        f.rejectUnknown();
        return build(path, () -> new LookupSpec(vocabulary, maxTokens, oov, grow, minFrequency));
    }

    /** A vocabulary entry: a string, or for integer features an exact int64 as its decimal form. */
    static String token(JsonNode v, boolean integer, String path) {
        if (integer) {
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new SpecException(path, "must be an integer in the int64 range, got " + v);
            }
            return Long.toString(v.longValue());
        }
        if (!v.isTextual()) {
            throw new SpecException(path, "must be a string, got " + v);
        }
        return v.textValue();
    }

    private static NormalizationSpec normalization(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        JsonFields f = new JsonFields(node, path);
        NormalizationSpec spec;
        if (f.has("adapt")) {
            String adapt = f.requiredString("adapt");
            if (!adapt.equals("online")) {
                throw new SpecException(f.child("adapt"), "must be 'online', got '" + adapt + "'");
            }
            JsonNode fa = f.raw("freezeAfter");
            Long freezeAfter = fa == null ? null : JsonFields.asLong(f.child("freezeAfter"), fa);
            spec = build(path, () -> new NormalizationSpec.Online(freezeAfter));
        } else {
            List<Double> mean = numbers(f, "mean");
            List<Double> variance = numbers(f, "variance");
            spec = build(path, () -> new NormalizationSpec.Fixed(mean, variance));
        }
        f.rejectUnknown();
        return spec;
    }

    private static List<Double> numbers(JsonFields f, String name) {
        List<JsonNode> a = f.array(name);
        List<Double> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(JsonFields.asNumber(f.child(name) + "[" + i + "]", a.get(i)));
        }
        return out;
    }

    private static <T> T build(String path, Supplier<T> ctor) {
        try {
            return ctor.get();
        } catch (SpecException e) {
            throw e.field().startsWith(path) ? e : e.under(path);
        }
    }
}
