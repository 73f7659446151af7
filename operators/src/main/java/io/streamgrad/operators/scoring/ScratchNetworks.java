package io.streamgrad.operators.scoring;

import io.streamgrad.model.nn.Network;
import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.spec.ModelSpec;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * One scratch network per model architecture for the operator's thread, so thousands of keyed
 * models of one architecture share one set of activation buffers instead of each holding its
 * own. Bounded: past {@link #MAX_ARCHITECTURES} distinct architectures it starts over.
 */
@Internal
public final class ScratchNetworks {
    static final int MAX_ARCHITECTURES = 64;
    private final Map<ModelSpec, Network> networks = new HashMap<>();
    private ModelSpec lastSpec;
    private Network last;

    /** A scratch network for {@code model}'s architecture. */
    public Network forModel(Predictor model) {
        ModelSpec spec = model.model();
        if (spec == lastSpec) {
            return last;
        }
        Network n = networks.get(spec);
        if (n == null) {
            if (networks.size() >= MAX_ARCHITECTURES) {
                networks.clear();
            }
            n = model.newScratch();
            networks.put(spec, n);
        }
        lastSpec = spec;
        last = n;
        return n;
    }
}
