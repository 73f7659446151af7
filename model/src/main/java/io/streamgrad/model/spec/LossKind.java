package io.streamgrad.model.spec;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Training losses ({@code keras/src/losses/losses.py}), reduced with "sum_over_batch_size". */
public enum LossKind {
    MEAN_SQUARED_ERROR("meanSquaredError"),
    BINARY_CROSSENTROPY("binaryCrossentropy"),
    CATEGORICAL_CROSSENTROPY("categoricalCrossentropy");

    private final String jsonName;

    LossKind(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    public boolean isCrossentropy() {
        return this != MEAN_SQUARED_ERROR;
    }

    public static LossKind fromJson(String field, String name) {
        for (LossKind k : values()) {
            if (k.jsonName.equals(name)) {
                return k;
            }
        }
        throw new SpecException(field, "unknown loss '" + name + "', expected one of "
                + Arrays.stream(values()).map(LossKind::jsonName).collect(Collectors.joining(", ")));
    }
}
