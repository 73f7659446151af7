package io.streamgrad.operators;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.model.spec.EarlyStoppingSpec;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecException;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.spec.SpecWriter;
import java.io.Serializable;
import org.apache.flink.annotation.Internal;

/**
 * The model, optimizer and early-stopping specifications of an {@link OnlineTrainerConfig}, kept as
 * canonical JSON (so equal specifications give equal configs whatever their source text, and the
 * config stays Java-serializable) and parsed lazily after deserialization.
 */
@Internal
final class TrainerSpecs implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String modelJson;
    private final String optimizerJson;
    private final String earlyStoppingJson;
    private transient ModelSpec model;
    private transient OptimizerSpec optimizer;
    private transient EarlyStoppingSpec earlyStopping;

    private TrainerSpecs(ModelSpec model, OptimizerSpec optimizer, EarlyStoppingSpec earlyStopping) {
        this.modelJson = SpecWriter.model(model).toString();
        this.optimizerJson = SpecWriter.optimizer(optimizer).toString();
        this.earlyStoppingJson = earlyStopping == null ? null : SpecWriter.earlyStopping(earlyStopping).toString();
        this.model = model;
        this.optimizer = optimizer;
        this.earlyStopping = earlyStopping;
    }

    /** Parses and checks the builder's specification texts (JSON or YAML); early stopping may be null. */
    static TrainerSpecs parse(String modelText, String optimizerText, String earlyStoppingText) {
        if (modelText == null || modelText.isBlank()) {
            throw new IllegalArgumentException("model: a model specification is required");
        }
        if (optimizerText == null || optimizerText.isBlank()) {
            throw new IllegalArgumentException("optimizer: an optimizer specification is required");
        }
        ModelSpec m = SpecParser.model(readTree("model", modelText));
        OptimizerSpec o = SpecParser.optimizer(readTree("optimizer", optimizerText));
        EarlyStoppingSpec es = earlyStoppingText == null || earlyStoppingText.isBlank() ? null
                : SpecParser.earlyStopping(readTree("earlyStopping", earlyStoppingText), "earlyStopping");
        return new TrainerSpecs(m, o, es);
    }

    private static JsonNode readTree(String field, String text) {
        try {
            return SpecParser.readTree(text);
        } catch (SpecException e) {
            throw new SpecException(field, e.problem());
        }
    }

    String modelJson() {
        return modelJson;
    }

    String optimizerJson() {
        return optimizerJson;
    }

    String earlyStoppingJson() {
        return earlyStoppingJson;
    }

    ModelSpec model() {
        if (model == null) {
            model = SpecParser.model(SpecParser.readTree(modelJson));
        }
        return model;
    }

    OptimizerSpec optimizer() {
        if (optimizer == null) {
            optimizer = SpecParser.optimizer(SpecParser.readTree(optimizerJson));
        }
        return optimizer;
    }

    EarlyStoppingSpec earlyStopping() {
        if (earlyStopping == null && earlyStoppingJson != null) {
            earlyStopping = SpecParser.earlyStopping(SpecParser.readTree(earlyStoppingJson), "earlyStopping");
        }
        return earlyStopping;
    }
}
