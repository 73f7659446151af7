package io.streamgrad.model.spec;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/** Writes specifications as JSON in the conformance case schema ({@link SpecParser} reads them back). */
public final class SpecWriter {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SpecWriter() {}

    public static ObjectNode model(ModelSpec spec) {
        ObjectNode o = NODES.objectNode();
        if (spec.hasFeatures()) {
            o.set("features", FeatureWriter.features(spec.features()));
        } else {
            o.put("inputDim", spec.inputDim());
        }
        ArrayNode layers = o.putArray("layers");
        for (LayerSpec l : spec.layers()) {
            ObjectNode n = layers.addObject();
            n.put("type", l.type());
            if (l instanceof LayerSpec.Dense d) {
                n.put("units", d.units());
                n.put("activation", d.activation().jsonName());
                n.put("useBias", d.useBias());
                n.set("kernelRegularizer", regularizer(d.kernelRegularizer()));
                n.set("biasRegularizer", regularizer(d.biasRegularizer()));
            } else if (l instanceof LayerSpec.BatchNormalization bn) {
                n.put("momentum", bn.momentum());
                n.put("epsilon", bn.epsilon());
                n.put("center", bn.center());
                n.put("scale", bn.scale());
            } else if (l instanceof LayerSpec.ActivationLayer a) {
                n.put("activation", a.activation().jsonName());
            } else if (l instanceof LayerSpec.Dropout dr) {
                n.put("rate", dr.rate());
            }
        }
        o.put("loss", spec.loss().jsonName());
        return o;
    }

    private static ObjectNode regularizer(RegularizerSpec r) {
        if (r == null) {
            return null;
        }
        ObjectNode n = NODES.objectNode();
        n.put("l1", r.l1());
        n.put("l2", r.l2());
        return n;
    }

    public static ObjectNode optimizer(OptimizerSpec spec) {
        ObjectNode o = NODES.objectNode();
        o.put("type", spec.type());
        if (spec.learningRate() instanceof ScheduleSpec.Constant c) {
            o.put("learningRate", c.learningRate());
        } else {
            o.set("learningRate", schedule(spec.learningRate()));
        }
        if (spec instanceof OptimizerSpec.Sgd s) {
            o.put("momentum", s.momentum());
            o.put("nesterov", s.nesterov());
        } else if (spec instanceof OptimizerSpec.Adagrad a) {
            o.put("initialAccumulatorValue", a.initialAccumulatorValue());
            o.put("epsilon", a.epsilon());
        } else if (spec instanceof OptimizerSpec.RmsProp r) {
            o.put("rho", r.rho());
            o.put("momentum", r.momentum());
            o.put("epsilon", r.epsilon());
            o.put("centered", r.centered());
        } else if (spec instanceof OptimizerSpec.Adam a) {
            adamLike(o, a.beta1(), a.beta2(), a.epsilon());
            o.put("amsgrad", a.amsgrad());
        } else if (spec instanceof OptimizerSpec.AdamW a) {
            adamLike(o, a.beta1(), a.beta2(), a.epsilon());
            o.put("amsgrad", a.amsgrad());
        } else if (spec instanceof OptimizerSpec.Adamax a) {
            adamLike(o, a.beta1(), a.beta2(), a.epsilon());
        } else if (spec instanceof OptimizerSpec.Nadam n) {
            adamLike(o, n.beta1(), n.beta2(), n.epsilon());
        } else if (spec instanceof OptimizerSpec.Adadelta a) {
            o.put("rho", a.rho());
            o.put("epsilon", a.epsilon());
        } else if (spec instanceof OptimizerSpec.Ftrl f) {
            o.put("learningRatePower", f.learningRatePower());
            o.put("initialAccumulatorValue", f.initialAccumulatorValue());
            o.put("l1RegularizationStrength", f.l1RegularizationStrength());
            o.put("l2RegularizationStrength", f.l2RegularizationStrength());
            o.put("l2ShrinkageRegularizationStrength", f.l2ShrinkageRegularizationStrength());
            o.put("beta", f.beta());
        } else if (spec instanceof OptimizerSpec.Lion l) {
            o.put("beta1", l.beta1());
            o.put("beta2", l.beta2());
        }
        GradientOptions g = spec.options();
        o.put("clipnorm", g.clipnorm());
        o.put("clipvalue", g.clipvalue());
        o.put("globalClipnorm", g.globalClipnorm());
        o.put("weightDecay", g.weightDecay());
        return o;
    }

    private static void adamLike(ObjectNode o, double beta1, double beta2, double epsilon) {
        o.put("beta1", beta1);
        o.put("beta2", beta2);
        o.put("epsilon", epsilon);
    }

    public static ObjectNode schedule(ScheduleSpec spec) {
        ObjectNode o = NODES.objectNode();
        o.put("type", spec.type());
        if (spec instanceof ScheduleSpec.Constant c) {
            o.put("learningRate", c.learningRate());
        } else if (spec instanceof ScheduleSpec.PiecewiseConstantDecay p) {
            ArrayNode b = o.putArray("boundaries");
            p.boundaries().forEach(b::add);
            ArrayNode v = o.putArray("values");
            p.values().forEach(v::add);
        } else if (spec instanceof ScheduleSpec.ExponentialDecay e) {
            o.put("initialLearningRate", e.initialLearningRate());
            o.put("decaySteps", e.decaySteps());
            o.put("decayRate", e.decayRate());
            o.put("staircase", e.staircase());
        } else if (spec instanceof ScheduleSpec.InverseTimeDecay e) {
            o.put("initialLearningRate", e.initialLearningRate());
            o.put("decaySteps", e.decaySteps());
            o.put("decayRate", e.decayRate());
            o.put("staircase", e.staircase());
        } else if (spec instanceof ScheduleSpec.PolynomialDecay p) {
            o.put("initialLearningRate", p.initialLearningRate());
            o.put("decaySteps", p.decaySteps());
            o.put("endLearningRate", p.endLearningRate());
            o.put("power", p.power());
            o.put("cycle", p.cycle());
        } else if (spec instanceof ScheduleSpec.CosineDecay c) {
            o.put("initialLearningRate", c.initialLearningRate());
            o.put("decaySteps", c.decaySteps());
            o.put("alpha", c.alpha());
            o.put("warmupTarget", c.warmupTarget());
            o.put("warmupSteps", c.warmupSteps());
        } else if (spec instanceof ScheduleSpec.CosineDecayRestarts c) {
            o.put("initialLearningRate", c.initialLearningRate());
            o.put("firstDecaySteps", c.firstDecaySteps());
            o.put("tMul", c.tMul());
            o.put("mMul", c.mMul());
            o.put("alpha", c.alpha());
        }
        return o;
    }

    public static ObjectNode earlyStopping(EarlyStoppingSpec spec) {
        ObjectNode o = NODES.objectNode();
        o.put("monitor", spec.monitor());
        o.put("minDelta", spec.minDelta());
        o.put("patience", spec.patience());
        o.put("mode", spec.mode());
        o.put("baseline", spec.baseline());
        o.put("restoreBestWeights", spec.restoreBestWeights());
        o.put("startFromEpoch", spec.startFromEpoch());
        o.put("stepsPerEpoch", spec.stepsPerEpoch());
        return o;
    }
}
