package io.streamgrad.model.schedule;

import io.streamgrad.model.spec.ScheduleSpec;

/**
 * <pre>
 * cycle:  D = decaySteps·(step == 0 ? 1 : ceil(step / decaySteps)),  s = step
 * else:   D = decaySteps,  s = min(step, decaySteps)
 * lr = (initial − end)·(1 − s/D)^power + end
 * </pre>
 */
final class PolynomialDecay implements LearningRateSchedule {
    private final ScheduleSpec.PolynomialDecay spec;

    PolynomialDecay(ScheduleSpec.PolynomialDecay spec) {
        this.spec = spec;
    }

    @Override
    public double rate(long step) {
        double decaySteps = spec.decaySteps();
        double d;
        double s;
        if (spec.cycle()) {
            d = decaySteps * (step == 0 ? 1 : Math.ceil(step / decaySteps));
            s = step;
        } else {
            d = decaySteps;
            s = Math.min(step, decaySteps);
        }
        return (spec.initialLearningRate() - spec.endLearningRate()) * Math.pow(1 - s / d, spec.power())
                + spec.endLearningRate();
    }
}
