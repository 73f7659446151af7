package io.streamgrad.jobs.scoring;

import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.SnapshotRecord;
import org.apache.flink.annotation.Internal;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Parsed snapshots to the main output, unreadable ones to {@link #DEAD_LETTERS}. */
@Internal
public final class SplitSnapshots extends ProcessFunction<ParsedSnapshot, SnapshotRecord> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("snapshot-dead-letters") {
        private static final long serialVersionUID = 1L;
    };

    @Override
    public void processElement(ParsedSnapshot p, Context ctx, Collector<SnapshotRecord> out) {
        if (p.snapshot != null) {
            out.collect(p.snapshot);
        } else if (p.deadLetter != null) {
            ctx.output(DEAD_LETTERS, p.deadLetter);
        }
    }
}
