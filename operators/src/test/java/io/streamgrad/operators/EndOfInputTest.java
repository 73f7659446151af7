package io.streamgrad.operators;

import static io.streamgrad.operators.TestSupport.deadLetters;
import static io.streamgrad.operators.TestSupport.harness;
import static io.streamgrad.operators.TestSupport.linear;
import static io.streamgrad.operators.TestSupport.linearExample;
import static io.streamgrad.operators.TestSupport.metrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.operators.training.BatchBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code endOfInput: drop}: a partial batch left at the end of a bounded input is not trained, and not lost silently. */
class EndOfInputTest {
    @Test
    void dropSendsEachRowOfTheTrailingPartialBatchToTheDeadLettersWithTheReason() throws Exception {
        try (var h = harness(linear(3).endOfInput(EndOfInput.DROP).build())) {
            h.open();
            Random r = new Random(1);
            for (int i = 0; i < 8; i++) {
                h.processElement(linearExample("a", r), 0L);
            }
            h.endInput();
            List<LossMetric> m = metrics(h);
            assertThat(m).hasSize(2);
            assertThat(m.get(1).examplesSeen).isEqualTo(6);
            List<DeadLetter> dl = deadLetters(h);
            assertThat(dl).hasSize(2).allSatisfy(d -> {
                assertThat(d.modelKey).isEqualTo("a");
                assertThat(d.reason).isEqualTo(BatchBuffer.PARTIAL_BATCH_DROPPED);
                assertThat(d.record).startsWith("{\"modelKey\":\"a\",\"features\":[");
            });
            assertThat(dl.get(0).record).isNotEqualTo(dl.get(1).record);
            assertThat(TestSupport.operator(h).metrics().examples()).isEqualTo(6);
        }
    }

    @Test
    void dropAlsoCancelsThePendingBatchTimer() throws Exception {
        try (var h = harness(linear(3).maxBatchDelay(Duration.ofMillis(50)).endOfInput(EndOfInput.DROP).build())) {
            h.open();
            h.processElement(linearExample("a", new Random(2)), 0L);
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
            h.endInput();
            assertThat(h.numProcessingTimeTimers()).isZero();
            assertThat(metrics(h)).isEmpty();
            assertThat(deadLetters(h)).hasSize(1);
        }
    }

    @Test
    void trainIsTheDefaultAndNullIsRefusedNamingTheOption() {
        assertThat(linear(3).build().endOfInput()).isEqualTo(EndOfInput.TRAIN);
        assertThatThrownBy(() -> linear(3).endOfInput(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endOfInput: must be train or drop");
    }
}
