package io.streamgrad.model.schedule;

import io.streamgrad.model.spec.ScheduleSpec;

/**
 * SGDR:
 * <pre>
 * f = step / firstDecaySteps
 * tMul == 1:  i = floor(f);  f = f − i
 * else:       i = floor(log(1 − f(1 − tMul)) / log(tMul));  f = (f − (1 − tMul^i)/(1 − tMul)) / tMul^i
 * lr = initial·((1 − alpha)·0.5·mMul^i·(1 + cos(π·f)) + alpha)
 * </pre>
 */
final class CosineDecayRestarts implements LearningRateSchedule {
    private final ScheduleSpec.CosineDecayRestarts spec;

    CosineDecayRestarts(ScheduleSpec.CosineDecayRestarts spec) {
        this.spec = spec;
    }

    @Override
    public double rate(long step) {
        double f = step / spec.firstDecaySteps();
        double tMul = spec.tMul();
        double i;
        if (tMul == 1.0) {
            i = Math.floor(f);
            f = f - i;
        } else {
            i = Math.floor(Math.log(1 - f * (1 - tMul)) / Math.log(tMul));
            double sumR = (1 - Math.pow(tMul, i)) / (1 - tMul);
            f = (f - sumR) / Math.pow(tMul, i);
        }
        double alpha = spec.alpha();
        double cosine = 0.5 * Math.pow(spec.mMul(), i) * (1 + Math.cos(Math.PI * f));
        return spec.initialLearningRate() * ((1 - alpha) * cosine + alpha);
    }
}
