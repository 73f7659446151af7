package io.streamgrad.model.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.model.spec.FeatureSpec;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.state.FrontEndState;
import io.streamgrad.model.state.VariableLayout;
import io.streamgrad.model.state.Vocabulary;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lookup index assignment (Keras' StringLookup / IntegerLookup docstring examples), hashing, growth. */
class CategoryIndexerTest {

    private static int[] indices(ModelSpec model, FrontEndState state, Object... values) {
        FeatureBatch b = new FeatureBatch(model.features(), values.length);
        for (Object v : values) {
            int r = b.addRow();
            if (v instanceof String s) {
                b.setString(r, 0, s);
            } else {
                b.setInteger(r, 0, (Long) v);
            }
        }
        FeatureSpec.Categorical c = (FeatureSpec.Categorical) model.features().get(0);
        CategoryIndexer ix = new CategoryIndexer(c, 0);
        int[] out = new int[values.length];
        for (int r = 0; r < values.length; r++) {
            out[r] = ix.index(state.vocabulary(0), b, r);
        }
        return out;
    }

    private static FrontEndState initial(ModelSpec model) {
        return new FrontEnd(model.features(), new VariableLayout(model)).initialState();
    }

    @Test
    void stringLookupPutsTheVocabularyAfterTheOovIndices() {
        ModelSpec one = FeatureTestSupport.model("[{\"name\": \"t\", \"type\": \"string\", "
                + "\"lookup\": {\"vocabulary\": [\"a\", \"b\", \"c\", \"d\"]}, \"encoding\": \"oneHot\"}]");
        assertThat(indices(one, initial(one), "a", "c", "d", "m", "z", "b")).containsExactly(1, 3, 4, 0, 0, 2);
        assertThat(one.inputDim()).isEqualTo(5);
        // Keras docstring, num_oov_indices=2: OOV strings go to Fingerprint64 mod 2
        ModelSpec two = FeatureTestSupport.model("[{\"name\": \"t\", \"type\": \"string\", \"lookup\": "
                + "{\"vocabulary\": [\"a\", \"b\", \"c\", \"d\"], \"numOovIndices\": 2}, \"encoding\": \"oneHot\"}]");
        assertThat(indices(two, initial(two), "a", "c", "d", "m", "z", "b")).containsExactly(2, 4, 5, 0, 1, 3);
    }

    @Test
    void integerLookupFollowsKerasFloormodForOovIntegers() {
        ModelSpec one = FeatureTestSupport.model("[{\"name\": \"t\", \"type\": \"integer\", "
                + "\"lookup\": {\"vocabulary\": [12, 1138, 42]}, \"encoding\": \"oneHot\"}]");
        assertThat(indices(one, initial(one), 12L, 1138L, 42L, 42L, 1000L, 36L)).containsExactly(1, 2, 3, 3, 0, 0);
        // IntegerLookup docstring with num_oov_indices=2: 37 -> 1, 1000 -> 0 (floormod), 12 -> 2
        ModelSpec two = FeatureTestSupport.model("[{\"name\": \"t\", \"type\": \"integer\", \"lookup\": "
                + "{\"vocabulary\": [12, 36, 1138, 42], \"numOovIndices\": 2}, \"encoding\": \"oneHot\"}]");
        assertThat(indices(two, initial(two), 12L, 1138L, 42L, 37L, 1000L, 36L)).containsExactly(2, 4, 5, 1, 0, 3);
        // negative OOV integers: floor modulo, never negative
        ModelSpec three = FeatureTestSupport.model("[{\"name\": \"t\", \"type\": \"integer\", \"lookup\": "
                + "{\"vocabulary\": [5], \"numOovIndices\": 3}, \"encoding\": \"oneHot\"}]");
        assertThat(indices(three, initial(three), -1L, -5L, Long.MIN_VALUE, 5L))
                .containsExactly(2, 1, (int) Math.floorMod(Long.MIN_VALUE, 3L), 3);
    }

    @Test
    void integerHashingUsesTheDecimalString() {
        ModelSpec m = FeatureTestSupport.model("[{\"name\": \"t\", \"type\": \"integer\", "
                + "\"hashing\": {\"numBins\": 3}, \"encoding\": \"oneHot\"}]");
        assertThat(indices(m, initial(m), 0L, 1L, 2L, 3L, 4L)).containsExactly(1, 0, 1, 0, 2);
        assertThat(indices(m, initial(m), Long.MAX_VALUE, -7L)).containsExactly(
                FarmHash.bucket("9223372036854775807", 3), FarmHash.bucket("-7", 3));
    }

    @Test
    void growthAppendsUnknownTokensInOrderOfFirstAppearanceUpToMaxTokens() {
        ModelSpec m = FeatureTestSupport.model("[{\"name\": \"t\", \"type\": \"string\", \"lookup\": "
                + "{\"vocabulary\": [\"DE\"], \"maxTokens\": 5, \"numOovIndices\": 2, \"grow\": true}, "
                + "\"embedding\": {\"outputDim\": 2}}]");
        FrontEnd fe = new FrontEnd(m.features(), new VariableLayout(m));
        FrontEndState s = fe.initialState();
        FeatureBatch b = batch(m, "IT", "DE", "IT", "FR", "PL", "ES");
        fe.remember(s);
        fe.adapt(s, b, b.size());
        Vocabulary v = s.vocabulary(0);
        // room for 5 - 2 = 3 tokens: DE, then IT and FR; PL and ES stay OOV
        assertThat(v.tokens()).containsExactly("DE", "IT", "FR");
        assertThat(indices(m, s, "DE", "IT", "FR")).containsExactly(2, 3, 4);
        int pl = indices(m, s, "PL")[0];
        assertThat(pl).isEqualTo(FarmHash.bucket("PL", 2));
        fe.rollback(s);
        assertThat(v.tokens()).containsExactly("DE");
    }

    @Test
    void integerGrowthNeverAddsTheOovToken() {
        ModelSpec m = FeatureTestSupport.model("[{\"name\": \"t\", \"type\": \"integer\", \"lookup\": "
                + "{\"vocabulary\": [], \"maxTokens\": 4, \"grow\": true}, \"encoding\": \"oneHot\"}]");
        FrontEnd fe = new FrontEnd(m.features(), new VariableLayout(m));
        FrontEndState s = fe.initialState();
        FeatureBatch b = new FeatureBatch(m.features(), 4);
        for (long x : new long[] {7, -1, 7, 9, 11, 13}) {
            b.setInteger(b.addRow(), 0, x);
        }
        fe.adapt(s, b, b.size());
        assertThat(s.vocabulary(0).tokens()).containsExactly("7", "9", "11");
    }

    @Test
    void invalidLookupsNameTheField() {
        assertThatThrownBy(() -> FeatureTestSupport.model("[{\"name\": \"t\", \"type\": \"string\", "
                + "\"lookup\": {\"vocabulary\": [\"a\"], \"grow\": true}, \"encoding\": \"oneHot\"}]"))
                .isInstanceOf(SpecException.class).hasMessageContaining("model.features[0].lookup.maxTokens");
        assertThatThrownBy(() -> FeatureTestSupport.model("[{\"name\": \"t\", \"type\": \"string\", "
                + "\"lookup\": {\"vocabulary\": [\"a\", \"a\"]}, \"encoding\": \"oneHot\"}]"))
                .isInstanceOf(SpecException.class).hasMessageContaining("vocabulary[1]");
        assertThatThrownBy(() -> FeatureTestSupport.model("[{\"name\": \"t\", \"type\": \"integer\", "
                + "\"lookup\": {\"vocabulary\": [3, -1]}, \"encoding\": \"oneHot\"}]"))
                .isInstanceOf(SpecException.class).hasMessageContaining("vocabulary[1]");
        assertThatThrownBy(() -> FeatureTestSupport.model("[{\"name\": \"t\", \"type\": \"string\", "
                + "\"hashing\": {\"numBins\": 4}}]"))
                .isInstanceOf(SpecException.class).hasMessageContaining("model.features[0].encoding");
    }

    static FeatureBatch batch(ModelSpec m, String... tokens) {
        FeatureBatch b = new FeatureBatch(m.features(), tokens.length);
        for (String t : tokens) {
            b.setString(b.addRow(), 0, t);
        }
        return b;
    }

    @Test
    void featureOrderIsTheListedOrder() {
        ModelSpec m = FeatureTestSupport.model("[{\"name\": \"z\", \"type\": \"numeric\", \"size\": 2}, "
                + "{\"name\": \"a\", \"type\": \"numeric\"}]");
        assertThat(m.features().stream().map(FeatureSpec::name).toList()).isEqualTo(List.of("z", "a"));
        FrontEnd fe = new FrontEnd(m.features(), new VariableLayout(m));
        FeatureBatch b = new FeatureBatch(m.features(), 1);
        int r = b.addRow();
        b.setNumber(r, 0, 0, 1.5);
        b.setNumber(r, 0, 1, 2.5);
        b.setNumber(r, 1, 0, -3);
        float[] out = new float[3];
        fe.encode(fe.initialState(), new float[0][], b, 1, out);
        assertThat(out).containsExactly(1.5f, 2.5f, -3f);
    }
}
