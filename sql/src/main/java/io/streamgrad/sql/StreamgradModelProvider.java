package io.streamgrad.sql;

import io.streamgrad.sql.predict.StreamgradPredictFunction;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.ml.PredictRuntimeProvider;

/** The planner's handle on a {@code streamgrad} model: hands out the (already validated) predict function. */
@Internal
public final class StreamgradModelProvider implements PredictRuntimeProvider {
    private final StreamgradPredictFunction function;

    StreamgradModelProvider(StreamgradPredictFunction function) {
        this.function = function;
    }

    @Override
    public PredictFunction createPredictFunction(ModelProvider.Context context) {
        return function;
    }

    @Override
    public ModelProvider copy() {
        return new StreamgradModelProvider(function);
    }
}
