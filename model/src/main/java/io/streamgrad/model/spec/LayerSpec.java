package io.streamgrad.model.spec;

/** One layer of a sequential model, as in the conformance case format. */
public sealed interface LayerSpec
        permits LayerSpec.Dense, LayerSpec.BatchNormalization, LayerSpec.ActivationLayer, LayerSpec.Dropout {

    /** Case-format type name ({@code dense}, {@code batchNormalization}, ...). */
    String type();

    /** Keras {@code Dense}: {@code activation(x·kernel + bias)}, kernel laid out {@code [inputs][units]}. */
    record Dense(int units, Activation activation, boolean useBias,
                 RegularizerSpec kernelRegularizer, RegularizerSpec biasRegularizer) implements LayerSpec {
        public Dense {
            Check.positive("units", units);
            Check.notNull("activation", activation);
        }

        @Override
        public String type() {
            return "dense";
        }
    }

    /** Keras {@code BatchNormalization} over the last axis. */
    record BatchNormalization(double momentum, double epsilon, boolean center, boolean scale) implements LayerSpec {
        public static final double DEFAULT_MOMENTUM = 0.99;
        public static final double DEFAULT_EPSILON = 0.001;

        public BatchNormalization {
            Check.unitClosed("momentum", momentum);
            Check.positive("epsilon", epsilon);
        }

        @Override
        public String type() {
            return "batchNormalization";
        }
    }

    /** Keras {@code Activation} layer. */
    record ActivationLayer(Activation activation) implements LayerSpec {
        public ActivationLayer {
            Check.notNull("activation", activation);
        }

        @Override
        public String type() {
            return "activation";
        }
    }

    /** Keras {@code Dropout} (inverted: kept units scaled by {@code 1/(1-rate)} in training). */
    record Dropout(double rate) implements LayerSpec {
        public Dropout {
            Check.unitOpen("rate", rate);
        }

        @Override
        public String type() {
            return "dropout";
        }
    }
}
