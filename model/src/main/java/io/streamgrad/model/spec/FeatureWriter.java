package io.streamgrad.model.spec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Writes {@code model.features} in the schema {@link FeatureParser} reads. */
final class FeatureWriter {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FeatureWriter() {}

    static ArrayNode features(List<FeatureSpec> features) {
        ArrayNode a = NODES.arrayNode();
        for (FeatureSpec f : features) {
            ObjectNode n = a.addObject();
            n.put("name", f.name());
            if (f instanceof FeatureSpec.Numeric num) {
                n.put("type", "numeric");
                n.put("size", num.size());
                if (num.normalization() instanceof NormalizationSpec.Fixed fixed) {
                    ObjectNode norm = n.putObject("normalization");
                    fixed.mean().forEach(norm.putArray("mean")::add);
                    fixed.variance().forEach(norm.putArray("variance")::add);
                } else if (num.normalization() instanceof NormalizationSpec.Online online) {
                    ObjectNode norm = n.putObject("normalization");
                    norm.put("adapt", "online");
                    if (online.freezeAfter() != null) {
                        norm.put("freezeAfter", online.freezeAfter());
                    }
                }
            } else if (f instanceof FeatureSpec.Categorical c) {
                n.put("type", c.integer() ? "integer" : "string");
                if (c.lookup() != null) {
                    LookupSpec l = c.lookup();
                    ObjectNode o = n.putObject("lookup");
                    ArrayNode vocab = o.putArray("vocabulary");
                    for (String t : l.vocabulary()) {
                        if (c.integer()) {
                            vocab.add(Long.parseLong(t));
                        } else {
                            vocab.add(t);
                        }
                    }
                    if (l.maxTokens() != null) {
                        o.put("maxTokens", l.maxTokens());
                    } else {
                        o.putNull("maxTokens");
                    }
                    o.put("numOovIndices", l.numOovIndices());
                    o.put("grow", l.grow());
                    if (l.minFrequency() > 1) {
                        o.put("minFrequency", l.minFrequency()); // absent at 1: Keras-exact specs keep their JSON
                    }
                } else {
                    n.putObject("hashing").put("numBins", c.hashing().numBins());
                }
                if (c.embedding() != null) {
                    ObjectNode e = n.putObject("embedding");
                    e.put("outputDim", c.embedding().outputDim());
                    RegularizerSpec r = c.embedding().regularizer();
                    if (r != null) {
                        e.putObject("regularizer").put("l1", r.l1()).put("l2", r.l2());
                    }
                    if (c.embedding().sparseUpdates()) {
                        e.put("sparseUpdates", true); // absent when false: Keras-exact specs keep their JSON
                    }
                    if (c.embedding().expireAfterSteps() != null) {
                        e.put("expireAfterSteps", c.embedding().expireAfterSteps());
                    }
                } else {
                    n.put("encoding", "oneHot");
                }
            }
        }
        return a;
    }
}
