package io.streamgrad.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.jobs.input.ParseResult;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.training.FeatureRows;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reference the end-to-end tests compare the job with: the same examples trained by the bare
 * engine (no Flink, no Kafka), each key's rows in input order, in mini-batches of the job's
 * {@code training.batchSize}, the trailing partial batch too when the input ended (what the job
 * does with {@code maxBatchDelayMs: 0}). Published models must equal it bit for bit.
 */
final class EngineReplay {
    private EngineReplay() {}

    /** One key trained by the engine: the states and step results, step by step. */
    static final class KeyReplay {
        final List<StepResult> steps = new ArrayList<>();
        /** The state before each step (index = step). */
        final List<ModelState> before = new ArrayList<>();
        ModelState state;

        /** The result of the step that produced {@code version} (applied steps only). */
        StepResult applied(long version) {
            return steps.stream().filter(s -> s.applied() && s.version() == version).findFirst().orElseThrow();
        }
    }

    /** The samples, trained per key; the trailing partial batch too when {@code trainTail}. */
    static Map<String, KeyReplay> samples(JobConfig cfg, List<Sample> samples, boolean trainTail) {
        List<Example> rows = new ArrayList<>();
        for (Sample s : samples) {
            rows.add(new Example(s.key(), s.x(), new float[] {s.y()}, Example.NO_TIMESTAMP, null));
        }
        return examples(cfg, rows, trainTail);
    }

    /** Raw input records as a bounded job reads them: parsed by the job's own parser, bad ones dropped. */
    static Map<String, KeyReplay> records(JobConfig cfg, List<StreamGradFixture.In> input) {
        ExampleParser parser = new ExampleParser(cfg.input(), cfg.model());
        List<Example> rows = new ArrayList<>();
        for (StreamGradFixture.In r : input) {
            ParseResult p = parser.parse(r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value(), 0L);
            if (p.isOk()) {
                rows.add(p.example);
            }
        }
        return examples(cfg, rows, true);
    }

    static Map<String, KeyReplay> examples(JobConfig cfg, List<Example> examples, boolean trainTail) {
        return examples(OnlineTrainingJob.trainerConfig(cfg, Map.of()), examples, trainTail);
    }

    /** The examples trained per key with one model's trainer configuration (its own batch size). */
    static Map<String, KeyReplay> examples(OnlineTrainerConfig tc, List<Example> examples, boolean trainTail) {
        Trainer trainer = tc.newTrainer();
        int in = trainer.network().inputDim();
        int out = trainer.network().outputDim();
        int batchSize = tc.batchSize();
        ModelSpec spec = tc.modelSpec();
        FeatureRows raw = spec.hasFeatures() ? new FeatureRows(spec.features()) : null;
        Map<String, List<Example>> byKey = new LinkedHashMap<>();
        examples.forEach(e -> byKey.computeIfAbsent(e.modelKey, k -> new ArrayList<>()).add(e));
        Map<String, KeyReplay> result = new TreeMap<>();
        byKey.forEach((key, rows) -> {
            KeyReplay kr = new KeyReplay();
            kr.state = tc.initialState(trainer, key);
            MiniBatch batch = raw != null ? MiniBatch.forModel(spec, batchSize) : new MiniBatch(in, out, batchSize);
            for (int i = 0; i < rows.size(); i++) {
                if (raw != null) { // named raw features: the trainer's front-end encodes them
                    raw.fill(batch.raw(), batch.addRow(rows.get(i).target), rows.get(i).featureValues);
                } else {
                    batch.add(rows.get(i).features, rows.get(i).target);
                }
                boolean last = i == rows.size() - 1;
                if (batch.size() == batchSize || (last && trainTail)) {
                    kr.before.add(kr.state.copy());
                    kr.steps.add(trainer.step(kr.state, batch));
                    batch.clear();
                }
            }
            result.put(key, kr);
        });
        return result;
    }

    /** Bit-for-bit comparison of the newest snapshot of every key with the engine's final state. */
    static void assertLatestSnapshotsEqual(Map<String, ModelSnapshot> latest, Map<String, KeyReplay> engine) {
        assertThat(latest.keySet()).isEqualTo(engine.keySet());
        engine.forEach((key, replay) -> {
            ModelState expected = replay.state;
            ModelSnapshot s = latest.get(key);
            assertThat(s.version()).as("version of %s", key).isEqualTo(expected.version());
            assertThat(s.examplesSeen()).as("examples of %s", key).isEqualTo(expected.examplesSeen());
            for (int v = 0; v < expected.weights().length; v++) {
                assertThat(s.state().weights()[v]).as("variable %d of %s", v, key).containsExactly(expected.weights()[v]);
            }
            assertThat(s.state().bitEquals(expected)).as("full state of %s (optimizer slots, counters)", key).isTrue();
        });
    }
}
