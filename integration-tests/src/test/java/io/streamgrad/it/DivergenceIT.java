package io.streamgrad.it;

import static io.streamgrad.it.JobYaml.dense;
import static io.streamgrad.it.StreamGradFixture.flinkConf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.it.EngineReplay.KeyReplay;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.StepResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A learning rate that makes the loss explode: the non-finite guard skips every update from the
 * first non-finite step on, so the published model keeps the last finite weights; the metrics
 * report the skipped updates; the job goes on and consumes all of its input.
 */
class DivergenceIT {
    static final List<String> KEYS = List.of("d0", "d1");
    static final int PER_KEY = 300;
    static final int BATCH = 10;

    static StreamGradFixture kafka;

    @BeforeAll
    static void startKafka() {
        kafka = StreamGradFixture.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void explodingLossKeepsTheLastFiniteWeightsAndTheJobGoesOn() throws Exception {
        long t0 = System.nanoTime();
        kafka.createTopic("div-in", 1, false);
        kafka.createOutputs("div");
        List<Sample> rows = Sample.generate(5, KEYS, PER_KEY, 4);
        kafka.produceSamples("div-in", 1, rows);
        JobConfig cfg = kafka.job("divergence", 1).bounded().topics("div").jsonInput("model")
                .model(4, "meanSquaredError", dense(8, "tanh"), dense(1)).optimizer("{type: sgd, learningRate: 3.0}")
                .batches(BATCH).set("training.seed", 3).snapshotEvery(0).checkpointEvery(300).parse();
        StreamGradFixture.startJob(cfg, flinkConf("hashmap", 0), UnaryOperator.identity())
                .getJobExecutionResult().get(60, TimeUnit.SECONDS);
        Outputs out = kafka.readAll(Duration.ofSeconds(30), "div-metrics", "div-snapshots", "div-dead");

        Map<String, KeyReplay> ref = EngineReplay.samples(cfg, rows, true);
        assertThat(out.json("div-dead")).isEmpty();
        for (String key : KEYS) {
            KeyReplay r = ref.get(key);
            int firstSkip = indexOfFirstSkip(r.steps);
            assertThat(firstSkip).as("the learning rate makes %s diverge", key).isBetween(2, PER_KEY / BATCH - 5);
            long skipped = PER_KEY / BATCH - firstSkip;

            // metrics: one per batch, all input consumed, every step from the first non-finite one skipped
            List<JsonNode> metrics = out.json("div-metrics").stream()
                    .filter(m -> m.get("modelKey").asText().equals(key)).toList();
            assertThat(metrics).extracting(m -> m.get("examplesSeen").asLong())
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, PER_KEY / BATCH).map(i -> i * BATCH).boxed().toList());
            for (int i = 0; i < metrics.size(); i++) {
                JsonNode m = metrics.get(i);
                boolean skip = i >= firstSkip;
                assertThat(m.get("outcome").asText()).as("outcome of %s step %d", key, i)
                        .isEqualTo(skip ? "SKIPPED_NON_FINITE" : "APPLIED");
                assertThat(m.get("skippedSteps").asInt()).isEqualTo(skip ? 1 : 0);
                assertThat(m.get("skippedUpdates").asLong()).isEqualTo(skip ? i - firstSkip + 1 : 0);
                assertThat(m.get("version").asLong()).isEqualTo(Math.min(i + 1, firstSkip));
                if (!skip) {
                    assertThat(m.get("loss").asDouble()).isEqualTo(r.steps.get(i).loss());
                } else {
                    assertThat(m.get("learningRate").isNull()).isTrue();
                }
            }

            // the published model: the weights before the first skipped step, finite, with the counters of all input
            List<ModelSnapshot> snaps = out.snapshots("div-snapshots").stream()
                    .filter(s -> s.modelKey().equals(key)).toList();
            assertThat(snaps).hasSize(1);
            ModelState published = snaps.get(0).state();
            ModelState lastFinite = r.before.get(firstSkip);
            for (float[] w : published.weights()) {
                for (float x : w) {
                    assertThat(Float.isFinite(x)).isTrue();
                }
            }
            for (int v = 0; v < published.weights().length; v++) {
                assertThat(published.weights()[v]).containsExactly(lastFinite.weights()[v]);
            }
            assertThat(published.version()).isEqualTo(firstSkip);
            assertThat(published.skippedUpdates()).isEqualTo(skipped);
            assertThat(published.examplesSeen()).isEqualTo(PER_KEY);
            assertThat(published.bitEquals(r.state)).as("published %s vs engine %s", published, r.state).isTrue();
            System.out.printf("[DivergenceIT] %s: %d batches, first non-finite step %d (loss before: %s), %d updates"
                    + " skipped%n", key, PER_KEY / BATCH, firstSkip, r.steps.get(firstSkip - 1).loss(), skipped);
        }
        System.out.printf("[DivergenceIT] %d rows, %d keys, %.1f s%n", rows.size(), KEYS.size(), (System.nanoTime() - t0) / 1e9);
    }

    private static int indexOfFirstSkip(List<StepResult> steps) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).outcome() == StepResult.Outcome.SKIPPED_NON_FINITE) {
                return i;
            }
        }
        return -1;
    }
}
