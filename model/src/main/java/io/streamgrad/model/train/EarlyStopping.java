package io.streamgrad.model.train;

import io.streamgrad.model.spec.EarlyStoppingSpec;
import io.streamgrad.model.state.EarlyStoppingState;
import io.streamgrad.model.state.ModelState;

/**
 * Keras {@code EarlyStopping.on_epoch_end} ({@code keras/src/callbacks/early_stopping.py}) where
 * an epoch is {@code stepsPerEpoch} applied steps and the monitored value is their mean.
 * Keras restores the best weights at the end of training; on a stream that end is the stop.
 */
final class EarlyStopping {
    private final EarlyStoppingSpec spec;
    private final double minDelta;

    EarlyStopping(EarlyStoppingSpec spec) {
        this.spec = spec;
        // Keras: min_delta = abs(min_delta), negated when lower is better.
        this.minDelta = spec.maximizes() ? Math.abs(spec.minDelta()) : -Math.abs(spec.minDelta());
    }

    double monitored(StepResult r) {
        return switch (spec.monitor()) {
            case EarlyStoppingSpec.MONITOR_DATA_LOSS -> r.dataLoss;
            case EarlyStoppingSpec.MONITOR_ACCURACY -> r.accuracy;
            default -> r.loss;
        };
    }

    /** Records an applied step; returns true when it made the model stop. */
    boolean afterStep(ModelState state, StepResult r) {
        EarlyStoppingState es = state.earlyStopping();
        double epochValue = es.addStep(monitored(r), spec.stepsPerEpoch());
        if (Double.isNaN(epochValue)) {
            return false;
        }
        long epoch = es.epoch();
        es.setEpoch(epoch + 1);
        return onEpochEnd(state, es, epoch, epochValue);
    }

    private boolean onEpochEnd(ModelState state, EarlyStoppingState es, long epoch, double current) {
        if (epoch < spec.startFromEpoch()) {
            return false;
        }
        if (spec.restoreBestWeights() && es.bestWeights() == null) {
            keepBestWeights(state, es);
            es.setBest(es.best(), epoch);
        }
        es.setWait(es.waitEpochs() + 1);
        if (isImprovement(current, es.best())) {
            es.setBest(current, epoch);
            if (spec.restoreBestWeights()) {
                keepBestWeights(state, es);
            }
            if (spec.baseline() == null || isImprovement(current, spec.baseline())) {
                es.setWait(0);
            }
            return false;
        }
        if (es.waitEpochs() >= spec.patience() && epoch > 0) {
            es.markStopped(epoch);
            if (spec.restoreBestWeights() && es.bestWeights() != null) {
                float[][] w = state.weights();
                float[][] best = es.bestWeights();
                for (int v = 0; v < w.length; v++) {
                    System.arraycopy(best[v], 0, w[v], 0, w[v].length);
                }
            }
            return true;
        }
        return false;
    }

    /** NaN reference = Keras' initial ±inf: everything improves on it. */
    private boolean isImprovement(double value, double reference) {
        if (Double.isNaN(reference)) {
            return true;
        }
        return spec.maximizes() ? value - minDelta > reference : value - minDelta < reference;
    }

    /** Copies the current weights into the best-weights buffer, allocating it only once. */
    private static void keepBestWeights(ModelState state, EarlyStoppingState es) {
        float[][] w = state.weights();
        float[][] best = es.bestWeights();
        if (best == null) {
            best = new float[w.length][];
            for (int i = 0; i < w.length; i++) {
                best[i] = new float[w[i].length];
            }
            es.setBestWeights(best);
        }
        for (int i = 0; i < w.length; i++) {
            System.arraycopy(w[i], 0, best[i], 0, w[i].length);
        }
    }
}
