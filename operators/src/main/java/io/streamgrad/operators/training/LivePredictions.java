package io.streamgrad.operators.training;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import io.streamgrad.model.features.FeatureBatch;
import io.streamgrad.model.serve.OutputKind;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.PredictionRecord;
import io.streamgrad.operators.scoring.PredictionRecords;
import java.util.List;
import org.apache.flink.annotation.Internal;

/**
 * Predictions of the trainer's live model: inference mode through the trainer's own network
 * (the same forward pass as {@code Predictor}, so the same bits as a snapshot of that version),
 * stamped with zero staleness, as the live model is current by definition.
 */
@Internal
public final class LivePredictions {
    private final Trainer trainer;
    private final OutputKind kind;
    private final PredictionRecords records;
    private final int outputDim;
    /** One raw row for a model with named features, else null. */
    private final FeatureBatch raw;
    private final FeatureRows rows;

    public LivePredictions(Trainer trainer, List<String> classNames) {
        this.trainer = trainer;
        boolean named = trainer.modelSpec().hasFeatures();
        this.raw = named ? new FeatureBatch(trainer.modelSpec().features(), 1) : null;
        this.rows = named ? new FeatureRows(trainer.modelSpec().features()) : null;
        this.kind = OutputKind.of(trainer.modelSpec());
        this.records = new PredictionRecords(classNames);
        this.outputDim = trainer.network().outputDim();
    }

    /** The prediction of {@code model} for {@code ex} (valid features), with its label when it has one. */
    /** {@link #predict} as a stream record stamped with the event time, if there is one. */
    public StreamRecord<PredictionRecord> record(String key, ModelState model, Example ex, long eventTime) {
        PredictionRecord r = predict(key, model, ex, eventTime);
        return eventTime == Example.NO_TIMESTAMP ? new StreamRecord<>(r) : new StreamRecord<>(r, eventTime);
    }

    public PredictionRecord predict(String key, ModelState model, Example ex, long eventTime) {
        float[] values = new float[outputDim];
        if (raw != null) { // inference-mode front-end: the vocabularies and statistics do not change
            raw.clear();
            rows.fill(raw, raw.addRow(), ex.featureValues);
            trainer.predict(model, raw, 1, values);
        } else {
            trainer.predict(model, ex.features, 1, values);
        }
        PredictionRecord r = records.create(key, ex, eventTime, values, kind, model.version(), eventTime);
        r.target = ex.target == null ? null : ex.target.clone();
        return r;
    }
}
