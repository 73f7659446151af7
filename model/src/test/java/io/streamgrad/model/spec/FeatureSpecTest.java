package io.streamgrad.model.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.model.FeatureFixtures;
import org.junit.jupiter.api.Test;

/** Parsing, validation and writing of {@code model.features}. */
class FeatureSpecTest {

    @Test
    void writtenFeatureSpecsParseBackEqual() {
        ModelSpec m = FeatureFixtures.trainer().modelSpec();
        ModelSpec back = SpecParser.model(SpecWriter.model(m));
        assertThat(back).isEqualTo(m);
        assertThat(back.inputDim()).isEqualTo(2 + 2 + 3 + 2);
        ModelSpec withFreeze = SpecParser.model(SpecParser.readTree("{\"features\": [{\"name\": \"x\", \"type\": "
                + "\"numeric\", \"size\": 2, \"normalization\": {\"adapt\": \"online\", \"freezeAfter\": 9}}, "
                + "{\"name\": \"n\", \"type\": \"numeric\", \"normalization\": {\"mean\": [1], \"variance\": [2]}}, "
                + "{\"name\": \"h\", \"type\": \"integer\", \"hashing\": {\"numBins\": 5}, \"embedding\": "
                + "{\"outputDim\": 2, \"regularizer\": {\"l1\": 0.5}}}], "
                + "\"layers\": [{\"type\": \"dense\", \"units\": 1}], \"loss\": \"meanSquaredError\"}"));
        assertThat(SpecParser.model(SpecWriter.model(withFreeze))).isEqualTo(withFreeze);
    }

    @Test
    void errorsNameTheField() {
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"type\": \"text\"}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("model.features[0].type");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"type\": \"string\", \"lookup\": {\"vocabulary\": []}, "
                + "\"hashing\": {\"numBins\": 2}, \"encoding\": \"oneHot\"}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("model.features[0]");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"type\": \"numeric\", \"size\": 2, "
                + "\"normalization\": {\"mean\": [1], \"variance\": [1]}}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("model.features[0].normalization");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"type\": \"numeric\", "
                + "\"normalization\": {\"adapt\": \"offline\"}}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("model.features[0].normalization.adapt");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"type\": \"string\", \"hashing\": {\"numBins\": 0}, "
                + "\"encoding\": \"oneHot\"}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("model.features[0].hashing.numBins");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"type\": \"numeric\", \"colour\": 1}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("model.features[0].colour");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"type\": \"numeric\"}, {\"name\": \"a\", \"type\": \"numeric\"}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("features[1].name");
    }

    private static ModelSpec parse(String features) {
        return SpecParser.model(SpecParser.readTree("{\"features\": [" + features + "], "
                + "\"layers\": [{\"type\": \"dense\", \"units\": 1}], \"loss\": \"meanSquaredError\"}"));
    }
}
