package io.streamgrad.model.bench;

import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecParser;
import java.util.Locale;

/** The reference benchmark workloads; all train with Adam(1e-3). */
public enum Workload {
    /** 32-64-64-1 relu, MSE; with batch > 1: 32-64-BN-64-BN-1. */
    W1(1),
    /** 128-256-BN-Dropout(0.2)-256-BN-10 softmax, categorical cross-entropy. */
    W2(64),
    /** 784-512-BN-512-BN-10 softmax, categorical cross-entropy. */
    W3(128);

    /** The optimizer every workload trains with, as a specification document. */
    public static final String ADAM = "{\"type\":\"adam\",\"learningRate\":0.001}";

    private final int defaultBatch;

    Workload(int defaultBatch) {
        this.defaultBatch = defaultBatch;
    }

    /** The workload named {@code name} (case-insensitive). */
    public static Workload named(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown workload " + name + " (W1, W2, W3)", e);
        }
    }

    /** The batch size the workload is usually timed at. */
    public int defaultBatch() {
        return defaultBatch;
    }

    /** The model as a JSON specification document for mini-batches of {@code batch} rows. */
    public String modelJson(int batch) {
        return switch (this) {
            case W1 -> batch == 1
                    ? model(32, "meanSquaredError", dense(64, "relu"), dense(64, "relu"), dense(1, "linear"))
                    : model(32, "meanSquaredError", dense(64, "relu"), bn(), dense(64, "relu"), bn(),
                            dense(1, "linear"));
            case W2 -> model(128, "categoricalCrossentropy", dense(256, "relu"), bn(),
                    "{\"type\":\"dropout\",\"rate\":0.2}", dense(256, "relu"), bn(), dense(10, "softmax"));
            case W3 -> model(784, "categoricalCrossentropy", dense(512, "relu"), bn(), dense(512, "relu"), bn(),
                    dense(10, "softmax"));
        };
    }

    /** The parsed model for mini-batches of {@code batch} rows. */
    public ModelSpec model(int batch) {
        return SpecParser.model(SpecParser.readTree(modelJson(batch)));
    }

    /** Adam(1e-3), parsed. */
    public static OptimizerSpec adam() {
        return SpecParser.optimizer(SpecParser.readTree(ADAM));
    }

    /** Weights of the Dense kernels: the 6 x weights x examples FLOP count of a training step. */
    public static long denseWeights(ModelSpec model) {
        long total = 0;
        int width = model.inputDim();
        for (LayerSpec l : model.layers()) {
            if (l instanceof LayerSpec.Dense d) {
                total += (long) width * d.units();
                width = d.units();
            }
        }
        return total;
    }

    private static String model(int inputDim, String loss, String... layers) {
        return "{\"inputDim\":" + inputDim + ",\"loss\":\"" + loss + "\",\"layers\":[" + String.join(",", layers)
                + "]}";
    }

    private static String dense(int units, String activation) {
        return "{\"type\":\"dense\",\"units\":" + units + ",\"activation\":\"" + activation + "\"}";
    }

    private static String bn() {
        return "{\"type\":\"batchNormalization\"}";
    }
}
