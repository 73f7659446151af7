package io.streamgrad.model.schedule;

import io.streamgrad.model.spec.ScheduleSpec;

/**
 * {@code values[0]} while {@code step <= boundaries[0]}, {@code values[i]} while
 * {@code boundaries[i-1] < step <= boundaries[i]}, the last value after: a boundary step still
 * uses the value before it.
 */
final class PiecewiseConstantDecay implements LearningRateSchedule {
    private final long[] boundaries;
    private final double[] values;

    PiecewiseConstantDecay(ScheduleSpec.PiecewiseConstantDecay spec) {
        boundaries = spec.boundaries().stream().mapToLong(Long::longValue).toArray();
        values = spec.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Override
    public double rate(long step) {
        for (int i = 0; i < boundaries.length; i++) {
            if (step <= boundaries[i]) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }
}
