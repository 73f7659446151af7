package io.streamgrad.sql.predict;

import io.streamgrad.model.serve.Predictor;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.PredictFunction;

/**
 * Scores each {@code ML_PREDICT} row with the newest snapshot of its model key through
 * {@link Predictor} (the engine's inference, so the same numerics as the DataStream scorer). Opening
 * reads the snapshot source to its end; a background thread then applies newer snapshots as they
 * are committed. Rows without a model yet, or with a null feature, get null outputs.
 */
@Internal
public final class StreamgradPredictFunction extends PredictFunction {
    private static final long serialVersionUID = 1L;

    private final SnapshotSource source;
    private final String fixedKey;
    private final InputLayout input;
    private final OutputLayout output;
    private final Duration readTimeout;
    private final Duration refreshInterval;

    private transient LiveModels models;
    private transient AutoCloseable following;
    private transient float[] features;

    public StreamgradPredictFunction(SnapshotSource source, String fixedKey, InputLayout input, OutputLayout output,
                                     Duration readTimeout, Duration refreshInterval) {
        this.source = source;
        this.fixedKey = fixedKey;
        this.input = input;
        this.output = output;
        this.readTimeout = readTimeout;
        this.refreshInterval = refreshInterval;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        models = new LiveModels(fixedKey, input, output);
        following = source.follow(models::offer, readTimeout, refreshInterval);
    }

    @Override
    public Collection<RowData> predict(RowData row) {
        String key = input.key(row, fixedKey);
        Predictor p = key == null && input.hasKeyColumn() ? null : models.get(key);
        if (p == null) {
            return List.of(output.unscored(key));
        }
        if (features == null || features.length != p.inputDim()) {
            features = new float[p.inputDim()];
        }
        if (!input.features(row, features)) {
            return List.of(output.unscored(p.modelKey()));
        }
        return List.of(output.row(p.predict(features), p.version(), p.modelKey()));
    }

    @Override
    public void close() throws Exception {
        if (following != null) {
            following.close();
            following = null;
        }
    }
}
