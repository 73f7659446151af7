package io.streamgrad.operators.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LabelJoinConfigTest {
    private static LabelJoinConfig.Builder base() {
        return LabelJoinConfig.builder().horizon(Duration.ofMinutes(30));
    }

    @Test
    void defaults() {
        LabelJoinConfig c = base().build();
        assertThat(c.horizonMillis()).isEqualTo(1_800_000);
        assertThat(c.labelWaitMillis()).isEqualTo(1_800_000);
        assertThat(c.hasDefaultLabel()).isFalse();
        assertThat(c.defaultLabel()).isNull();
        assertThat(c.numClasses()).isZero();
        assertThat(c.stateTtlMillis()).isEqualTo(2 * 3_600_000);
    }

    @Test
    void explicitSettings() {
        LabelJoinConfig c = base().labelWait(Duration.ZERO).defaultLabel(1f, 0f).numClasses(2)
                .stateTtl(Duration.ZERO).build();
        assertThat(c.labelWaitMillis()).isZero();
        assertThat(c.defaultLabel()).containsExactly(1f, 0f);
        assertThat(c.stateTtlMillis()).isZero();
    }

    @Test
    void errorsNameTheField() {
        assertThatThrownBy(() -> LabelJoinConfig.builder().build()).hasMessageStartingWith("horizon: required");
        assertThatThrownBy(() -> LabelJoinConfig.builder().horizon(Duration.ZERO).build())
                .hasMessage("horizon: must be positive, got 0 ms");
        assertThatThrownBy(() -> LabelJoinConfig.builder().horizon(Duration.ofSeconds(-1)))
                .hasMessageStartingWith("horizon: must not be negative");
        assertThatThrownBy(() -> base().labelWait(null)).hasMessage("labelWait: must not be null");
        assertThatThrownBy(() -> base().defaultLabel().build()).hasMessageStartingWith("defaultLabel: must not be empty");
        assertThatThrownBy(() -> base().defaultLabel(Float.NaN).build())
                .hasMessage("defaultLabel: values must be finite, got NaN");
        assertThatThrownBy(() -> base().numClasses(3).defaultLabel(0f).build())
                .hasMessage("defaultLabel: expected 3 values (numClasses), got 1");
        assertThatThrownBy(() -> base().numClasses(-1).build()).hasMessage("numClasses: must be >= 0, got -1");
        assertThatThrownBy(() -> base().stateTtl(Duration.ofMinutes(59)).build())
                .hasMessageStartingWith("stateTtl: must be 0 (off) or >= horizon + labelWait (3600000 ms)");
    }

    @Test
    void defaultLabelIsCopied() {
        float[] y = {0f};
        LabelJoinConfig c = base().defaultLabel(y).build();
        y[0] = 9f;
        c.defaultLabel()[0] = 7f;
        assertThat(c.defaultLabel()).containsExactly(0f);
    }

    @Test
    void saturatingAddition() {
        assertThat(LabelJoinConfig.saturatedAdd(Long.MAX_VALUE - 1, 10)).isEqualTo(Long.MAX_VALUE);
        assertThat(LabelJoinConfig.saturatedAdd(Long.MIN_VALUE + 1, -10)).isEqualTo(Long.MIN_VALUE);
        assertThat(LabelJoinConfig.saturatedAdd(5, 7)).isEqualTo(12);
    }
}
