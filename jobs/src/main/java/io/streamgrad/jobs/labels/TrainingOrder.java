package io.streamgrad.jobs.labels;

import io.streamgrad.jobs.config.JobModel;
import io.streamgrad.jobs.config.LabelTargets;
import io.streamgrad.jobs.input.KeyRouter;
import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.labels.LabelJoin;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by model key, between the label join and the trainer: encodes each joined label for the
 * model that trains the key ({@link LabelTargets}; a label that does not fit is a dead letter) and
 * releases the examples in a data-determined order: by their time (the pair's time, or the horizon
 * instant of a defaulted event), then by event id, once the watermark has passed that time. The
 * join emits a pair when its second record arrives, which depends on how the events and labels
 * topics interleave; after this stage a key's training order depends only on the records' times
 * and ids, so replays, restores and parallel joins train the same model bit for bit.
 */
@Internal
public final class TrainingOrder extends KeyedProcessFunction<String, Example, Example> {
    private static final long serialVersionUID = 1L;
    /** The state name is part of the savepoint format. */
    static final String STATE = "streamgrad-label-order";
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("label-target-dead-letters") {
        private static final long serialVersionUID = 1L;
    };
    private static final Comparator<Example> BY_EVENT_ID = Comparator.comparing(e -> e.eventId);

    private final KeyRouter router;
    private final List<LabelTargets> targets;

    private transient MapState<Long, List<Example>> waiting;
    private transient Counter unfit;

    public TrainingOrder(List<JobModel> models) {
        this.router = new KeyRouter(models);
        this.targets = models.stream().map(m -> new LabelTargets(m.model())).toList();
    }

    @Override
    public void open(OpenContext context) {
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>(STATE, Types.LONG,
                Types.LIST(TypeInformation.of(Example.class))));
        unfit = getRuntimeContext().getMetricGroup().addGroup("streamgrad").counter("labelsNotFittingModel");
    }

    @Override
    public void processElement(Example e, Context ctx, Collector<Example> out) throws Exception {
        int model = router.route(e.modelKey);
        try {
            if (model == KeyRouter.UNCLAIMED) {
                throw new IllegalArgumentException("modelKey: no model claims '" + e.modelKey + "'");
            }
            e.target = targets.get(model).encode(e.target);
        } catch (IllegalArgumentException bad) {
            unfit.inc();
            String record = "{eventId=" + e.eventId + ", label=" + Arrays.toString(e.target) + "}";
            ctx.output(DEAD_LETTERS, new DeadLetter(e.modelKey, LabelJoin.STAGE, bad.getMessage() + " (event "
                    + e.eventId + ")", record, record.length(), ctx.timerService().currentProcessingTime()));
            return;
        }
        Long stamped = ctx.timestamp(); // always set by the join
        long time = stamped != null ? stamped : e.eventTime;
        List<Example> at = waiting.get(time);
        if (at == null) {
            at = new ArrayList<>();
            ctx.timerService().registerEventTimeTimer(time);
        }
        at.add(e);
        waiting.put(time, at);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Example> out) throws Exception {
        List<Example> due = waiting.get(time);
        if (due == null) {
            return;
        }
        due.sort(BY_EVENT_ID);
        due.forEach(out::collect);
        waiting.remove(time);
    }
}
