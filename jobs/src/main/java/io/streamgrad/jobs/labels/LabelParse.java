package io.streamgrad.jobs.labels;

import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.labels.LabelRecord;
import org.apache.flink.annotation.Internal;

/** A label record read from the labels topic, or the dead letter of one that could not be read. A Flink POJO. */
@Internal
public class LabelParse {
    public LabelRecord label;
    public DeadLetter deadLetter;

    public LabelParse() {}

    static LabelParse ok(LabelRecord l) {
        LabelParse p = new LabelParse();
        p.label = l;
        return p;
    }

    static LabelParse dead(DeadLetter d) {
        LabelParse p = new LabelParse();
        p.deadLetter = d;
        return p;
    }
}
