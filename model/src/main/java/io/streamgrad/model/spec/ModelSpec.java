package io.streamgrad.model.spec;

import java.util.List;

/** A sequential model: input width, layers in order, and the training loss. */
public record ModelSpec(int inputDim, List<LayerSpec> layers, LossKind loss) {
    public ModelSpec {
        Check.positive("inputDim", inputDim);
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
