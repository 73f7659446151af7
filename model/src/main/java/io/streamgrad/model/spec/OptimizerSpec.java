package io.streamgrad.model.spec;

/**
 * An optimizer with every Keras constructor argument (camelCase), see {@code keras/src/optimizers/}.
 * Defaults are Keras' defaults ({@link SpecParser} fills them in for absent fields).
 */
public sealed interface OptimizerSpec {

    /** Case-format type name ({@code sgd}, {@code adam}, ...). */
    String type();

    ScheduleSpec learningRate();

    GradientOptions options();

    record Sgd(ScheduleSpec learningRate, double momentum, boolean nesterov, GradientOptions options)
            implements OptimizerSpec {
        public Sgd {
            Check.notNull("learningRate", learningRate);
            options = options == null ? GradientOptions.NONE : options;
            Check.unitClosed("momentum", momentum);
        }

        @Override
        public String type() {
            return "sgd";
        }
    }

    record Adagrad(ScheduleSpec learningRate, double initialAccumulatorValue, double epsilon, GradientOptions options)
            implements OptimizerSpec {
        public Adagrad {
            Check.notNull("learningRate", learningRate);
            options = options == null ? GradientOptions.NONE : options;
            Check.nonNegative("initialAccumulatorValue", initialAccumulatorValue);
            Check.nonNegative("epsilon", epsilon);
        }

        @Override
        public String type() {
            return "adagrad";
        }
    }

    record RmsProp(ScheduleSpec learningRate, double rho, double momentum, double epsilon, boolean centered,
                   GradientOptions options) implements OptimizerSpec {
        public RmsProp {
            Check.notNull("learningRate", learningRate);
            options = options == null ? GradientOptions.NONE : options;
            Check.unitClosed("rho", rho);
            Check.unitClosed("momentum", momentum);
            Check.nonNegative("epsilon", epsilon);
        }

        @Override
        public String type() {
            return "rmsprop";
        }
    }

    record Adam(ScheduleSpec learningRate, double beta1, double beta2, double epsilon, boolean amsgrad,
                GradientOptions options) implements OptimizerSpec {
        public Adam {
            Check.notNull("learningRate", learningRate);
            options = options == null ? GradientOptions.NONE : options;
            Check.unitOpen("beta1", beta1);
            Check.unitOpen("beta2", beta2);
            Check.nonNegative("epsilon", epsilon);
        }

        @Override
        public String type() {
            return "adam";
        }
    }

    record Adamax(ScheduleSpec learningRate, double beta1, double beta2, double epsilon, GradientOptions options)
            implements OptimizerSpec {
        public Adamax {
            Check.notNull("learningRate", learningRate);
            options = options == null ? GradientOptions.NONE : options;
            Check.unitOpen("beta1", beta1);
            Check.unitClosed("beta2", beta2);
            Check.nonNegative("epsilon", epsilon);
        }

        @Override
        public String type() {
            return "adamax";
        }
    }

    record Nadam(ScheduleSpec learningRate, double beta1, double beta2, double epsilon, GradientOptions options)
            implements OptimizerSpec {
        public Nadam {
            Check.notNull("learningRate", learningRate);
            options = options == null ? GradientOptions.NONE : options;
            Check.unitOpen("beta1", beta1);
            Check.unitOpen("beta2", beta2);
            Check.nonNegative("epsilon", epsilon);
        }

        @Override
        public String type() {
            return "nadam";
        }
    }

    record Adadelta(ScheduleSpec learningRate, double rho, double epsilon, GradientOptions options)
            implements OptimizerSpec {
        public Adadelta {
            Check.notNull("learningRate", learningRate);
            options = options == null ? GradientOptions.NONE : options;
            Check.unitClosed("rho", rho);
            Check.nonNegative("epsilon", epsilon);
        }

        @Override
        public String type() {
            return "adadelta";
        }
    }

    record Ftrl(ScheduleSpec learningRate, double learningRatePower, double initialAccumulatorValue,
                double l1RegularizationStrength, double l2RegularizationStrength,
                double l2ShrinkageRegularizationStrength, double beta, GradientOptions options)
            implements OptimizerSpec {
        public Ftrl {
            Check.notNull("learningRate", learningRate);
            options = options == null ? GradientOptions.NONE : options;
            Check.finite("learningRatePower", learningRatePower);
            if (learningRatePower > 0) {
                throw new SpecException("learningRatePower", "must be <= 0, got " + learningRatePower);
            }
            Check.nonNegative("initialAccumulatorValue", initialAccumulatorValue);
            Check.nonNegative("l1RegularizationStrength", l1RegularizationStrength);
            Check.nonNegative("l2RegularizationStrength", l2RegularizationStrength);
            Check.nonNegative("l2ShrinkageRegularizationStrength", l2ShrinkageRegularizationStrength);
            Check.nonNegative("beta", beta);
        }

        @Override
        public String type() {
            return "ftrl";
        }
    }

    /** Adam plus decoupled weight decay; Keras requires a weight decay (default 0.004). */
    record AdamW(ScheduleSpec learningRate, double beta1, double beta2, double epsilon, boolean amsgrad,
                 GradientOptions options) implements OptimizerSpec {
        public AdamW {
            Check.notNull("learningRate", learningRate);
            options = options == null ? GradientOptions.NONE : options;
            Check.unitOpen("beta1", beta1);
            Check.unitOpen("beta2", beta2);
            Check.nonNegative("epsilon", epsilon);
            if (options == null || options.weightDecay() == null) {
                throw new SpecException("weightDecay", "is required for adamw");
            }
        }

        @Override
        public String type() {
            return "adamw";
        }
    }

    record Lion(ScheduleSpec learningRate, double beta1, double beta2, GradientOptions options)
            implements OptimizerSpec {
        public Lion {
            Check.notNull("learningRate", learningRate);
            options = options == null ? GradientOptions.NONE : options;
            Check.unitClosed("beta1", beta1);
            Check.unitClosed("beta2", beta2);
        }

        @Override
        public String type() {
            return "lion";
        }
    }
}
