package io.streamgrad.model.schedule;

import io.streamgrad.model.spec.ScheduleSpec;

/**
 * <pre>
 * decay(s, from) = from·((1 − alpha)·0.5·(1 + cos(π·s/decaySteps)) + alpha)
 * no warmup:  lr = decay(min(step, decaySteps), initial)
 * warmup:     s = min(step, decaySteps + warmupSteps)
 *             s &lt; warmupSteps ? (target − initial)·s/warmupSteps + initial : decay(s − warmupSteps, target)
 * </pre>
 */
final class CosineDecay implements LearningRateSchedule {
    private final ScheduleSpec.CosineDecay spec;

    CosineDecay(ScheduleSpec.CosineDecay spec) {
        this.spec = spec;
    }

    @Override
    public double rate(long step) {
        if (spec.warmupTarget() == null) {
            return decay(Math.min(step, spec.decaySteps()), spec.initialLearningRate());
        }
        double target = spec.warmupTarget();
        double warmup = spec.warmupSteps();
        double s = Math.min(step, spec.decaySteps() + warmup);
        if (s < warmup) {
            return (target - spec.initialLearningRate()) * s / warmup + spec.initialLearningRate();
        }
        return decay(s - warmup, target);
    }

    private double decay(double s, double from) {
        double alpha = spec.alpha();
        return from * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * s / spec.decaySteps())) + alpha);
    }
}
