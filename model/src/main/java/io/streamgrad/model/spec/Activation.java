package io.streamgrad.model.spec;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Element-wise activation functions ({@code keras/src/activations/activations.py}). */
public enum Activation {
    LINEAR("linear"),
    RELU("relu"),
    SIGMOID("sigmoid"),
    TANH("tanh"),
    /** Row-wise softmax over the last axis. */
    SOFTMAX("softmax");

    private final String jsonName;

    Activation(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    public static Activation fromJson(String field, String name) {
        for (Activation a : values()) {
            if (a.jsonName.equals(name)) {
                return a;
            }
        }
        throw new SpecException(field, "unknown activation '" + name + "', expected one of "
                + Arrays.stream(values()).map(Activation::jsonName).collect(Collectors.joining(", ")));
    }
}
