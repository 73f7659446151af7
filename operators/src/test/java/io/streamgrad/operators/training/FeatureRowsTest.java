package io.streamgrad.operators.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.FeatureValues;
import io.streamgrad.operators.state.KeyProgress;
import org.junit.jupiter.api.Test;

/** Raw feature values checked, buffered in the key's progress and handed to the engine as raw rows. */
class FeatureRowsTest {
    private static final ModelSpec MODEL = SpecParser.model(SpecParser.readTree("""
            {"features": [
              {"name": "a", "type": "numeric", "size": 2},
              {"name": "b", "type": "numeric"}],
             "layers": [{"type": "dense", "units": 1}], "loss": "meanSquaredError"}"""));

    @Test
    void problemsNameTheFeatureAndEmptyGroupsMayBeNull() {
        FeatureRows rows = new FeatureRows(MODEL.features());
        assertThat(rows.problem(new FeatureValues(new double[] {1, 2, 3}, null, null))).isNull();
        assertThat(rows.problem(new FeatureValues(new double[] {1, Double.NaN, 3}, null, null)))
                .isEqualTo("a[1]: not a finite number (NaN)");
        assertThat(rows.problem(new FeatureValues(new double[] {1, 2, 1e39}, null, null)))
                .isEqualTo("b: not a finite number (1.0E39)");
        assertThat(rows.problem(new FeatureValues(new double[] {1, 2}, new String[0], new long[0])))
                .startsWith("features: expected 3 numeric components, 0 strings and 0 integers, got 2");
        assertThat(rows.problem(null)).isEqualTo("features: missing (the model takes named features: a, b)");
    }

    @Test
    void bufferedRawRowsBecomeARawBatchInArrivalOrder() {
        BatchBuffer buffer = new BatchBuffer(MODEL, 2, false);
        KeyProgress p = new KeyProgress();
        assertThat(buffer.add(p, Example.withFeatureValues("k", new FeatureValues(new double[] {1, 2, 3}, null, null),
                new float[] {0.5f}, Example.NO_TIMESTAMP, null), Example.NO_TIMESTAMP)).isFalse();
        assertThat(buffer.add(p, Example.withFeatureValues("k", new FeatureValues(new double[] {4, 5, 6}, null, null),
                new float[] {1.5f}, Example.NO_TIMESTAMP, null), Example.NO_TIMESTAMP)).isTrue();
        MiniBatch b = buffer.take(p);
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.raw().number(1, 0, 1)).isEqualTo(5.0);
        assertThat(b.raw().number(1, 1, 0)).isEqualTo(6.0);
        assertThat(b.targets()[1]).isEqualTo(1.5f);
        assertThat(p.pendingRows).isZero();
    }
}
