package io.streamgrad.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.spec.Activation;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.RegularizerSpec;
import io.streamgrad.model.state.Variable;
import io.streamgrad.model.state.VariableLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backward-pass gradients of {@link Network} (data loss + regularisation penalties, training mode)
 * against central finite differences of the same total loss, for every layer type, activation,
 * loss and regulariser. Float32 forward passes are noisy, so the loss is accumulated in double,
 * the step is 2e-3 (divided by the actually representable float perturbation), and the tolerance
 * is 2e-2 relative + 2e-3 absolute. Weights are kept away from 0 (L1 kink); a coordinate whose
 * difference quotient straddles a relu kink is re-measured with smaller steps, and if the kink
 * is closer still, compared with the one-sided slope of the kink-free side (few per model).
 */
class GradientCheckTest {
    /** Central-difference steps: the first, then smaller ones only where a kink may lie within ±step. */
    private static final float[] STEPS = {2e-3f, 2.5e-4f, 5e-5f};

    private static boolean close(double actual, double expected) {
        return Math.abs(actual - expected) <= ATOL + RTOL * Math.abs(expected);
    }
    private static final double RTOL = 2e-2;
    private static final double ATOL = 2e-3;
    private static final int BATCH = 6;

    private static final RegularizerSpec L1L2 = new RegularizerSpec(0.01, 0.02);
    private static final RegularizerSpec L1 = new RegularizerSpec(0.03, 0.0);
    private static final RegularizerSpec L2 = new RegularizerSpec(0.0, 0.05);

    private static LayerSpec dense(int units, Activation a, boolean bias, RegularizerSpec k, RegularizerSpec b) {
        return new LayerSpec.Dense(units, a, bias, k, b);
    }

    private static LayerSpec dense(int units, Activation a) {
        return dense(units, a, true, null, null);
    }

    private static LayerSpec bn(boolean center, boolean scale) {
        return new LayerSpec.BatchNormalization(0.9, 1e-3, center, scale);
    }

    private static LayerSpec act(Activation a) {
        return new LayerSpec.ActivationLayer(a);
    }

    private static Arguments model(String name, LossKind loss, LayerSpec... layers) {
        return Arguments.of(Named.of(name, new ModelSpec(3, List.of(layers), loss)));
    }

