package io.streamgrad.model.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.state.FrontEndState;
import io.streamgrad.model.state.RunningMoments;
import io.streamgrad.model.state.VariableLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Online Normalization statistics against a two-pass float64 reference over all data merged so far. */
class RunningMomentsTest {

    @Test
    void batchMergesEqualTheTwoPassStatisticsOfAllData() {
        Random rnd = new Random(11);
        int s = 3;
        double[] all = new double[0];
        RunningMoments m = new RunningMoments(s);
        for (int batch = 0; batch < 40; batch++) {
            int rows = 1 + rnd.nextInt(9);
            double[] x = new double[rows * s];
            for (int i = 0; i < x.length; i++) {
                x[i] = 1000 + rnd.nextGaussian() * (1 + i % s) * 3;
            }
            m.merge(x, rows);
            double[] grown = java.util.Arrays.copyOf(all, all.length + x.length);
            System.arraycopy(x, 0, grown, all.length, x.length);
            all = grown;
            int n = all.length / s;
            assertThat(m.count()).isEqualTo(n);
            for (int c = 0; c < s; c++) {
                double mean = 0;
                for (int r = 0; r < n; r++) {
                    mean += all[r * s + c];
                }
                mean /= n;
                double var = 0;
                for (int r = 0; r < n; r++) {
                    var += (all[r * s + c] - mean) * (all[r * s + c] - mean);
                }
                var /= n; // population variance, as Normalization.adapt
                assertThat(m.mean(c)).isCloseTo(mean, within(1e-12 * Math.abs(mean)));
                assertThat(m.variance(c)).isCloseTo(var, within(1e-9 * var));
            }
        }
    }

    @Test
    void warmStartKeepsM2AsVarianceTimesCount() {
        RunningMoments m = RunningMoments.of(4, new double[] {2.0}, new double[] {1.0});
        m.merge(new double[] {2.0, 2.0, 2.0, 2.0}, 4);
        // 8 values with mean 2: the first four had variance 1, the others 0
        assertThat(m.mean(0)).isEqualTo(2.0);
        assertThat(m.variance(0)).isEqualTo(0.5);
    }

    @Test
    void freezeAfterStopsOnceTheCountReachesItAndMergesACrossingBatchWhole() {
        ModelSpec model = FeatureTestSupport.model("[{\"name\": \"x\", \"type\": \"numeric\", "
                + "\"normalization\": {\"adapt\": \"online\", \"freezeAfter\": 5}}]");
        FrontEnd fe = new FrontEnd(model.features(), new VariableLayout(model));
        FrontEndState s = fe.initialState();
        FeatureBatch b = new FeatureBatch(model.features(), 3);
        for (int r = 0; r < 3; r++) {
            b.setNumber(b.addRow(), 0, 0, r);
        }
        fe.adapt(s, b, 3);
        assertThat(s.moments(0).count()).isEqualTo(3);
        fe.adapt(s, b, 3); // 3 < 5: merged whole, crossing 5
        assertThat(s.moments(0).count()).isEqualTo(6);
        fe.adapt(s, b, 3);
        assertThat(s.moments(0).count()).isEqualTo(6);
    }

    @Test
    void normalizationFloorsTheStandardDeviationAtEpsilon() {
        ModelSpec model = FeatureTestSupport.model("[{\"name\": \"x\", \"type\": \"numeric\", \"size\": 2, "
                + "\"normalization\": {\"mean\": [1.0, 3.0], \"variance\": [4.0, 1e-16]}}]");
        FrontEnd fe = new FrontEnd(model.features(), new VariableLayout(model));
        FeatureBatch b = new FeatureBatch(model.features(), 1);
        int r = b.addRow();
        b.setNumber(r, 0, 0, 5.0);
        b.setNumber(r, 0, 1, 3.5);
        float[] out = new float[2];
        fe.encode(fe.initialState(), new float[0][], b, 1, out);
        assertThat(out[0]).isEqualTo(2.0f);
        assertThat(out[1]).isEqualTo(0.5f / 1e-7f);
    }
}
