package io.streamgrad.model.state;

/**
 * Progress of Keras-style early stopping for one model: the running epoch, the best monitored
 * value so far and, with {@code restoreBestWeights}, a copy of the weights at that epoch.
 */
public final class EarlyStoppingState {
    long epoch;
    int stepsInEpoch;
    double epochSum;
    int wait;
    /** Best monitored value; NaN until the first epoch that counts (Keras starts at ±inf). */
    double best = Double.NaN;
    long bestEpoch;
    boolean stopped;
    long stoppedEpoch = -1;
    /** All weights (get_weights order) at the best epoch, or null. */
    float[][] bestWeights;

    public long epoch() {
        return epoch;
    }

    public int stepsInEpoch() {
        return stepsInEpoch;
    }

    public double epochSum() {
        return epochSum;
    }

    public int waitEpochs() {
        return wait;
    }

    public double best() {
        return best;
    }

    public long bestEpoch() {
        return bestEpoch;
    }

    public boolean stopped() {
        return stopped;
    }

    public long stoppedEpoch() {
        return stoppedEpoch;
    }

    public float[][] bestWeights() {
        return bestWeights;
    }

    EarlyStoppingState copy() {
        EarlyStoppingState c = new EarlyStoppingState();
        c.epoch = epoch;
        c.stepsInEpoch = stepsInEpoch;
        c.epochSum = epochSum;
        c.wait = wait;
        c.best = best;
        c.bestEpoch = bestEpoch;
        c.stopped = stopped;
        c.stoppedEpoch = stoppedEpoch;
        c.bestWeights = ModelState.deepCopy(bestWeights);
        return c;
    }

    /** Adds one step's monitored value; returns the epoch mean when the epoch is complete, else NaN. */
    public double addStep(double monitored, int stepsPerEpoch) {
        stepsInEpoch++;
        epochSum += monitored;
        if (stepsInEpoch < stepsPerEpoch) {
            return Double.NaN;
        }
        double mean = epochSum / stepsInEpoch;
        stepsInEpoch = 0;
        epochSum = 0;
        return mean;
    }

    public void setEpoch(long epoch) {
        this.epoch = epoch;
    }

    public void setWait(int wait) {
        this.wait = wait;
    }

    public void setBest(double best, long bestEpoch) {
        this.best = best;
        this.bestEpoch = bestEpoch;
    }

    public void setBestWeights(float[][] weights) {
        this.bestWeights = weights;
    }

    public void markStopped(long epoch) {
        this.stopped = true;
        this.stoppedEpoch = epoch;
    }

    /** Restores every field at once (decoding). */
    public void restore(long epoch, int stepsInEpoch, double epochSum, int wait, double best, long bestEpoch,
                        boolean stopped, long stoppedEpoch, float[][] bestWeights) {
        this.epoch = epoch;
        this.stepsInEpoch = stepsInEpoch;
        this.epochSum = epochSum;
        this.wait = wait;
        this.best = best;
        this.bestEpoch = bestEpoch;
        this.stopped = stopped;
        this.stoppedEpoch = stoppedEpoch;
        this.bestWeights = bestWeights;
    }

    boolean bitEquals(EarlyStoppingState o) {
        return epoch == o.epoch && stepsInEpoch == o.stepsInEpoch
                && Double.doubleToRawLongBits(epochSum) == Double.doubleToRawLongBits(o.epochSum)
                && wait == o.wait && Double.doubleToRawLongBits(best) == Double.doubleToRawLongBits(o.best)
                && bestEpoch == o.bestEpoch && stopped == o.stopped && stoppedEpoch == o.stoppedEpoch
                && ModelState.bitEquals(bestWeights, o.bestWeights);
    }
}
