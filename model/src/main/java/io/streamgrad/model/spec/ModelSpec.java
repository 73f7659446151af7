package io.streamgrad.model.spec;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A sequential model: input width, layers in order, and the training loss; optionally a feature
 * front-end ({@code features}, §12) whose concatenated output is the trunk input
 * ({@code inputDim} = sum of the feature widths).
 */
public record ModelSpec(int inputDim, List<LayerSpec> layers, LossKind loss, List<FeatureSpec> features) {
    /** A model fed ready numeric vectors of {@code inputDim} values (no front-end). */
    public ModelSpec(int inputDim, List<LayerSpec> layers, LossKind loss) {
        this(inputDim, layers, loss, List.of());
    }

    /** A model with a feature front-end; the trunk input width is the sum of the feature widths. */
    public static ModelSpec withFeatures(List<FeatureSpec> features, List<LayerSpec> layers, LossKind loss) {
        return new ModelSpec(FeatureSpec.totalWidth(features), layers, loss, features);
    }

    public ModelSpec {
        Check.positive("inputDim", inputDim);
        features = features == null ? List.of() : List.copyOf(features);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < features.size(); i++) {
            if (!names.add(features.get(i).name())) {
                throw new SpecException("features[" + i + "].name", "repeats '" + features.get(i).name() + "'");
            }
        }
        if (!features.isEmpty() && inputDim != FeatureSpec.totalWidth(features)) {
            throw new SpecException("inputDim", "must equal the sum of the feature widths ("
                    + FeatureSpec.totalWidth(features) + "), got " + inputDim);
        }
        Check.notNull("layers", layers);
        Check.notNull("loss", loss);
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new SpecException("layers", "must contain at least one layer");
        }
        boolean hasDense = layers.stream().anyMatch(l -> l instanceof LayerSpec.Dense);
        if (!hasDense) {
            throw new SpecException("layers", "must contain at least one dense layer (nothing to train)");
        }
    }

    /** True when the model takes named raw features through a front-end. */
    public boolean hasFeatures() {
        return !features.isEmpty();
    }

    /** Width of the model output. */
    public int outputDim() {
        int width = inputDim;
        for (LayerSpec l : layers) {
            if (l instanceof LayerSpec.Dense d) {
                width = d.units();
            }
        }
        return width;
    }

    /** Width of the input to layer {@code index}. */
    public int inputWidthOf(int index) {
        int width = inputDim;
        for (int i = 0; i < index; i++) {
            if (layers.get(i) instanceof LayerSpec.Dense d) {
                width = d.units();
            }
        }
        return width;
    }
}
