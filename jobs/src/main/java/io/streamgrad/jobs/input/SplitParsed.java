package io.streamgrad.jobs.input;

import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Good records to the main output, dead letters to {@link #DEAD_LETTERS}, counted in the same
 * {@code streamgrad.deadLetters} metric the trainer uses for its own rejects (sum over operators).
 */
@Internal
public final class SplitParsed extends ProcessFunction<ParseResult, Example> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("parse-dead-letters") {
        private static final long serialVersionUID = 1L;
    };

    private transient Counter deadLetters;

    @Override
    public void open(OpenContext context) {
        deadLetters = getRuntimeContext().getMetricGroup().addGroup("streamgrad").counter("deadLetters");
    }

    @Override
    public void processElement(ParseResult r, Context ctx, Collector<Example> out) {
        if (r.example != null) {
            out.collect(r.example);
        } else if (r.deadLetter != null) {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, r.deadLetter);
        }
    }
}
