package io.streamgrad.operators.scoring;

import io.streamgrad.model.features.FeatureBatch;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.training.FeatureRows;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * The raw row of an event for a model with named features: checks its values against the model's
 * features and fills a one-row {@link FeatureBatch} reused per model architecture (bounded like
 * {@link ScratchNetworks}). For the operator's thread only.
 */
@Internal
public final class RawEventRows {
    private final Map<ModelSpec, Layout> layouts = new HashMap<>();

    private record Layout(FeatureRows rows, FeatureBatch batch) {}

    /** Why {@code event} cannot be scored by {@code model} (naming the feature), or null. */
    public String problem(ModelSpec model, Example event) {
        return layout(model).rows().problem(event.featureValues);
    }

    /** {@code event}'s values as the one row of a batch for {@code model} (valid values, see {@link #problem}). */
    public FeatureBatch row(ModelSpec model, Example event) {
        Layout l = layout(model);
        l.batch().clear();
        l.rows().fill(l.batch(), l.batch().addRow(), event.featureValues);
        return l.batch();
    }

    private Layout layout(ModelSpec model) {
        Layout l = layouts.get(model);
        if (l == null) {
            if (layouts.size() >= ScratchNetworks.MAX_ARCHITECTURES) {
                layouts.clear();
            }
            l = new Layout(new FeatureRows(model.features()), new FeatureBatch(model.features(), 1));
            layouts.put(model, l);
        }
        return l;
    }
}
