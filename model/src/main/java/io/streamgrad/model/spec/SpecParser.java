package io.streamgrad.model.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Parses model, optimizer, schedule and early-stopping specifications from the JSON objects of
 * the conformance case format (same field names; YAML works the same way). Absent optional
 * fields take Keras' defaults; unknown fields and invalid values fail with a {@link SpecException}
 * naming the field path.
 */
public final class SpecParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private SpecParser() {}

    /**
     * Reads JSON or YAML text. Text that looks like JSON is read as JSON first (better messages);
     * if that fails it is read as YAML, so YAML flow mappings like {@code {type: adam}} work too.
     */
    public static JsonNode readTree(String text) {
        String trimmed = text.stripLeading();
        boolean looksLikeJson = trimmed.startsWith("{") || trimmed.startsWith("[");
        try {
            return looksLikeJson ? JSON.readTree(text) : YAML.readTree(text);
        } catch (JsonProcessingException e) {
            if (looksLikeJson) {
                try {
                    return YAML.readTree(text);
                } catch (JsonProcessingException ignored) {
                    // report the JSON parser's message, the more precise one for JSON-looking text
                }
            }
            throw new SpecException("(document)", "cannot parse: " + e.getOriginalMessage());
        }
    }

    public static ModelSpec model(JsonNode node) {
        return model(node, "model");
    }

    public static ModelSpec model(JsonNode node, String path) {
        JsonFields f = new JsonFields(node, path);
        List<FeatureSpec> features = f.has("features")
                ? FeatureParser.features(f.array("features"), f.child("features")) : List.of();
        int inputDim = features.isEmpty() || f.has("inputDim")
                ? f.requiredInteger("inputDim") : FeatureSpec.totalWidth(features);
        List<JsonNode> layerNodes = f.array("layers");
        List<LayerSpec> layers = new ArrayList<>(layerNodes.size());
        for (int i = 0; i < layerNodes.size(); i++) {
            layers.add(layer(layerNodes.get(i), f.child("layers") + "[" + i + "]"));
        }
        LossKind loss = LossKind.fromJson(f.child("loss"), f.requiredString("loss"));
        f.rejectUnknown();
        return build(path, () -> new ModelSpec(inputDim, layers, loss, features));
    }

    static LayerSpec layer(JsonNode node, String path) {
        JsonFields f = new JsonFields(node, path);
        String type = f.requiredString("type");
        LayerSpec spec = switch (type) {
            case "dense" -> {
                int units = f.requiredInteger("units");
                Activation act = Activation.fromJson(f.child("activation"), f.string("activation", "linear"));
                boolean useBias = f.bool("useBias", true);
                RegularizerSpec kr = regularizer(f.raw("kernelRegularizer"), f.child("kernelRegularizer"));
                RegularizerSpec br = regularizer(f.raw("biasRegularizer"), f.child("biasRegularizer"));
                yield build(path, () -> new LayerSpec.Dense(units, act, useBias, kr, br));
            }
            case "batchNormalization" -> {
                double momentum = f.number("momentum", LayerSpec.BatchNormalization.DEFAULT_MOMENTUM);
                double epsilon = f.number("epsilon", LayerSpec.BatchNormalization.DEFAULT_EPSILON);
                boolean center = f.bool("center", true);
                boolean scale = f.bool("scale", true);
                f.unsupported("axis", "-1", v -> v.isNumber() && v.asInt() == -1);
                yield build(path, () -> new LayerSpec.BatchNormalization(momentum, epsilon, center, scale));
            }
            case "activation" -> {
                Activation act = Activation.fromJson(f.child("activation"), f.requiredString("activation"));
                yield new LayerSpec.ActivationLayer(act);
            }
            case "dropout" -> {
                double rate = f.requiredNumber("rate");
                yield build(path, () -> new LayerSpec.Dropout(rate));
            }
            default -> throw new SpecException(f.child("type"), "unknown layer type '" + type
                    + "', expected dense, batchNormalization, activation or dropout");
        };
        f.rejectUnknown();
        return spec;
    }

    static RegularizerSpec regularizer(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        JsonFields f = new JsonFields(node, path);
        double l1 = f.number("l1", 0.0);
        double l2 = f.number("l2", 0.0);
        f.rejectUnknown();
        RegularizerSpec r = build(path, () -> new RegularizerSpec(l1, l2));
        return r.isZero() ? null : r;
    }

    public static OptimizerSpec optimizer(JsonNode node) {
        return optimizer(node, "optimizer");
    }

    public static OptimizerSpec optimizer(JsonNode node, String path) {
        JsonFields f = new JsonFields(node, path);
        String type = f.requiredString("type");
        double defaultLr = type.equals("sgd") ? 0.01 : 0.001;
        ScheduleSpec lr = f.has("learningRate")
                ? schedule(f.raw("learningRate"), f.child("learningRate"))
                : new ScheduleSpec.Constant(defaultLr);
        Double keepDefaultWd = type.equals("adamw") ? 0.004 : null;
        Double weightDecay = f.raw("weightDecay") != null ? f.optionalNumber("weightDecay") : keepDefaultWd;
        GradientOptions options = build(path, () -> new GradientOptions(
                f.optionalNumber("clipnorm"), f.optionalNumber("clipvalue"), f.optionalNumber("globalClipnorm"),
                weightDecay));
        // Keras options with no effect on the training path StreamGrad implements.
        f.unsupported("useEma", "false", v -> v.isBoolean() && !v.booleanValue());
        f.unsupported("emaMomentum", "any value when useEma is false", v -> true);
        f.unsupported("emaOverwriteFrequency", "null", v -> false);
        f.unsupported("lossScaleFactor", "null", v -> false);
        f.unsupported("gradientAccumulationSteps", "null", v -> false);
        OptimizerSpec spec = switch (type) {
            case "sgd" -> build(path, () -> new OptimizerSpec.Sgd(lr, f.number("momentum", 0.0),
                    f.bool("nesterov", false), options));
            case "adagrad" -> build(path, () -> new OptimizerSpec.Adagrad(lr,
                    f.number("initialAccumulatorValue", 0.1), f.number("epsilon", 1e-7), options));
            case "rmsprop" -> build(path, () -> new OptimizerSpec.RmsProp(lr, f.number("rho", 0.9),
                    f.number("momentum", 0.0), f.number("epsilon", 1e-7), f.bool("centered", false), options));
            case "adam" -> build(path, () -> new OptimizerSpec.Adam(lr, f.number("beta1", 0.9),
                    f.number("beta2", 0.999), f.number("epsilon", 1e-7), f.bool("amsgrad", false), options));
            case "adamax" -> build(path, () -> new OptimizerSpec.Adamax(lr, f.number("beta1", 0.9),
                    f.number("beta2", 0.999), f.number("epsilon", 1e-7), options));
            case "nadam" -> build(path, () -> new OptimizerSpec.Nadam(lr, f.number("beta1", 0.9),
                    f.number("beta2", 0.999), f.number("epsilon", 1e-7), options));
            case "adadelta" -> build(path, () -> new OptimizerSpec.Adadelta(lr, f.number("rho", 0.95),
                    f.number("epsilon", 1e-7), options));
            case "ftrl" -> build(path, () -> new OptimizerSpec.Ftrl(lr, f.number("learningRatePower", -0.5),
                    f.number("initialAccumulatorValue", 0.1), f.number("l1RegularizationStrength", 0.0),
                    f.number("l2RegularizationStrength", 0.0), f.number("l2ShrinkageRegularizationStrength", 0.0),
                    f.number("beta", 0.0), options));
            case "adamw" -> build(path, () -> new OptimizerSpec.AdamW(lr, f.number("beta1", 0.9),
                    f.number("beta2", 0.999), f.number("epsilon", 1e-7), f.bool("amsgrad", false), options));
            case "lion" -> build(path, () -> new OptimizerSpec.Lion(lr, f.number("beta1", 0.9),
                    f.number("beta2", 0.99), options));
            default -> throw new SpecException(f.child("type"), "unknown optimizer type '" + type
                    + "', expected sgd, adagrad, rmsprop, adam, adamax, nadam, adadelta, ftrl, adamw or lion");
        };
        f.rejectUnknown();
        return spec;
    }

    public static ScheduleSpec schedule(JsonNode node, String path) {
        if (node.isNumber()) {
            double lr = JsonFields.asNumber(path, node);
            return build(path, () -> new ScheduleSpec.Constant(lr), true);
        }
        JsonFields f = new JsonFields(node, path);
        String type = f.requiredString("type");
        ScheduleSpec spec = switch (type) {
            case "constant" -> build(path, () -> new ScheduleSpec.Constant(f.requiredNumber("learningRate")));
            case "piecewiseConstantDecay" -> {
                List<Long> boundaries = new ArrayList<>();
                List<JsonNode> b = f.array("boundaries");
                for (int i = 0; i < b.size(); i++) {
                    boundaries.add(JsonFields.asLong(f.child("boundaries") + "[" + i + "]", b.get(i)));
                }
                List<Double> values = new ArrayList<>();
                List<JsonNode> v = f.array("values");
                for (int i = 0; i < v.size(); i++) {
                    values.add(JsonFields.asNumber(f.child("values") + "[" + i + "]", v.get(i)));
                }
                yield build(path, () -> new ScheduleSpec.PiecewiseConstantDecay(boundaries, values));
            }
            case "exponentialDecay" -> build(path, () -> new ScheduleSpec.ExponentialDecay(
                    f.requiredNumber("initialLearningRate"), f.requiredNumber("decaySteps"),
                    f.requiredNumber("decayRate"), f.bool("staircase", false)));
            case "inverseTimeDecay" -> build(path, () -> new ScheduleSpec.InverseTimeDecay(
                    f.requiredNumber("initialLearningRate"), f.requiredNumber("decaySteps"),
                    f.requiredNumber("decayRate"), f.bool("staircase", false)));
            case "polynomialDecay" -> build(path, () -> new ScheduleSpec.PolynomialDecay(
                    f.requiredNumber("initialLearningRate"), f.requiredNumber("decaySteps"),
                    f.number("endLearningRate", 0.0001), f.number("power", 1.0), f.bool("cycle", false)));
            case "cosineDecay" -> build(path, () -> new ScheduleSpec.CosineDecay(
                    f.requiredNumber("initialLearningRate"), f.requiredNumber("decaySteps"),
                    f.number("alpha", 0.0), f.optionalNumber("warmupTarget"), f.number("warmupSteps", 0.0)));
            case "cosineDecayRestarts" -> build(path, () -> new ScheduleSpec.CosineDecayRestarts(
                    f.requiredNumber("initialLearningRate"), f.requiredNumber("firstDecaySteps"),
                    f.number("tMul", 2.0), f.number("mMul", 1.0), f.number("alpha", 0.0)));
            default -> throw new SpecException(f.child("type"), "unknown schedule type '" + type
                    + "', expected piecewiseConstantDecay, exponentialDecay, inverseTimeDecay, polynomialDecay, "
                    + "cosineDecay or cosineDecayRestarts");
        };
        f.rejectUnknown();
        return spec;
    }

    public static EarlyStoppingSpec earlyStopping(JsonNode node, String path) {
        JsonFields f = new JsonFields(node, path);
        EarlyStoppingSpec spec = build(path, () -> new EarlyStoppingSpec(
                f.string("monitor", EarlyStoppingSpec.MONITOR_LOSS), f.number("minDelta", 0.0),
                f.integer("patience", 0), f.string("mode", "auto"), f.optionalNumber("baseline"),
                f.bool("restoreBestWeights", false), f.integer("startFromEpoch", 0),
                f.integer("stepsPerEpoch", 1)));
        f.rejectUnknown();
        return spec;
    }

    private static <T> T build(String path, Supplier<T> ctor) {
        return build(path, ctor, false);
    }

    /** Runs a record constructor and prefixes the path of whatever field it rejects. */
    private static <T> T build(String path, Supplier<T> ctor, boolean selfNamed) {
        try {
            return ctor.get();
        } catch (SpecException e) {
            if (selfNamed || e.field().startsWith(path)) {
                return rethrow(selfNamed ? new SpecException(path, e.problem()) : e);
            }
            throw e.under(path);
        }
    }

    private static <T> T rethrow(SpecException e) {
        throw e;
    }
}
