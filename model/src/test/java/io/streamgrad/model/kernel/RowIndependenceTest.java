package io.streamgrad.model.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A row's Dense forward result does not depend on how many rows are computed with it: scoring one
 * event ({@code m = 1}, the few-row tiles and the scalar column tail) gives the same bits as the
 * same row inside a training batch (packed tiles, the panel column tail). Live predictions,
 * {@code Predictor} and the scoring operator rely on this.
 */
class RowIndependenceTest {

    static Stream<Arguments> kernelsAndShapes() {
        List<Arguments> out = new ArrayList<>();
        for (String name : List.of("plain", "portable", "vector")) {
            for (int[] s : KernelEquivalenceTest.SHAPES) {
                out.add(Arguments.of(name, s[0], s[1], s[2]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("kernelsAndShapes")
    void eachRowAloneGivesTheBitsOfTheBatch(String name, int m, int n, int k) {
        FloatKernels kern = KernelEquivalenceTest.kernels(name);
        long seed = m * 1_000_003L + n * 1_009L + k;
        float[] a = KernelEquivalenceTest.data(seed, m * k);
        float[] b = KernelEquivalenceTest.data(seed + 1, k * n);
        float[] bias = KernelEquivalenceTest.data(seed + 2, n);
        float[] batch = new float[m * n];
        kern.denseForward(m, n, k, a, b, bias, true, batch);
        for (int i = 0; i < m; i++) {
            float[] row = new float[k];
            System.arraycopy(a, i * k, row, 0, k);
            float[] alone = new float[n];
            kern.denseForward(1, n, k, row, b, bias, true, alone);
            for (int j = 0; j < n; j++) {
                assertThat(Float.floatToRawIntBits(alone[j]))
                        .as("%s %dx%dx%d row %d column %d", name, m, n, k, i, j)
                        .isEqualTo(Float.floatToRawIntBits(batch[i * n + j]));
            }
        }
    }
}
