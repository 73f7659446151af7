package io.streamgrad.operators.labels;

import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The Flink side of {@link LabelJoin}, keyed by event id: one {@link PendingJoin} per id in keyed
 * state, exactly one event-time timer per entry, and the {@link LabelJoiner}'s results routed to
 * the main output, the dead-letter side output and the metrics.
 *
 * <p>Timers with equal timestamps fire in an order that depends on the timer heap's layout, which
 * a restore rebuilds differently. So the results of the timers fired by one watermark advance are
 * collected and emitted sorted by (time, event id) before the watermark is forwarded: the output is
 * the same with or without a restore in between.
 */
@Internal
public class LabelJoinOperator extends AbstractStreamOperator<Example>
        implements TwoInputStreamOperator<ScoredEvent, LabelRecord, Example>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;

    // state and timer names are part of the savepoint format
    static final String STATE = "streamgrad-label-join";
    static final String TIMERS = "streamgrad-label-join-timers";

    private static final Comparator<Expired> EMIT_ORDER =
            Comparator.comparingLong(Expired::time).thenComparing(Expired::eventId);

    private final LabelJoinConfig config;

    private transient ValueState<PendingJoin> pending;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient LabelJoiner joiner;
    private transient LabelJoinMetrics metrics;
    private transient Emitter emitter;
    private transient List<Expired> expired;

    /** A result of a timer, held until the watermark advance that fired it is complete. */
    private record Expired(long time, String eventId, Example example, DeadLetter deadLetter) {}

    public LabelJoinOperator(LabelJoinConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config: must not be null");
        }
        this.config = config;
    }

    @Override
    public void open() throws Exception {
        super.open();
        ValueStateDescriptor<PendingJoin> d = new ValueStateDescriptor<>(STATE, TypeInformation.of(PendingJoin.class));
        if (config.stateTtlMillis() > 0) {
            d.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(config.stateTtlMillis()))
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .build());
        }
        pending = getPartitionedState(d);
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        joiner = new LabelJoiner(config);
        metrics = new LabelJoinMetrics(getMetricGroup());
        emitter = new Emitter();
        expired = new ArrayList<>();
    }

    @Override
    public void processElement1(StreamRecord<ScoredEvent> r) throws Exception {
        PendingJoin held = pending.value();
        long before = timerOf(held);
        emitter.direct(r);
        apply(before, joiner.onEvent(held, r.getValue(), timestampOf(r), emitter));
    }

    @Override
    public void processElement2(StreamRecord<LabelRecord> r) throws Exception {
        PendingJoin held = pending.value();
        long before = timerOf(held);
        emitter.direct(r);
        apply(before, joiner.onLabel(held, r.getValue(), timestampOf(r), emitter));
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        emitter.deferred(timer.getTimestamp(), timer.getKey());
        if (joiner.onTimer(pending.value(), timer.getTimestamp(), emitter) == null) {
            pending.clear();
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // no processing-time timers
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (timeServiceManager != null) {
            timeServiceManager.advanceWatermark(mark);
        }
        expired.sort(EMIT_ORDER);
        for (Expired x : expired) {
            if (x.example() != null) {
                output.collect(new StreamRecord<>(x.example(), x.time()));
            } else {
                output.collect(LabelJoin.DEAD_LETTERS, new StreamRecord<>(x.deadLetter(), x.time()));
            }
        }
        expired.clear();
        output.emitWatermark(mark);
    }

    private void apply(long timerBefore, PendingJoin after) throws Exception {
        long timerAfter = timerOf(after);
        if (timerAfter != timerBefore) {
            if (timerBefore != PendingJoin.NO_TIMER) {
                timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, timerBefore);
            }
            if (timerAfter != PendingJoin.NO_TIMER) {
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, timerAfter);
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

    private static long timestampOf(StreamRecord<?> r) {
        return r.hasTimestamp() ? r.getTimestamp() : ScoredEvent.NO_TIMESTAMP;
    }

    @VisibleForTesting
    LabelJoinMetrics metrics() {
        return metrics;
    }

    /** Sends the joiner's results: at once for input records, deferred for timers. */
    private final class Emitter implements LabelJoiner.Output {
        private boolean deferred;
        private boolean hasTimestamp;
        private long timestamp;
        private String eventId;

        void direct(StreamRecord<?> input) {
            deferred = false;
            hasTimestamp = input.hasTimestamp();
            timestamp = input.getTimestamp();
        }

        void deferred(long timerTime, String key) {
            deferred = true;
            hasTimestamp = true;
            timestamp = timerTime;
            eventId = key;
        }

        @Override
        public void joined(Example example, long pairTime) {
            metrics.joined.inc();
            // stamped with the pair's own time, not the arrival order of its two records
            output.collect(new StreamRecord<>(example, pairTime));
        }

        @Override
        public void defaulted(Example example) {
            metrics.defaulted.inc();
            emit(example, null);
        }

        @Override
        public void unmatched(ScoredEvent event) {
            metrics.unmatchedEvents.inc();
        }

        @Override
        public void rejected(LabelJoiner.Rejection why, String modelKey, String reason, String record) {
            metrics.onRejected(why);
            emit(null, new DeadLetter(modelKey, LabelJoin.STAGE, reason, record, record.length(),
                    getProcessingTimeService().getCurrentProcessingTime()));
        }

        private void emit(Example example, DeadLetter deadLetter) {
            if (deferred) {
                expired.add(new Expired(timestamp, eventId, example, deadLetter));
            } else if (example != null) {
                output.collect(hasTimestamp ? new StreamRecord<>(example, timestamp) : new StreamRecord<>(example));
            } else {
                output.collect(LabelJoin.DEAD_LETTERS,
                        hasTimestamp ? new StreamRecord<>(deadLetter, timestamp) : new StreamRecord<>(deadLetter));
            }
        }
    }
}
