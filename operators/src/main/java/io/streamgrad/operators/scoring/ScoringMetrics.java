package io.streamgrad.operators.scoring;

import java.util.function.IntSupplier;
import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;

/** The scoring operator's Flink metrics, in the {@code streamgrad} group. */
@Internal
public final class ScoringMetrics {
    private final Counter predictions = new SimpleCounter();
    private final Counter eventsHeld = new SimpleCounter();
    private final Counter heldEventsScored = new SimpleCounter();
    private final Counter eventsWithoutModel = new SimpleCounter();
    private final Counter deadLetters = new SimpleCounter();
    private final Counter modelsLoaded = new SimpleCounter();
    private final Counter snapshotsRejected = new SimpleCounter();
    private final Counter snapshotsOutdated = new SimpleCounter();
    private volatile long lastStalenessMillis;

    public ScoringMetrics(MetricGroup operatorGroup, IntSupplier cachedModels) {
        MetricGroup g = operatorGroup.addGroup("streamgrad");
        g.counter("predictions", predictions);
        g.counter("eventsHeld", eventsHeld);
        g.counter("heldEventsScored", heldEventsScored);
        g.counter("eventsWithoutModel", eventsWithoutModel);
        g.counter("deadLetters", deadLetters);
        g.counter("modelsLoaded", modelsLoaded);
        g.counter("snapshotsRejected", snapshotsRejected);
        g.counter("snapshotsOutdated", snapshotsOutdated);
        g.gauge("cachedModels", (Gauge<Integer>) cachedModels::getAsInt);
        g.gauge("lastStalenessMillis", (Gauge<Long>) () -> lastStalenessMillis);
    }

    public void onPrediction(long stalenessMillis, boolean wasHeld) {
        predictions.inc();
        if (wasHeld) {
            heldEventsScored.inc();
        }
        lastStalenessMillis = stalenessMillis;
    }

    public void onHeld() {
        eventsHeld.inc();
    }

    /** An event dead-lettered because its key had no model (policy, bound or end of input). */
    public void onWithoutModel() {
        eventsWithoutModel.inc();
    }

    public void onDeadLetter() {
        deadLetters.inc();
    }

    public void onModelLoaded() {
        modelsLoaded.inc();
    }

    public void onRejected() {
        snapshotsRejected.inc();
    }

    /** A snapshot not newer than the serving model, ignored. */
    public void onOutdated() {
        snapshotsOutdated.inc();
    }

    public long predictions() {
        return predictions.getCount();
    }

    public long eventsHeld() {
        return eventsHeld.getCount();
    }

    public long heldEventsScored() {
        return heldEventsScored.getCount();
    }

    public long eventsWithoutModel() {
        return eventsWithoutModel.getCount();
    }

    public long deadLetters() {
        return deadLetters.getCount();
    }

    public long modelsLoaded() {
        return modelsLoaded.getCount();
    }

    public long snapshotsRejected() {
        return snapshotsRejected.getCount();
    }

    public long snapshotsOutdated() {
        return snapshotsOutdated.getCount();
    }
}
