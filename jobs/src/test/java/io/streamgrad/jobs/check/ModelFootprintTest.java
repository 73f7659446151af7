package io.streamgrad.jobs.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.jobs.config.ConfigException;
import io.streamgrad.jobs.config.JobConfig;
import org.junit.jupiter.api.Test;

/** One model's state against the heap and a snapshot against max.request.size, without a broker. */
class ModelFootprintTest {
    private static final String WIDE = "model.layers=[{type: dense, units: 20000}, {type: dense, units: 20000}, "
            + "{type: dense, units: 1}]";

    private static JobConfig cfg(String... overrides) {
        return StartChecksTest.cfg("localhost:9", overrides);
    }

    @Test
    void stateCountsWeightsAndOneSlotPerTrainableWeightAndOptimizerSlot() {
        // 3 -> 1 dense: 3 kernel + 1 bias; Adam keeps two slots per weight
        assertThat(ModelFootprint.stateFloats(cfg())).isEqualTo(4 + 2 * 4);
        assertThat(ModelFootprint.stateFloats(cfg("optimizer={type: sgd, learningRate: 0.1}"))).isEqualTo(4);
    }

    @Test
    void aModelNeedingMoreThanAQuarterOfTheHeapFailsNamingModelAndTheHeap() {
        // ~400M weights with Adam: ~4.8 GB of state
        assertThatThrownBy(() -> ModelFootprint.checkHeap(cfg(WIDE), 8L << 30)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("model: one model's state")
                .hasMessageContaining("JVM's maximum heap of 8192.0 MiB");
        ModelFootprint.checkHeap(cfg(), 64L << 20);
    }

    @Test
    void aSnapshotOverMaxRequestSizeFailsWithoutBuildingOne() {
        // building the initial state and its JSON for this model would itself need gigabytes
        assertThatThrownBy(() -> ModelFootprint.checkRecordSizes(cfg(WIDE))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kafka.properties.max.request.size: is 1048576 bytes");
        ModelFootprint.checkRecordSizes(cfg());
    }
}
