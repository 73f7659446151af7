package io.streamgrad.jobs.labels;

import io.streamgrad.operators.Example;
import io.streamgrad.operators.labels.ScoredEvent;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * The unlabelled input records (the events the trainer predicts) as the join's left input: event
 * id, model key, the features exactly as parsed (the trainer predicts from the same values) and
 * the event time (the record's {@code eventTime} field, else its Kafka timestamp, which is the
 * stream record's timestamp). Labelled input records train directly and are not joined.
 */
@Internal
public final class ScoredEvents implements FlatMapFunction<Example, ScoredEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(Example e, Collector<ScoredEvent> out) {
        if (e.target == null) {
            ScoredEvent s = new ScoredEvent(e.eventId, e.modelKey, e.features, e.eventTime);
            s.featureValues = e.featureValues;
            out.collect(s);
        }
    }
}
