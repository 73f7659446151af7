package io.streamgrad.model.schedule;

import io.streamgrad.model.spec.ScheduleSpec;

/**
 * A learning rate as a function of the optimizer's iteration counter
 * ({@code keras/src/optimizers/schedules/learning_rate_schedule.py}); step 0 is the first update.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    double rate(long step);

    static LearningRateSchedule of(ScheduleSpec spec) {
        if (spec instanceof ScheduleSpec.Constant c) {
            double lr = c.learningRate();
            return step -> lr;
        } else if (spec instanceof ScheduleSpec.PiecewiseConstantDecay p) {
            return new PiecewiseConstantDecay(p);
        } else if (spec instanceof ScheduleSpec.ExponentialDecay e) {
            return step -> {
                double p = step / e.decaySteps();
                return e.initialLearningRate() * Math.pow(e.decayRate(), e.staircase() ? Math.floor(p) : p);
            };
        } else if (spec instanceof ScheduleSpec.InverseTimeDecay e) {
            return step -> {
                double p = step / e.decaySteps();
                return e.initialLearningRate() / (1 + e.decayRate() * (e.staircase() ? Math.floor(p) : p));
            };
        } else if (spec instanceof ScheduleSpec.PolynomialDecay p) {
            return new PolynomialDecay(p);
        } else if (spec instanceof ScheduleSpec.CosineDecay c) {
            return new CosineDecay(c);
        } else if (spec instanceof ScheduleSpec.CosineDecayRestarts c) {
            return new CosineDecayRestarts(c);
        }
        throw new IllegalArgumentException("unhandled schedule " + spec);
    }
}
