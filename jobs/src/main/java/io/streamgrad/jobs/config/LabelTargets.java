package io.streamgrad.jobs.config;

import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import java.io.Serializable;
import org.apache.flink.annotation.Internal;

/**
 * A joined label's raw values to the target vector of the model that trains on it, by the model's
 * loss and output width (a label record does not know its model; the event it joins does):
 * categorical cross-entropy takes a class index (one-hot encoded here) or a one-hot vector, binary
 * cross-entropy values in [0, 1], any other loss one value per output.
 */
@Internal
public final class LabelTargets implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int outputDim;
    private final LossKind loss;

    public LabelTargets(ModelSpec model) {
        this.outputDim = model.outputDim();
        this.loss = model.loss();
    }

    /** The target; {@link IllegalArgumentException} with the reason when the label does not fit the model. */
    public float[] encode(float[] raw) {
        if (loss == LossKind.CATEGORICAL_CROSSENTROPY) {
            if (raw.length == 1 && outputDim > 1) {
                float c = raw[0];
                if (c != Math.rint(c) || c < 0 || c >= outputDim) {
                    throw new IllegalArgumentException("label: class index must be an integer in [0, " + outputDim
                            + "), got " + c);
                }
                float[] y = new float[outputDim];
                y[(int) c] = 1f;
                return y;
            }
            checkWidth(raw, "a class index or ");
            int ones = 0;
            for (float v : raw) {
                if (v != 0f && v != 1f) {
                    throw new IllegalArgumentException("label: one-hot values must be 0 or 1, got " + v);
                }
                ones += v == 1f ? 1 : 0;
            }
            if (ones != 1) {
                throw new IllegalArgumentException("label: one-hot label must contain exactly one 1, got " + ones);
            }
            return raw.clone();
        }
        checkWidth(raw, "");
        if (loss == LossKind.BINARY_CROSSENTROPY) {
            for (float v : raw) {
                if (!(v >= 0f && v <= 1f)) {
                    throw new IllegalArgumentException("label: a binary label must be in [0, 1], got " + v);
                }
            }
        }
        return raw.clone();
    }

    private void checkWidth(float[] raw, String alternative) {
        if (raw.length != outputDim) {
            throw new IllegalArgumentException("label: expected " + alternative + outputDim + " value"
                    + (outputDim == 1 ? "" : "s") + " (the model's outputs), got " + raw.length);
        }
    }
}