    static Stream<Arguments> models() {
        LossKind mse = LossKind.MEAN_SQUARED_ERROR;
        List<Arguments> out = new ArrayList<>();
        for (Activation a : Activation.values()) {
            out.add(model("dense " + a.jsonName() + " with bias, L1L2 kernel + L2 bias", mse,
                    dense(4, a, true, L1L2, L2), dense(2, Activation.LINEAR)));
            out.add(model("dense " + a.jsonName() + " without bias, L1 kernel", mse,
                    dense(4, a, false, L1, null), dense(2, Activation.LINEAR, false, L2, null)));
            out.add(model("activation layer " + a.jsonName(), mse,
                    dense(4, Activation.LINEAR), act(a), dense(2, Activation.LINEAR)));
            out.add(model("output dense " + a.jsonName(), mse, dense(3, Activation.TANH), dense(3, a, true, L1L2, L1)));
        }
        out.add(model("batchNorm center+scale", mse,
                dense(4, Activation.LINEAR, false, L2, null), bn(true, true), act(Activation.TANH),
                dense(2, Activation.LINEAR)));
        out.add(model("batchNorm center only", mse,
                dense(4, Activation.LINEAR, false, null, null), bn(true, false), act(Activation.SIGMOID),
                dense(2, Activation.LINEAR)));
        out.add(model("batchNorm scale only", mse,
                dense(4, Activation.LINEAR, true, L1, null), bn(false, true), act(Activation.TANH),
                dense(2, Activation.LINEAR)));
        out.add(model("batchNorm neither", mse,
                dense(4, Activation.LINEAR, true, null, null), bn(false, false), act(Activation.TANH),
                dense(2, Activation.LINEAR)));
        out.add(model("batchNorm as output", mse, dense(3, Activation.TANH), bn(true, true)));
        out.add(model("batchNorm then relu", mse,
                dense(5, Activation.LINEAR, false, null, null), bn(true, true), act(Activation.RELU),
                dense(1, Activation.LINEAR)));
        out.add(model("dropout with fixed mask", mse,
                dense(5, Activation.TANH, true, L2, null), new LayerSpec.Dropout(0.4), dense(2, Activation.LINEAR)));
        out.add(model("dropout rate 0", mse,
                dense(4, Activation.TANH), new LayerSpec.Dropout(0.0), dense(2, Activation.LINEAR)));
        out.add(model("binary crossentropy, sigmoid outputs", LossKind.BINARY_CROSSENTROPY,
                dense(4, Activation.TANH, true, L1L2, null), dense(2, Activation.SIGMOID, true, L2, L1)));
        out.add(model("binary crossentropy, activation layer sigmoid", LossKind.BINARY_CROSSENTROPY,
                dense(4, Activation.RELU), dense(1, Activation.LINEAR), act(Activation.SIGMOID)));
        out.add(model("categorical crossentropy, softmax outputs", LossKind.CATEGORICAL_CROSSENTROPY,
                dense(4, Activation.TANH, true, L1L2, null), dense(3, Activation.SOFTMAX, true, L2, L1)));
        out.add(model("categorical crossentropy, activation layer softmax", LossKind.CATEGORICAL_CROSSENTROPY,
                dense(4, Activation.SIGMOID), dense(3, Activation.LINEAR), act(Activation.SOFTMAX)));
        out.add(model("deep mixed", LossKind.CATEGORICAL_CROSSENTROPY,
                dense(6, Activation.LINEAR, false, L1L2, null), bn(true, true), act(Activation.RELU),
                new LayerSpec.Dropout(0.25), dense(5, Activation.TANH, true, L2, L1), bn(true, false),
                dense(4, Activation.SIGMOID), new LayerSpec.Dropout(0.5), dense(3, Activation.SOFTMAX, true, L1, L2)));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void backwardMatchesFiniteDifferences(ModelSpec spec) {
        // seed from the textual form: deterministic across JVM runs (enum hash codes are not)
        int seeds = Integer.getInteger("gradcheck.seeds", 1); // more seeds: -Dgradcheck.seeds=50
        for (int s = 0; s < seeds; s++) {
            Problem p = new Problem(spec, 42 + 1000L * s + spec.toString().hashCode());
            List<String> mismatches = p.check(null);
            assertThat(mismatches).as("gradient mismatches for %s, seed %d (checked %d, %d needed a smaller step)",
                    spec, s, p.checked, p.refined).isEmpty();
            assertThat(p.checked).isGreaterThan(0);
            boolean kinks = spec.toString().contains("RELU");
            assertThat(p.refined).as("coordinates that needed a smaller step (relu kinks only)")
                    .isLessThanOrEqualTo(kinks ? p.checked / 2 : 0);
        }
    }

    /** The check can fail: a 5% error on a single gradient entry is reported. */
    @Test
    void detectsAWrongGradient() {
        ModelSpec spec = new ModelSpec(3, List.of(dense(4, Activation.TANH, true, L2, null),
                dense(2, Activation.LINEAR)), LossKind.MEAN_SQUARED_ERROR);
        Problem p = new Problem(spec, 7);
        assertThat(p.check(null)).isEmpty();
        assertThat(p.check(g -> g[0][1] *= 1.05f)).hasSize(1);
        // the Keras L2 penalty has no 1/2 factor: a gradient of l2·w instead of 2·l2·w is caught
        assertThat(p.check(g -> {
            for (int i = 0; i < g[0].length; i++) {
                g[0][i] -= (float) (0.05 * p.weights[0][i]);
            }
        })).isNotEmpty();
    }

    interface GradientTamper {
        void tamper(float[][] grads);
    }

    /** A network with seeded weights, inputs, targets and dropout masks. */
    static final class Problem {
        final Network net;
        final float[][] weights;
        final float[] x;
        final float[] y;
        final DropoutMaskSource masks;
        int checked;
        int refined;

        Problem(ModelSpec spec, long seed) {
            Random rnd = new Random(seed);
            net = new Network(spec);
            VariableLayout layout = net.layout();
            weights = new float[layout.size()][];
            for (int v = 0; v < layout.size(); v++) {
                Variable var = layout.get(v);
                float[] w = new float[var.size()];
                for (int i = 0; i < w.length; i++) {
                    w[i] = switch (var.name()) {
                        case "gamma" -> 0.7f + 0.6f * rnd.nextFloat();
                        case "movingVariance" -> 0.5f + rnd.nextFloat();
                        // magnitude in [0.1, 0.7], random sign: far from the L1 kink at 0
                        default -> (rnd.nextBoolean() ? 1 : -1) * (0.1f + 0.6f * rnd.nextFloat());
                    };
                }
                weights[v] = w;
            }
            x = new float[BATCH * spec.inputDim()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rnd.nextGaussian() * 1.2);
            }
            int k = spec.outputDim();
            y = new float[BATCH * k];
            for (int r = 0; r < BATCH; r++) {
                switch (spec.loss()) {
                    case MEAN_SQUARED_ERROR -> {
                        for (int j = 0; j < k; j++) {
                            y[r * k + j] = (float) rnd.nextGaussian();
                        }
                    }
                    case BINARY_CROSSENTROPY -> {
                        for (int j = 0; j < k; j++) {
                            y[r * k + j] = rnd.nextBoolean() ? 1f : 0f;
                        }
                    }
                    case CATEGORICAL_CROSSENTROPY -> y[r * k + rnd.nextInt(k)] = 1f;
                }
            }
            float[][] fixed = new float[spec.layers().size()][];
            for (int l = 0; l < fixed.length; l++) {
                if (spec.layers().get(l) instanceof LayerSpec.Dropout) {
                    int width = spec.inputWidthOf(l);
                    fixed[l] = new float[BATCH * width];
                    for (int i = 0; i < fixed[l].length; i++) {
                        fixed[l][i] = rnd.nextFloat() < 0.6f ? 1f : 0f;
                    }
                    fixed[l][0] = 1f; // never drop everything of the first row
                }
            }
            masks = (layer, rate, mask, batch, width) -> System.arraycopy(fixed[layer], 0, mask, 0, batch * width);
        }

        double loss() {
            net.forward(weights, x, BATCH, true, masks);
            return net.dataLoss(y, BATCH, false) + net.penalty(weights);
        }

        float[][] analytic() {
            net.forward(weights, x, BATCH, true, masks);
            net.dataLoss(y, BATCH, true);
            net.backward(weights, x, BATCH);
            float[][] g = net.gradients();
            float[][] copy = new float[g.length][];
            for (int v = 0; v < g.length; v++) {
                copy[v] = g[v] == null ? null : g[v].clone();
            }
            return copy;
        }

        double centralDifference(float[] w, int i, float h) {
            float orig = w[i];
            float plus = orig + h;
            float minus = orig - h;
            w[i] = plus;
            double lp = loss();
            w[i] = minus;
            double lm = loss();
            w[i] = orig;
            return (lp - lm) / ((double) plus - minus);
        }

        /** {left, right} one-sided difference quotients. */
        double[] oneSidedDifferences(float[] w, int i, float h) {
            float orig = w[i];
            float plus = orig + h;
            float minus = orig - h;
            double l0 = loss();
            w[i] = plus;
            double lp = loss();
            w[i] = minus;
            double lm = loss();
            w[i] = orig;
            return new double[] {(l0 - lm) / ((double) orig - minus), (lp - l0) / ((double) plus - orig)};
        }

        List<String> check(GradientTamper tamper) {
            checked = 0;
            refined = 0;
            float[][] g = analytic();
            if (tamper != null) {
                tamper.tamper(g);
            }
            VariableLayout layout = net.layout();
            List<String> bad = new ArrayList<>();
            for (int v = 0; v < layout.size(); v++) {
                Variable var = layout.get(v);
                if (!var.trainable()) {
                    assertThat(g[v]).as("non-trainable %s has no gradient", var.name()).isNull();
                    continue;
                }
                float[] w = weights[v];
                for (int i = 0; i < w.length; i++) {
                    double a = g[v][i];
                    double fd = Double.NaN;
                    boolean ok = false;
                    // a relu kink within ±step spoils the central difference: retry with smaller steps
                    for (int k = 0; k < STEPS.length && !ok; k++) {
                        fd = centralDifference(w, i, STEPS[k]);
                        ok = close(a, fd);
                        if (ok && k > 0) {
                            refined++;
                        }
                    }
                    if (!ok) {
                        // a kink closer than the smallest step: the slopes on both sides differ, and the
                        // gradient must be the one-sided slope of the side the kink is not on
                        double[] sides = oneSidedDifferences(w, i, STEPS[0]);
                        boolean kink = !close(sides[0], sides[1]);
                        ok = kink && (close(a, sides[0]) || close(a, sides[1]));
                        if (ok) {
                            refined++;
                        }
                    }
                    checked++;
                    if (!ok) {
                        bad.add(String.format("layer %d %s[%d]: backward %.6g vs finite difference %.6g",
                                var.layer(), var.name(), i, a, fd));
                    }
                }
            }
            return bad;
        }
    }
}
