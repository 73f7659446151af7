package io.streamgrad.model;

import io.streamgrad.model.features.FeatureBatch;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;

/**
 * A small model with every kind of feature (growing string lookup with embedding, online
 * numeric, integer lookup one-hot, string hashing with embedding) and deterministic raw batches.
 */
public final class FeatureFixtures {
    private FeatureFixtures() {}

    public static final String MODEL = "{\"features\": ["
            + "{\"name\": \"country\", \"type\": \"string\", \"lookup\": {\"vocabulary\": [\"DE\", \"FR\"], "
            + "\"maxTokens\": 6, \"numOovIndices\": 2, \"grow\": true}, \"embedding\": {\"outputDim\": 2}},"
            + "{\"name\": \"amount\", \"type\": \"numeric\", \"size\": 2, \"normalization\": {\"adapt\": \"online\"}},"
            + "{\"name\": \"store\", \"type\": \"integer\", \"lookup\": {\"vocabulary\": [7, -3]}, \"encoding\": \"oneHot\"},"
            + "{\"name\": \"device\", \"type\": \"string\", \"hashing\": {\"numBins\": 3}, \"embedding\": {\"outputDim\": 2}}"
            + "], \"layers\": [{\"type\": \"dense\", \"units\": 3, \"activation\": \"tanh\"}, "
            + "{\"type\": \"dense\", \"units\": 1}], \"loss\": \"meanSquaredError\"}";

    public static Trainer trainer() {
        ModelSpec spec = SpecParser.model(SpecParser.readTree(MODEL));
        return new Trainer(spec, SpecParser.optimizer(SpecParser.readTree("{\"type\": \"adam\"}")));
    }

    public static MiniBatch batch(ModelSpec spec, int seed) {
        MiniBatch b = MiniBatch.forModel(spec, 4);
        String[] countries = {"IT", "DE", "S\u00e3o Tom\u00e9", "IT"};
        for (int r = 0; r < 4; r++) {
            int row = b.addRow(new float[] {0.25f * r - seed});
            FeatureBatch raw = b.raw();
            raw.setString(row, 0, countries[r]);
            raw.setNumber(row, 1, 0, 10.5 + r * seed);
            raw.setNumber(row, 1, 1, -2.0 * r);
            raw.setInteger(row, 2, r % 2 == 0 ? 7 : 1234567890123L);
            raw.setString(row, 3, "dev" + (r + seed));
        }
        return b;
    }
}
