package io.streamgrad.model.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.model.FeatureFixtures;
import io.streamgrad.model.features.FeatureBatch;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Raw rows through a predictor: the engine's inference with the snapshot's front-end, bit for bit. */
class PredictorRawRowsTest {

    private static ModelState trained(Trainer t) {
        ModelState s = t.newState(3);
        for (int seed = 1; seed <= 3; seed++) {
            t.step(s, FeatureFixtures.batch(t.modelSpec(), seed));
        }
        return s;
    }

    private static Map<String, Object> row(String country, double a, double b, long store, String device) {
        Map<String, Object> m = new HashMap<>();
        m.put("country", country);
        m.put("amount", List.of(a, b));
        m.put("store", store);
        m.put("device", device);
        return m;
    }

    @Test
    void aMapRowEqualsTheEngineOnTheSameRawRow() {
        Trainer t = FeatureFixtures.trainer();
        ModelState s = trained(t);
        ModelState before = s.copy();
        Predictor p = Predictor.of(t.modelSpec(), s, "k", 0L);
        for (String country : List.of("DE", "IT", "S\u00e3o Tom\u00e9", "never-seen")) {
            MiniBatch b = MiniBatch.forModel(t.modelSpec(), 1);
            int r = b.addRow(new float[] {0f});
            FeatureBatch raw = b.raw();
            raw.setString(r, 0, country);
            raw.setNumbers(r, 1, 11.0, -3.5);
            raw.setInteger(r, 2, 1234567890123L);
            raw.setString(r, 3, "dev2");
            float[] engine = new float[1];
            t.predict(s, raw, 1, engine);
            float[] viaMap = p.predict(row(country, 11.0, -3.5, 1234567890123L, "dev2")).values();
            assertThat(Float.floatToRawIntBits(viaMap[0])).isEqualTo(Float.floatToRawIntBits(engine[0]));
        }
        assertThat(s.bitEquals(before)).isTrue(); // inference: no growth, no merging
    }

    @Test
    void theFrontEndSurvivesTheBinaryForm() {
        Trainer t = FeatureFixtures.trainer();
        ModelState s = trained(t);
        Predictor p = Predictor.of(t.modelSpec(), s, "k", 0L);
        Predictor again = Predictor.fromState(t.modelSpec(), p.toState());
        Map<String, Object> r = row("IT", 9.0, 1.0, 7, "dev5");
        assertThat(again.predict(r).values()).containsExactly(p.predict(r).values());
    }

    @Test
    void aMissingOrWronglyTypedFeatureIsNamed() {
        Trainer t = FeatureFixtures.trainer();
        Predictor p = Predictor.of(t.modelSpec(), trained(t), "k", 0L);
        Map<String, Object> missing = row("IT", 1, 2, 7, "d");
        missing.remove("device");
        assertThatThrownBy(() -> p.predict(missing)).hasMessageContaining("'device': missing");
        Map<String, Object> wrong = row("IT", 1, 2, 7, "d");
        wrong.put("store", 7.5);
        assertThatThrownBy(() -> p.predict(wrong)).hasMessageContaining("'store': expected an integer");
        Map<String, Object> shape = row("IT", 1, 2, 7, "d");
        shape.put("amount", 3.0);
        assertThatThrownBy(() -> p.predict(shape)).hasMessageContaining("'amount': expected 2 numbers");
    }
}
