package io.streamgrad.jobs.input;

import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import org.apache.flink.annotation.Internal;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Good records to the main output, dead letters to {@link #DEAD_LETTERS}. */
@Internal
public final class SplitParsed extends ProcessFunction<ParseResult, Example> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("parse-dead-letters") {
        private static final long serialVersionUID = 1L;
    };

    @Override
    public void processElement(ParseResult r, Context ctx, Collector<Example> out) {
        if (r.example != null) {
            out.collect(r.example);
        } else if (r.deadLetter != null) {
            ctx.output(DEAD_LETTERS, r.deadLetter);
        }
    }
}
