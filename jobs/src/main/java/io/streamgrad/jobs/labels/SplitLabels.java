package io.streamgrad.jobs.labels;

import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.labels.LabelRecord;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Readable label records to the main output; unreadable ones to {@link #DEAD_LETTERS}, counted in {@code streamgrad.invalidLabelRecords}. */
@Internal
public final class SplitLabels extends ProcessFunction<LabelParse, LabelRecord> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("label-record-dead-letters") {
        private static final long serialVersionUID = 1L;
    };

    private transient Counter invalid;

    @Override
    public void open(OpenContext context) {
        invalid = getRuntimeContext().getMetricGroup().addGroup("streamgrad").counter("invalidLabelRecords");
    }

    @Override
    public void processElement(LabelParse p, Context ctx, Collector<LabelRecord> out) {
        if (p.label != null) {
            out.collect(p.label);
        } else {
            invalid.inc();
            ctx.output(DEAD_LETTERS, p.deadLetter);
        }
    }
}
