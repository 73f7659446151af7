package io.streamgrad.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.model.optim.TouchedRows;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.spec.SpecWriter;
import io.streamgrad.model.state.ModelState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code sparseUpdates} (our extension): for every optimizer family and gradient option, a sparse
 * step gives the touched rows of the embedding (weights and slots) and every trunk variable the
 * bits of the dense (Keras) step, and leaves every other row of the embedding and of its slots as
 * it was. Where an untouched row is neutral under a dense step (zero gradient changes nothing), the
 * whole model equals the dense one.
 */
class SparseEmbeddingUpdateTest {
    private static final int BINS = 40;
    private static final String[] OPTIMIZERS = {
        "{\"type\": \"sgd\", \"learningRate\": 0.1}",
        "{\"type\": \"sgd\", \"learningRate\": 0.1, \"momentum\": 0.9}",
        "{\"type\": \"sgd\", \"learningRate\": 0.1, \"momentum\": 0.8, \"nesterov\": true}",
        "{\"type\": \"adam\", \"learningRate\": 0.01}",
        "{\"type\": \"adam\", \"learningRate\": 0.01, \"amsgrad\": true}",
        "{\"type\": \"adamw\", \"learningRate\": 0.01}",
        "{\"type\": \"nadam\", \"learningRate\": 0.01}",
        "{\"type\": \"adamax\", \"learningRate\": 0.01}",
        "{\"type\": \"adagrad\", \"learningRate\": 0.1}",
        "{\"type\": \"rmsprop\", \"learningRate\": 0.01}",
        "{\"type\": \"rmsprop\", \"learningRate\": 0.01, \"centered\": true, \"momentum\": 0.5}",
        "{\"type\": \"adadelta\", \"learningRate\": 1.0}",
        "{\"type\": \"ftrl\", \"learningRate\": 0.1, \"l1RegularizationStrength\": 0.001, "
                + "\"l2RegularizationStrength\": 0.01}",
        "{\"type\": \"ftrl\", \"learningRate\": 0.1, \"l2ShrinkageRegularizationStrength\": 0.01, \"beta\": 0.5}",
        "{\"type\": \"lion\", \"learningRate\": 0.001}",
    };
    /** Gradient options merged into each optimizer; the second element: with an embedding regularizer. */
    private static final String[][] OPTIONS = {
        {"", "false"}, {"\"weightDecay\": 0.01", "false"}, {"\"clipnorm\": 0.05", "false"},
        {"\"globalClipnorm\": 0.05", "false"}, {"\"clipvalue\": 0.01", "false"},
        {"", "true"}, {"\"weightDecay\": 0.02", "true"}, {"\"clipvalue\": 0.01", "true"},
    };

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String o : OPTIMIZERS) {
            for (String[] opt : OPTIONS) {
                String json = opt[0].isEmpty() ? o : o.substring(0, o.length() - 1) + ", " + opt[0] + "}";
                out.add(Arguments.of(json, Boolean.parseBoolean(opt[1])));
            }
        }
        return out.stream();
    }

    static ModelSpec model(boolean sparse, boolean regularized) {
        String reg = regularized ? ", \"regularizer\": {\"l1\": 0.001, \"l2\": 0.01}" : "";
        return SpecParser.model(SpecParser.readTree("{\"features\": ["
                + "{\"name\": \"item\", \"type\": \"string\", \"hashing\": {\"numBins\": " + BINS + "}, "
                + "\"embedding\": {\"outputDim\": 3" + reg + ", \"sparseUpdates\": " + sparse + "}},"
                + "{\"name\": \"x\", \"type\": \"numeric\", \"size\": 2}],"
                + "\"layers\": [{\"type\": \"dense\", \"units\": 4, \"activation\": \"tanh\"}, {\"type\": \"dense\", "
                + "\"units\": 1}], \"loss\": \"meanSquaredError\"}"));
    }

    static MiniBatch batch(ModelSpec spec, String... items) {
        MiniBatch b = MiniBatch.forModel(spec, items.length);
        for (int r = 0; r < items.length; r++) {
            int row = b.addRow(new float[] {0.3f * r - 0.5f});
            b.raw().setString(row, 0, items[r]);
            b.raw().setNumbers(row, 1, 0.1 * r, -0.2 * r + 1);
        }
        return b;
    }

    @ParameterizedTest(name = "{0} regularizer={1}")
    @MethodSource("cases")
    void aSparseStepIsTheDenseStepOnTheTouchedRowsAndLeavesTheOthers(String optimizerJson, boolean regularized) {
        Trainer dense = new Trainer(model(false, regularized), SpecParser.optimizer(SpecParser.readTree(optimizerJson)));
        Trainer sparse = new Trainer(model(true, regularized), SpecParser.optimizer(SpecParser.readTree(optimizerJson)));
        ModelState start = dense.newState(7);
        String[] warm = new String[30];
        for (int i = 0; i < warm.length; i++) {
            warm[i] = "w" + i;
        }
        for (int s = 0; s < 3; s++) { // dense warm-up: every row gets non-zero slots
            dense.step(start, batch(dense.modelSpec(), warm));
        }
        ModelState a = start.copy();
        ModelState b = start.copy();
        StepResult ra = dense.step(a, batch(dense.modelSpec(), "a", "b", "c", "a", "d", "b"));
        StepResult rb = sparse.step(b, batch(sparse.modelSpec(), "a", "b", "c", "a", "d", "b"));
        assertThat(ra.outcome()).isEqualTo(StepResult.Outcome.APPLIED);
        assertThat(rb.outcome()).isEqualTo(StepResult.Outcome.APPLIED);
        assertThat(b.iterations()).isEqualTo(a.iterations()).isEqualTo(start.iterations() + 1);
        assertThat(b.scalars()).containsExactly(a.scalars());

        TouchedRows rows = sparse.network().sparseRows()[0];
        assertThat(rows.count()).isBetween(1, 4);
        boolean[] touched = new boolean[BINS];
        for (int i = 0; i < rows.count(); i++) {
            touched[rows.row(i)] = true;
        }
        int d = rows.rowWidth();
        for (int r = 0; r < BINS; r++) {
            float[] expected = touched[r] ? a.weights()[0] : start.weights()[0];
            assertThat(slice(b.weights()[0], r, d)).as("embedding row %d", r).containsExactly(slice(expected, r, d));
            for (int k = 0; k < b.slots()[0].length; k++) {
                float[] expectedSlot = touched[r] ? a.slots()[0][k] : start.slots()[0][k];
                assertThat(slice(b.slots()[0][k], r, d)).as("slot %d row %d", k, r)
                        .containsExactly(slice(expectedSlot, r, d));
            }
        }
        if (!regularized) { // the dense gradient is zero outside the touched rows: same norm, same trunk
            assertThat(rb.gradientNorm()).isEqualTo(ra.gradientNorm());
            for (int v = 1; v < a.weights().length; v++) {
                assertThat(b.weights()[v]).as("trunk variable %d", v).containsExactly(a.weights()[v]);
                for (int k = 0; k < a.slots()[v].length; k++) {
                    assertThat(b.slots()[v][k]).containsExactly(a.slots()[v][k]);
                }
            }
        }
        if (!regularized && neutral(optimizerJson)) {
            assertThat(b.bitEquals(a)).as("a zero gradient leaves a row unchanged: sparse == dense").isTrue();
        }
    }

    /** Families where a dense step with zero gradient and no weight decay changes neither a row nor its slots. */
    private static boolean neutral(String json) {
        if (json.contains("weightDecay") || json.contains("adamw")) {
            return false;
        }
        // Ftrl is not: a dense step recomputes w from (lin, acc), which need not reproduce w's bits
        return (json.contains("\"sgd\"") && !json.contains("momentum")) || json.contains("adagrad");
    }

    private static float[] slice(float[] a, int row, int d) {
        return Arrays.copyOfRange(a, row * d, (row + 1) * d);
    }

    @Test
    void rowsNeverLookedUpKeepTheirInitialBitsOverManySteps() {
        Trainer t = new Trainer(model(true, true), SpecParser.optimizer(SpecParser.readTree(
                "{\"type\": \"adam\", \"weightDecay\": 0.1, \"globalClipnorm\": 1.0}")));
        ModelState s = t.newState(3);
        ModelState initial = s.copy();
        for (int step = 0; step < 20; step++) {
            t.step(s, batch(t.modelSpec(), "a", "b", "a"));
        }
        TouchedRows rows = t.network().sparseRows()[0];
        int d = rows.rowWidth();
        int changed = 0;
        for (int r = 0; r < BINS; r++) {
            boolean same = Arrays.equals(slice(s.weights()[0], r, d), slice(initial.weights()[0], r, d));
            changed += same ? 0 : 1;
            if (r != rows.row(0) && (rows.count() < 2 || r != rows.row(1))) {
                assertThat(same).as("row %d", r).isTrue();
                assertThat(slice(s.slots()[0][0], r, d)).containsOnly(0f);
            }
        }
        assertThat(changed).isEqualTo(rows.count());
        assertThat(s.iterations()).isEqualTo(20);
    }

    @Test
    void anOverflowingSparseUpdateIsUndoneOnItsRows() {
        Trainer t = new Trainer(model(true, false), SpecParser.optimizer(SpecParser.readTree(
                "{\"type\": \"sgd\", \"learningRate\": 1e38, \"momentum\": 0.5}")));
        ModelState s = t.newState(3);
        t.step(s, batch(t.modelSpec(), "a", "b"));
        ModelState before = s.copy();
        StepResult r = t.step(s, batch(t.modelSpec(), "a", "c", "c"));
        assertThat(r.outcome()).isEqualTo(StepResult.Outcome.SKIPPED_NON_FINITE);
        assertThat(s.weights()[0]).containsExactly(before.weights()[0]);
        assertThat(s.slots()[0][0]).containsExactly(before.slots()[0][0]);
        assertThat(s.iterations()).isEqualTo(before.iterations());
    }

    @Test
    void theSpecFieldIsValidatedAndRoundTrips() {
        ModelSpec spec = model(true, false);
        assertThat(spec.features().get(0).toString()).contains("sparseUpdates=true");
        String written = SpecWriter.model(spec).toString();
        assertThat(written).contains("\"sparseUpdates\":true");
        assertThat(SpecParser.model(SpecParser.readTree(written))).isEqualTo(spec);
        assertThat(SpecWriter.model(model(false, false)).toString()).doesNotContain("sparseUpdates");
        assertThatThrownBy(() -> SpecParser.model(SpecParser.readTree(SpecWriter.model(spec).toString()
                .replace("\"sparseUpdates\":true", "\"sparseUpdates\":\"yes\""))))
                .isInstanceOf(SpecException.class).hasMessageContaining("sparseUpdates");
    }
}
