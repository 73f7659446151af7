package io.streamgrad.model.optim;

import io.streamgrad.model.spec.OptimizerSpec;

/** Creates the {@link UpdateRule} of an optimizer specification. */
final class UpdateRules {
    private UpdateRules() {}

    static UpdateRule of(OptimizerSpec spec) {
        if (spec instanceof OptimizerSpec.Sgd s) {
            return new SgdRule(s.momentum(), s.nesterov());
        } else if (spec instanceof OptimizerSpec.Adagrad a) {
            return new AdagradRule(a.initialAccumulatorValue(), a.epsilon());
        } else if (spec instanceof OptimizerSpec.RmsProp r) {
            return new RmsPropRule(r.rho(), r.momentum(), r.epsilon(), r.centered());
        } else if (spec instanceof OptimizerSpec.Adam a) {
            return new AdamRule(a.beta1(), a.beta2(), a.epsilon(), a.amsgrad());
        } else if (spec instanceof OptimizerSpec.AdamW a) {
            return new AdamRule(a.beta1(), a.beta2(), a.epsilon(), a.amsgrad());
        } else if (spec instanceof OptimizerSpec.Adamax a) {
            return new AdamaxRule(a.beta1(), a.beta2(), a.epsilon());
        } else if (spec instanceof OptimizerSpec.Nadam n) {
            return new NadamRule(n.beta1(), n.beta2(), n.epsilon());
        } else if (spec instanceof OptimizerSpec.Adadelta a) {
            return new AdadeltaRule(a.rho(), a.epsilon());
        } else if (spec instanceof OptimizerSpec.Ftrl f) {
            return new FtrlRule(f.learningRatePower(), f.initialAccumulatorValue(), f.l1RegularizationStrength(),
                    f.l2RegularizationStrength(), f.l2ShrinkageRegularizationStrength(), f.beta());
        } else if (spec instanceof OptimizerSpec.Lion l) {
            return new LionRule(l.beta1(), l.beta2());
        }
        throw new IllegalArgumentException("unhandled optimizer " + spec.type());
    }
}
