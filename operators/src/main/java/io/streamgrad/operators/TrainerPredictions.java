package io.streamgrad.operators;

import io.streamgrad.model.serve.OutputKind;
import io.streamgrad.model.spec.ModelSpec;
import java.io.Serializable;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Which records the training operator predicts with its live model (inference mode, zero
 * staleness) on its {@code OnlineTrainerOperator#PREDICTIONS} side output, and the class names
 * reported with them.
 */
@PublicEvolving
public final class TrainerPredictions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The records that are predicted. */
    @PublicEvolving
    public enum Mode {
        /** None: a record without label is a dead letter ("target: missing label"), as without scoring. */
        OFF,
        /** Records without label are predicted (and not trained on); labelled ones are trained. */
        UNLABELLED,
        /**
         * As {@link #UNLABELLED}, and every labelled record is also predicted before the model trains
         * on it (prequential, test-then-train): exactly what the model would have said.
         */
        PREQUENTIAL
    }

    private final Mode mode;
    private final List<String> classNames;

    private TrainerPredictions(Mode mode, List<String> classNames) {
        if (mode == null) {
            throw new IllegalArgumentException("predictions.mode: must not be null");
        }
        if (classNames.stream().anyMatch(n -> n == null || n.isBlank())
                || classNames.stream().distinct().count() != classNames.size()) {
            throw new IllegalArgumentException("predictions.classNames: must be distinct, non-blank names, got "
                    + classNames);
        }
        this.mode = mode;
        this.classNames = List.copyOf(classNames);
    }

    public static TrainerPredictions off() {
        return new TrainerPredictions(Mode.OFF, List.of());
    }

    public static TrainerPredictions of(Mode mode) {
        return new TrainerPredictions(mode, List.of());
    }

    /** The same, with class names (2 for a binary classifier, one per output for a categorical one). */
    public TrainerPredictions withClassNames(List<String> names) {
        return new TrainerPredictions(mode, names == null ? List.of() : new java.util.ArrayList<>(names));
    }

    public Mode mode() {
        return mode;
    }

    public List<String> classNames() {
        return classNames;
    }

    public boolean scoresUnlabelled() {
        return mode != Mode.OFF;
    }

    public boolean prequential() {
        return mode == Mode.PREQUENTIAL;
    }

    /** Checks the class names against {@code model}; the exception names the field. */
    void checkAgainst(ModelSpec model) {
        OutputKind kind = OutputKind.of(model);
        int classes = kind.classCount(model.outputDim());
        if (!classNames.isEmpty() && classNames.size() != classes) {
            throw new IllegalArgumentException("predictions.classNames: the model (" + kind + ") has " + classes
                    + " classes, got " + classNames.size() + " names");
        }
    }

    @Override
    public String toString() {
        return "TrainerPredictions{" + mode + (classNames.isEmpty() ? "" : ", classNames=" + classNames) + "}";
    }
}
