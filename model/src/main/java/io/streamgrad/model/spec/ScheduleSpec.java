package io.streamgrad.model.spec;

import java.util.List;

/**
 * A learning rate: a constant or a Keras schedule
 * ({@code keras/src/optimizers/schedules/learning_rate_schedule.py}), evaluated at the
 * optimizer's iteration counter (0 for the first step).
 */
public sealed interface ScheduleSpec {

    /** Case-format type name; {@code constant} for a plain number. */
    String type();

    record Constant(double learningRate) implements ScheduleSpec {
        public Constant {
            Check.nonNegative("learningRate", learningRate);
        }

        @Override
        public String type() {
            return "constant";
        }
    }

    record PiecewiseConstantDecay(List<Long> boundaries, List<Double> values) implements ScheduleSpec {
        public PiecewiseConstantDecay {
            Check.notNull("boundaries", boundaries);
            Check.notNull("values", values);
            boundaries = List.copyOf(boundaries);
            values = List.copyOf(values);
            if (values.size() != boundaries.size() + 1) {
                throw new SpecException("values", "must have exactly one more element than boundaries ("
                        + (boundaries.size() + 1) + "), got " + values.size());
            }
            for (int i = 1; i < boundaries.size(); i++) {
                if (boundaries.get(i) <= boundaries.get(i - 1)) {
                    throw new SpecException("boundaries[" + i + "]", "must be strictly increasing");
                }
            }
            for (int i = 0; i < values.size(); i++) {
                Check.nonNegative("values[" + i + "]", values.get(i));
            }
        }

        @Override
        public String type() {
            return "piecewiseConstantDecay";
        }
    }

    record ExponentialDecay(double initialLearningRate, double decaySteps, double decayRate, boolean staircase)
            implements ScheduleSpec {
        public ExponentialDecay {
            Check.nonNegative("initialLearningRate", initialLearningRate);
            Check.positive("decaySteps", decaySteps);
            Check.positive("decayRate", decayRate);
        }

        @Override
        public String type() {
            return "exponentialDecay";
        }
    }

    record InverseTimeDecay(double initialLearningRate, double decaySteps, double decayRate, boolean staircase)
            implements ScheduleSpec {
        public InverseTimeDecay {
            Check.nonNegative("initialLearningRate", initialLearningRate);
            Check.positive("decaySteps", decaySteps);
            Check.nonNegative("decayRate", decayRate);
        }

        @Override
        public String type() {
            return "inverseTimeDecay";
        }
    }

    record PolynomialDecay(double initialLearningRate, double decaySteps, double endLearningRate, double power,
                           boolean cycle) implements ScheduleSpec {
        public PolynomialDecay {
            Check.nonNegative("initialLearningRate", initialLearningRate);
            Check.positive("decaySteps", decaySteps);
            Check.nonNegative("endLearningRate", endLearningRate);
            Check.nonNegative("power", power);
        }

        @Override
        public String type() {
            return "polynomialDecay";
        }
    }

    /** {@code warmupTarget == null} means no warmup. */
    record CosineDecay(double initialLearningRate, double decaySteps, double alpha, Double warmupTarget,
                       double warmupSteps) implements ScheduleSpec {
        public CosineDecay {
            Check.nonNegative("initialLearningRate", initialLearningRate);
            Check.positive("decaySteps", decaySteps);
            Check.unitClosed("alpha", alpha);
            Check.optionalNonNegative("warmupTarget", warmupTarget);
            Check.nonNegative("warmupSteps", warmupSteps);
            if (warmupTarget != null && warmupSteps <= 0) {
                throw new SpecException("warmupSteps", "must be > 0 when warmupTarget is set");
            }
        }

        @Override
        public String type() {
            return "cosineDecay";
        }
    }

    record CosineDecayRestarts(double initialLearningRate, double firstDecaySteps, double tMul, double mMul,
                               double alpha) implements ScheduleSpec {
        public CosineDecayRestarts {
            Check.nonNegative("initialLearningRate", initialLearningRate);
            Check.positive("firstDecaySteps", firstDecaySteps);
            Check.positive("tMul", tMul);
            Check.nonNegative("mMul", mMul);
            Check.unitClosed("alpha", alpha);
        }

        @Override
        public String type() {
            return "cosineDecayRestarts";
        }
    }
}
