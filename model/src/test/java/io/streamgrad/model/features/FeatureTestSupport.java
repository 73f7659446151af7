package io.streamgrad.model.features;

import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.spec.ModelSpec;

/** Builds feature models from compact JSON for the front-end tests. */
final class FeatureTestSupport {
    private FeatureTestSupport() {}

    static ModelSpec model(String featuresJson, String layersJson, String loss) {
        return SpecParser.model(SpecParser.readTree("{\"features\": " + featuresJson + ", \"layers\": " + layersJson
                + ", \"loss\": \"" + loss + "\"}"));
    }

    static ModelSpec model(String featuresJson) {
        return model(featuresJson, "[{\"type\": \"dense\", \"units\": 1}]", "meanSquaredError");
    }
}
