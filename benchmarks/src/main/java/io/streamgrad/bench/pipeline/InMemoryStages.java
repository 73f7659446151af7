package io.streamgrad.bench.pipeline;

import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.jobs.input.ParseResult;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.OnlineTrainerConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stages that run without Flink, single-threaded: parsing the record ring and bare training
 * steps. Each is the best of three 2-second passes after a 2-second warm-up pass.
 */
final class InMemoryStages {
    private static final int PASSES = 4;
    private static final long PASS_NANOS = 2_000_000_000L;

    private InMemoryStages() {}

    /** Examples per second of {@code parser} over the ring; fills {@code parsed} with its results. */
    static double parse(ExampleParser parser, SyntheticRecords.Ring ring, Example[] parsed) {
        int size = ring.size();
        double best = 0;
        for (int rep = 0; rep < PASSES; rep++) {
            long n = 0;
            long t0 = System.nanoTime();
            long stop = t0 + PASS_NANOS;
            do {
                for (int i = 0; i < size; i++) {
                    ParseResult r = parser.parse(ring.keys()[i], ring.values()[i], 0L);
                    if (r.example == null) {
                        throw new IllegalStateException("record " + i + " did not parse: " + r.deadLetter);
                    }
                    parsed[i] = r.example;
                }
                n += size;
            } while (System.nanoTime() < stop);
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            if (rep > 0) {
                best = Math.max(best, rate);
            }
        }
        return best;
    }

    /** Examples per second of bare {@link Trainer#step} on the examples grouped into full batches per key. */
    static double engine(OnlineTrainerConfig config, Example[] parsed, int batch) {
        Trainer t = config.newTrainer();
        Map<String, ModelState> states = new HashMap<>();
        Map<String, MiniBatch> filling = new HashMap<>();
        List<MiniBatch> batches = new ArrayList<>();
        List<ModelState> owners = new ArrayList<>();
        for (Example e : parsed) {
            ModelState s = states.computeIfAbsent(e.modelKey, k -> config.initialState(t, k));
            MiniBatch b = filling.computeIfAbsent(e.modelKey,
                    k -> new MiniBatch(t.network().inputDim(), t.network().outputDim(), batch));
            b.add(e.features, e.target);
            if (b.size() == batch) {
                batches.add(b);
                owners.add(s);
                filling.remove(e.modelKey);
            }
        }
        if (batches.isEmpty()) {
            throw new IllegalStateException("--ring holds less than one batch");
        }
        StepResult res = new StepResult();
        double best = 0;
        for (int rep = 0; rep < PASSES; rep++) {
            long steps = 0;
            long t0 = System.nanoTime();
            long stop = t0 + PASS_NANOS;
            do {
                for (int i = 0; i < batches.size(); i++) {
                    t.step(owners.get(i), batches.get(i), res);
                }
                steps += batches.size();
            } while (System.nanoTime() < stop);
            double rate = steps * (double) batch / ((System.nanoTime() - t0) / 1e9);
            if (rep > 0) {
                best = Math.max(best, rate);
            }
        }
        return best;
    }
}
