package io.streamgrad.jobs.input;

import io.streamgrad.jobs.config.InputFormat.LabelEncoding;

import io.streamgrad.model.spec.LossKind;
import java.io.Serializable;
import java.util.List;

/**
 * Turns the label cell(s) of a record into the target vector, the same way for every format.
 * One cell: a class index or class name (one-hot encoded for categorical cross-entropy), or a
 * value; several cells: one value per output. Targets are checked against the loss: one-hot
 * vectors hold exactly one 1, binary labels lie in [0, 1]. With an optional label (scoring), a
 * record whose label is absent or blank has no target: it is an event to score.
 */
final class LabelEncoder implements Serializable {
    private static final long serialVersionUID = 1L;

    private final LabelEncoding encoding;
    private final List<String> classes;
    private final int outputDim;
    private final LossKind loss;
    /** Whether a record without label is an event to score (null target) rather than a reject. */
    private final boolean optional;

    LabelEncoder(LabelEncoding encoding, List<String> classes, int outputDim, LossKind loss, boolean optional) {
        this.encoding = encoding;
        this.classes = List.copyOf(classes);
        this.outputDim = outputDim;
        this.loss = loss;
        this.optional = optional;
    }

    boolean optional() {
        return optional;
    }

    /** The target of a record whose label field is absent: none for an optional label, else a reject. */
    float[] missing(String key, String field) throws Reject {
        if (optional) {
            return null;
        }
        throw new Reject(key, field + ": missing label");
    }

    /**
     * The target of one record.
     *
     * @param field how reasons name the label, e.g. {@code y} or {@code label}
     * @param vector whether the label came as several cells (a JSON array, several CSV columns)
     */
    float[] encode(String key, String field, List<String> cells, boolean vector) throws Reject {
        if (optional && cells.stream().allMatch(String::isBlank)) {
            return null;
        }
        boolean categorical = loss == LossKind.CATEGORICAL_CROSSENTROPY;
        if (vector || encoding == LabelEncoding.ONE_HOT) {
            if (encoding == LabelEncoding.INDEX) {
                throw new Reject(key, field + ": expected a class index, got " + cells.size() + " values");
            }
            if (cells.size() != outputDim) {
                throw new Reject(key, field + ": expected " + outputDim + " values, got " + cells.size());
            }
            float[] y = new float[outputDim];
            for (int i = 0; i < outputDim; i++) {
                y[i] = FieldValues.number(key, field + "[" + i + "]", cells.get(i));
            }
            if (categorical || encoding == LabelEncoding.ONE_HOT) {
                checkOneHot(key, field, y);
            } else if (loss == LossKind.BINARY_CROSSENTROPY) {
                for (int i = 0; i < outputDim; i++) {
                    checkProbability(key, field + "[" + i + "]", y[i]);
                }
            }
            return y;
        }
        String cell = cells.get(0).strip();
        int named = classes.indexOf(cell);
        boolean asIndex = categorical || encoding == LabelEncoding.INDEX || named >= 0;
        if (asIndex && (categorical || loss == LossKind.BINARY_CROSSENTROPY)) {
            int c = named >= 0 ? named : classIndex(key, field, cell, categorical ? outputDim : 2);
            if (categorical) {
                float[] y = new float[outputDim];
                y[c] = 1f;
                return y;
            }
            return new float[] {c};
        }
        if (outputDim != 1) {
            throw new Reject(key, field + ": expected " + outputDim + " values, got 1");
        }
        float v = FieldValues.number(key, field, cell);
        if (loss == LossKind.BINARY_CROSSENTROPY) {
            checkProbability(key, field, v);
        }
        return new float[] {v};
    }

    private int classIndex(String key, String field, String cell, int classCount) throws Reject {
        double d;
        try {
            d = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw new Reject(key, field + ": unknown class '" + DeadLetterBounds.abbreviate(cell) + "'"
                    + (classes.isEmpty() ? " (expected a class index)" : ", expected one of " + classes));
        }
        if (d != Math.rint(d) || d < 0 || d >= classCount) {
            throw new Reject(key, field + ": class index must be an integer in [0, " + classCount + "), got "
                    + DeadLetterBounds.abbreviate(cell));
        }
        return (int) d;
    }

    private static void checkOneHot(String key, String field, float[] y) throws Reject {
        int ones = 0;
        for (float v : y) {
            if (v == 1f) {
                ones++;
            } else if (v != 0f) {
                throw new Reject(key, field + ": one-hot values must be 0 or 1, got " + v);
            }
        }
        if (ones != 1) {
            throw new Reject(key, field + ": one-hot label must contain exactly one 1, got " + ones);
        }
    }

    private static void checkProbability(String key, String field, float v) throws Reject {
        if (v < 0f || v > 1f) {
            throw new Reject(key, field + ": a binary label must be in [0, 1], got " + v);
        }
    }
}
