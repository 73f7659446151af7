package io.streamgrad.model.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.model.kernel.KernelProvider;
import org.junit.jupiter.api.Test;

/** A smoke run of the engine harness (a few milliseconds; no timing is asserted). */
class EngineThroughputTest {

    @Test
    void oneShortRunPrintsOneJsonLineWithTheKernelPath() throws Exception {
        Workload w = Workload.named("w1");
        String line = new EngineThroughput(w.name(), w.model(32), Workload.adam(), 32).run(2, 0.02, 0.0);

        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(line).doesNotContain("\n");
        assertThat(json.path("workload").asText()).isEqualTo("W1");
        assertThat(json.path("batch").asInt()).isEqualTo(32);
        assertThat(json.path("threads").asInt()).isEqualTo(2);
        assertThat(json.path("steps").asLong()).isPositive();
        assertThat(json.path("kernels").asText()).isEqualTo(KernelProvider.get().name());
        assertThat(json.path("denseWeights").asLong()).isEqualTo(32 * 64 + 64 * 64 + 64);
    }

    @Test
    void workloadsKeepTheirShapesAndDefaults() {
        assertThat(Workload.W1.defaultBatch()).isEqualTo(1);
        assertThat(Workload.W2.defaultBatch()).isEqualTo(64);
        assertThat(Workload.W3.defaultBatch()).isEqualTo(128);
        assertThat(Workload.W1.model(1).layers()).hasSize(3);
        assertThat(Workload.W1.model(32).layers()).hasSize(5); // batch normalization once batches have rows
        assertThat(Workload.denseWeights(Workload.W3.model(128))).isEqualTo(784L * 512 + 512L * 512 + 512L * 10);
        assertThatThrownBy(() -> Workload.named("W4")).hasMessageContaining("unknown workload W4");
    }
}
