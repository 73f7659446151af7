package io.streamgrad.operators.labels;

import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import java.time.Duration;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The Flink side of {@link LabelJoin}, keyed by event id: keeps one {@link PendingJoin} per id
 * in keyed state, keeps exactly one event-time timer per entry, and routes what the
 * {@link LabelJoiner} decides to the main output, the dead-letter side output and the metrics.
 */
@Internal
public class LabelJoinFunction extends KeyedCoProcessFunction<String, ScoredEvent, LabelRecord, Example> {
    private static final long serialVersionUID = 1L;

    /** Name of the keyed state; part of the savepoint format. */
    static final String STATE = "streamgrad-label-join";

    private final LabelJoinConfig config;

    private transient ValueState<PendingJoin> pending;
    private transient LabelJoiner joiner;
    private transient LabelJoinMetrics metrics;
    private transient Emitter emitter;

    public LabelJoinFunction(LabelJoinConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config: must not be null");
        }
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<PendingJoin> d = new ValueStateDescriptor<>(STATE, TypeInformation.of(PendingJoin.class));
        if (config.stateTtlMillis() > 0) {
            d.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(config.stateTtlMillis()))
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .build());
        }
        pending = getRuntimeContext().getState(d);
        joiner = new LabelJoiner(config);
        metrics = new LabelJoinMetrics(getRuntimeContext().getMetricGroup());
        emitter = new Emitter();
    }

    @Override
    public void processElement1(ScoredEvent e, Context ctx, Collector<Example> out) throws Exception {
        PendingJoin held = pending.value();
        long before = timerOf(held);
        emitter.bind(ctx, out);
        apply(before, joiner.onEvent(held, e, timestampOf(ctx), emitter), ctx.timerService());
    }

    @Override
    public void processElement2(LabelRecord l, Context ctx, Collector<Example> out) throws Exception {
        PendingJoin held = pending.value();
        long before = timerOf(held);
        emitter.bind(ctx, out);
        apply(before, joiner.onLabel(held, l, timestampOf(ctx), emitter), ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Example> out) throws Exception {
        emitter.bind(ctx, out);
        PendingJoin after = joiner.onTimer(pending.value(), timestamp, emitter);
        if (after == null) {
            pending.clear();
        }
    }

    private void apply(long timerBefore, PendingJoin after, TimerService timers) throws Exception {
        long timerAfter = timerOf(after);
        if (timerAfter != timerBefore) {
            if (timerBefore != PendingJoin.NO_TIMER) {
                timers.deleteEventTimeTimer(timerBefore);
            }
            if (timerAfter != PendingJoin.NO_TIMER) {
                timers.registerEventTimeTimer(timerAfter);
            }
        }
        if (after == null) {
            pending.clear();
        } else {
            pending.update(after);
        }
    }

    private static long timerOf(PendingJoin p) {
        return p == null ? PendingJoin.NO_TIMER : p.timer;
    }

    private static long timestampOf(Context ctx) {
        Long ts = ctx.timestamp();
        return ts == null ? ScoredEvent.NO_TIMESTAMP : ts;
    }

    @VisibleForTesting
    LabelJoinMetrics metrics() {
        return metrics;
    }

    /** Adapts the joiner's results to the current call's collector and context. */
    private final class Emitter implements LabelJoiner.Output {
        private Context ctx;
        private Collector<Example> out;

        void bind(Context c, Collector<Example> o) {
            this.ctx = c;
            this.out = o;
        }

        @Override
        public void joined(Example example) {
            metrics.joined.inc();
            out.collect(example);
        }

        @Override
        public void defaulted(Example example) {
            metrics.defaulted.inc();
            out.collect(example);
        }

        @Override
        public void unmatched(ScoredEvent event) {
            metrics.unmatchedEvents.inc();
        }

        @Override
        public void rejected(LabelJoiner.Rejection why, String modelKey, String reason, String record) {
            metrics.onRejected(why);
            // processing time from the timer service: deterministic under test harnesses
            ctx.output(LabelJoin.DEAD_LETTERS, new DeadLetter(modelKey, LabelJoin.STAGE, reason, record,
                    record.length(), ctx.timerService().currentProcessingTime()));
        }
    }
}
