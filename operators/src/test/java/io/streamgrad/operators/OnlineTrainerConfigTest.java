package io.streamgrad.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.state.ModelState;
import java.time.Duration;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class OnlineTrainerConfigTest {

    @Test
    void validatesAndNamesTheField() {
        assertThatThrownBy(() -> OnlineTrainerConfig.builder().optimizer(TestSupport.SGD).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("model:");
        assertThatThrownBy(() -> OnlineTrainerConfig.builder().model(TestSupport.LINEAR_MODEL).build())
                .hasMessageStartingWith("optimizer:");
        assertThatThrownBy(() -> TestSupport.linear(0).build()).hasMessageStartingWith("batchSize:");
        assertThatThrownBy(() -> TestSupport.rich(1).build())
                .hasMessageStartingWith("batchSize:").hasMessageContaining("BatchNormalization");
        assertThatThrownBy(() -> TestSupport.linear(2).maxBatchDelay(Duration.ZERO).build())
                .hasMessageStartingWith("maxBatchDelay:");
        assertThatThrownBy(() -> TestSupport.linear(2).metricsEverySteps(0).build())
                .hasMessageStartingWith("metricsEverySteps:");
        assertThatThrownBy(() -> TestSupport.linear(2).snapshotEverySteps(-1).build())
                .hasMessageStartingWith("snapshotEverySteps:");
        assertThatThrownBy(() -> TestSupport.linear(2).snapshotInterval(Duration.ofSeconds(-1)).build())
                .hasMessageStartingWith("snapshotInterval:");
        assertThatThrownBy(() -> TestSupport.linear(2).maxCachedModels(0).build())
                .hasMessageStartingWith("maxCachedModels:");
        assertThatThrownBy(() -> TestSupport.linear(2).model("""
                {"inputDim": 3, "layers": [{"type": "dense", "units": 0}], "loss": "meanSquaredError"}""").build())
                .isInstanceOf(SpecException.class).hasMessageStartingWith("model.layers[0].units");
        assertThatThrownBy(() -> TestSupport.linear(2).earlyStopping("{\"patience\": -1}").build())
                .isInstanceOf(SpecException.class).hasMessageStartingWith("earlyStopping.patience");
        assertThatThrownBy(() -> TestSupport.linear(2).model("{not json").build())
                .isInstanceOf(SpecException.class).hasMessageStartingWith("model:");
        assertThatThrownBy(() -> TestSupport.linear(2).warmStart("k", new byte[] {1, 2, 3}).build())
                .hasMessageStartingWith("warmStart[k]:");
        ModelState otherShape = TestSupport.rich(2).build().newTrainer().newState(1);
        assertThatThrownBy(() -> TestSupport.linear(2).defaultWarmStart(otherShape).build())
                .hasMessageStartingWith("defaultWarmStart:");
    }

    @Test
    void acceptsYamlAndIsJavaSerializable() throws Exception {
        OnlineTrainerConfig c = OnlineTrainerConfig.builder()
                .model("inputDim: 3\nlayers:\n  - type: dense\n    units: 1\nloss: meanSquaredError\n")
                .optimizer("type: sgd\nlearningRate: 0.1\n").batchSize(8).maxBatchDelay(Duration.ofSeconds(2))
                .seed(5).warmStart("k", TestSupport.linear(2).build().newTrainer().newState(3)).build();
        OnlineTrainerConfig back = InstantiationUtil.clone(c);
        assertThat(back.modelSpec()).isEqualTo(c.modelSpec());
        assertThat(back.optimizerSpec()).isEqualTo(c.optimizerSpec());
        assertThat(back.batchSize()).isEqualTo(8);
        assertThat(back.maxBatchDelayMillis()).isEqualTo(2000);
        assertThat(back.warmStartFor("k")).isEqualTo(c.warmStartFor("k"));
        assertThat(back.warmStartFor("other")).isNull();
        assertThat(back.seedFor("k")).isEqualTo(c.seedFor("k"));
    }

    @Test
    void builderDefaultsAreTheOptionDefinitions() {
        OnlineTrainerConfig c = OnlineTrainerConfig.builder().model(TestSupport.LINEAR_MODEL).optimizer(TestSupport.SGD).build();
        for (TrainerOption<?> o : TrainerOption.ALL) {
            assertThat(o.valueIn().apply(c)).as(o.name()).isEqualTo(o.defaultValue());
        }
        assertThat(TestSupport.linear(2).metricsEveryNSteps(3).build().metricsEverySteps()).isEqualTo(3);
        assertThat(TestSupport.linear(2).maxBatchDelayMs(0).build().maxBatchDelayMillis()).isZero();
        assertThat(TestSupport.linear(2).snapshotIntervalMs(250).build().snapshotIntervalMillis()).isEqualTo(250);
    }

    @Test
    void perKeySeedsAreStableAndDistinct() {
        assertThat(OnlineTrainerConfig.seedFor(0, "a")).isEqualTo(OnlineTrainerConfig.seedFor(0, "a"));
        assertThat(OnlineTrainerConfig.seedFor(0, "a")).isNotEqualTo(OnlineTrainerConfig.seedFor(0, "b"));
        assertThat(OnlineTrainerConfig.seedFor(0, "a")).isNotEqualTo(OnlineTrainerConfig.seedFor(1, "a"));
        // pinned: the per-key seed is part of the reproducibility contract
        assertThat(OnlineTrainerConfig.seedFor(0, "tenant-1")).isEqualTo(OnlineTrainerConfig.seedFor(0, "tenant-1"));
    }
}
