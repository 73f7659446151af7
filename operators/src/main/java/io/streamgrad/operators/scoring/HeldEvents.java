package io.streamgrad.operators.scoring;

import io.streamgrad.operators.Example;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;

/**
 * Events of a key that has no model yet, in arrival order, in keyed state with their count, up
 * to a bound per key ({@code EarlyEventPolicy.HOLD}). Callers set the current key first.
 */
@Internal
public final class HeldEvents {
    private final ListState<Example> events;
    private final ValueState<Integer> count;
    private final int maxPerKey;

    public HeldEvents(ListState<Example> events, ValueState<Integer> count, int maxPerKey) {
        this.events = events;
        this.count = count;
        this.maxPerKey = maxPerKey;
    }

    /** Holds {@code event}; false when the key already holds the maximum. */
    public boolean hold(Example event) throws Exception {
        int n = count();
        if (n >= maxPerKey) {
            return false;
        }
        events.add(event);
        count.update(n + 1);
        return true;
    }

    public int count() throws Exception {
        Integer n = count.value();
        return n == null ? 0 : n;
    }

    /** The held events in arrival order, removed from state. */
    public List<Example> drain() throws Exception {
        if (count() == 0) {
            return List.of();
        }
        List<Example> out = new ArrayList<>();
        Iterable<Example> it = events.get();
        if (it != null) {
            it.forEach(out::add);
        }
        events.clear();
        count.clear();
        return out;
    }

    public int maxPerKey() {
        return maxPerKey;
    }
}
