package io.streamgrad.model.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.nn.Network;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.state.FrontEndState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The embedding gradient (§12.5) against central finite differences of the loss: rows looked up
 * several times sum their contributions, rows never looked up get only the regularizer term.
 */
class EmbeddingGradientTest {
    private static final String FEATURES = "[{\"name\": \"c\", \"type\": \"string\", \"lookup\": "
            + "{\"vocabulary\": [\"a\", \"b\", \"c\"], \"numOovIndices\": 2}, "
            + "\"embedding\": {\"outputDim\": 3, \"regularizer\": {\"l1\": 0.01, \"l2\": 0.02}}}, "
            + "{\"name\": \"x\", \"type\": \"numeric\", \"size\": 2}, "
            + "{\"name\": \"h\", \"type\": \"integer\", \"hashing\": {\"numBins\": 4}, \"embedding\": {\"outputDim\": 2}}]";
    private static final String LAYERS = "[{\"type\": \"batchNormalization\"}, "
            + "{\"type\": \"dense\", \"units\": 4, \"activation\": \"tanh\"}, {\"type\": \"dense\", \"units\": 1}]";

    @Test
    void embeddingGradientsMatchFiniteDifferences() {
        ModelSpec spec = FeatureTestSupport.model(FEATURES, LAYERS, "meanSquaredError");
        Network net = new Network(spec);
        Random rnd = new Random(5);
        float[][] w = new float[net.layout().size()][];
        for (int v = 0; v < w.length; v++) {
            w[v] = new float[net.layout().get(v).size()];
            String name = net.layout().get(v).name();
            for (int i = 0; i < w[v].length; i++) {
                w[v][i] = switch (name) {
                    case "gamma", "movingVariance" -> 1f;
                    case "beta", "movingMean" -> 0f;
                    default -> (rnd.nextBoolean() ? 1 : -1) * (0.1f + 0.6f * rnd.nextFloat());
                };
            }
        }
        FrontEndState state = net.frontEnd().initialState();
        String[] tokens = {"a", "b", "a", "zz", "a", "b"};
        FeatureBatch raw = new FeatureBatch(spec.features(), tokens.length);
        float[] y = new float[tokens.length];
        for (int r = 0; r < tokens.length; r++) {
            raw.addRow();
            raw.setString(r, 0, tokens[r]);
            raw.setNumber(r, 1, 0, rnd.nextGaussian());
            raw.setNumber(r, 1, 1, rnd.nextGaussian());
            raw.setInteger(r, 2, r % 3);
            y[r] = (float) rnd.nextGaussian();
        }
        int b = tokens.length;
        float[] x = net.encode(w, state, raw, b);
        net.forward(w, x, b, true, null);
        net.dataLoss(y, b, true);
        net.backward(w, x, b);
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (int v : new int[] {net.layout().ofFeature(0), net.layout().ofFeature(2)}) {
            float[] g = net.gradients()[v].clone();
            for (int i = 0; i < w[v].length; i++) {
                float keep = w[v][i];
                float h = 2e-3f;
                w[v][i] = keep + h;
                double up = loss(net, w, state, raw, y, b);
                w[v][i] = keep - h;
                double down = loss(net, w, state, raw, y, b);
                w[v][i] = keep;
                double numeric = (up - down) / (2 * h);
                checked++;
                if (Math.abs(numeric - g[i]) > 2e-3 + 2e-2 * Math.abs(numeric)) {
                    mismatches.add("var " + v + "[" + i + "]: analytic " + g[i] + " numeric " + numeric);
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(checked).isEqualTo((2 + 3) * 3 + 4 * 2);
        // row 4 ("c") of the lookup embedding is never looked up: only the penalty gradient
        int e = net.layout().ofFeature(0);
        float[] g = net.gradients()[e];
        for (int k = 0; k < 3; k++) {
            float wk = w[e][4 * 3 + k];
            assertThat(g[4 * 3 + k]).isEqualTo((float) (0.01 * Math.signum(wk) + 2 * 0.02 * wk));
        }
    }

    private static double loss(Network net, float[][] w, FrontEndState state, FeatureBatch raw, float[] y, int b) {
        float[] x = net.encode(w, state, raw, b);
        net.forward(w, x, b, true, null);
        return net.dataLoss(y, b, false) + net.penalty(w);
    }
}
