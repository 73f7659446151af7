package io.streamgrad.jobs.input;

import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Good records to the main output, dead letters to {@link #DEAD_LETTERS}, counted in the same
 * {@code streamgrad.deadLetters} metric the trainer uses for its own rejects (sum over operators).
 * Records of keys no model claims (skipped) are counted in the {@code streamgrad.unclaimedRecords}
 * metric and the accumulator of the same name (in the job's result and the web UI's job summary).
 */
@Internal
public final class SplitParsed extends ProcessFunction<ParseResult, Example> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("parse-dead-letters") {
        private static final long serialVersionUID = 1L;
    };

    /** Name of the accumulator counting the skipped records of unclaimed keys. */
    public static final String UNCLAIMED_ACCUMULATOR = "streamgrad.unclaimedRecords";

    private transient Counter deadLetters;
    private transient Counter unclaimed;
    private transient LongCounter unclaimedTotal;

    @Override
    public void open(OpenContext context) {
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("streamgrad");
        deadLetters = group.counter("deadLetters");
        unclaimed = group.counter("unclaimedRecords");
        unclaimedTotal = new LongCounter();
        getRuntimeContext().addAccumulator(UNCLAIMED_ACCUMULATOR, unclaimedTotal);
    }

    @Override
    public void processElement(ParseResult r, Context ctx, Collector<Example> out) {
        if (r.example != null) {
            out.collect(r.example);
        } else if (r.deadLetter != null) {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, r.deadLetter);
        } else if (r.unclaimed) {
            unclaimed.inc();
            unclaimedTotal.add(1L);
        }
    }
}
