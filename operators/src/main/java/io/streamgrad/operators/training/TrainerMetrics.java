package io.streamgrad.operators.training;

import io.streamgrad.model.train.StepResult;
import java.util.function.IntSupplier;
import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;

/** The operator's Flink metrics, in the {@code streamgrad} group. */
@Internal
public final class TrainerMetrics {
    private final Counter steps;
    private final Counter examples;
    private final Counter skippedUpdates;
    private final Counter deadLetters;
    private final Counter snapshots;
    private final Counter optimizerResets;
    private final Counter predictions;
    private volatile double lastLoss = Double.NaN;
    private volatile double learningRate = Double.NaN;

    public TrainerMetrics(MetricGroup operatorGroup, IntSupplier cachedModels) {
        MetricGroup g = operatorGroup.addGroup("streamgrad");
        steps = g.counter("steps", new SimpleCounter());
        examples = g.counter("examples", new SimpleCounter());
        skippedUpdates = g.counter("skippedUpdates", new SimpleCounter());
        deadLetters = g.counter("deadLetters", new SimpleCounter());
        snapshots = g.counter("snapshots", new SimpleCounter());
        optimizerResets = g.counter("optimizerResets", new SimpleCounter());
        predictions = g.counter("predictions", new SimpleCounter());
        g.gauge("lastLoss", (Gauge<Double>) () -> lastLoss);
        g.gauge("learningRate", (Gauge<Double>) () -> learningRate);
        g.gauge("cachedModels", (Gauge<Integer>) cachedModels::getAsInt);
        String kernels = KernelNotice.kernels();
        g.gauge("kernels", (Gauge<String>) () -> kernels);
    }

    public void onStep(StepResult r) {
        steps.inc();
        examples.inc(r.batchSize());
        if (r.outcome() == StepResult.Outcome.SKIPPED_NON_FINITE) {
            skippedUpdates.inc();
        }
        lastLoss = r.loss();
        if (r.outcome() == StepResult.Outcome.APPLIED) {
            learningRate = r.learningRate();
        }
    }

    public void onDeadLetter() {
        deadLetters.inc();
    }

    public void onPrediction() {
        predictions.inc();
    }

    public long predictions() {
        return predictions.getCount();
    }

    public void onSnapshot() {
        snapshots.inc();
    }

    /** Counter of models restored under another optimizer (incremented by the model loader). */
    public Counter optimizerResets() {
        return optimizerResets;
    }

    public long steps() {
        return steps.getCount();
    }

    public long examples() {
        return examples.getCount();
    }

    public long skippedUpdates() {
        return skippedUpdates.getCount();
    }

    public long deadLetters() {
        return deadLetters.getCount();
    }

    public long snapshots() {
        return snapshots.getCount();
    }

    public double lastLoss() {
        return lastLoss;
    }

    public double learningRate() {
        return learningRate;
    }
}
