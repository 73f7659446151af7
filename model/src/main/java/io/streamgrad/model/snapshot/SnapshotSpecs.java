package io.streamgrad.model.snapshot;

import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecParser;

/**
 * The model and optimizer specification of a snapshot in wire form (canonical spec JSON).
 * A job publishes thousands of snapshots with the same two texts, so the last parsed pair is
 * kept and reused.
 *
 * @param model the parsed model specification
 * @param optimizer the parsed optimizer specification
 */
public record SnapshotSpecs(ModelSpec model, OptimizerSpec optimizer) {
    private record Parsed(String modelJson, String optimizerJson, SnapshotSpecs specs) {}

    private static volatile Parsed last;

    /** Parses {@code modelJson} and {@code optimizerJson}, reusing the previous result for equal texts. */
    public static SnapshotSpecs parse(String modelJson, String optimizerJson) {
        Parsed p = last;
        if (p != null && p.modelJson.equals(modelJson) && p.optimizerJson.equals(optimizerJson)) {
            return p.specs;
        }
        SnapshotSpecs specs = new SnapshotSpecs(SpecParser.model(SpecParser.readTree(modelJson)),
                SpecParser.optimizer(SpecParser.readTree(optimizerJson)));
        last = new Parsed(modelJson, optimizerJson, specs);
        return specs;
    }
}
