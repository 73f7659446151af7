package io.streamgrad.bench.pipeline;

import io.streamgrad.operators.Example;
import io.streamgrad.operators.LossMetric;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The timing of one benchmark job, recorded inside the job by probe functions into Flink
 * accumulators and read from its {@link JobExecutionResult}: the first example seen, the last
 * metric record, the examples trained and the records counted. {@link System#nanoTime()} is
 * comparable across the job's threads because the local environment runs in this JVM.
 */
record JobClock(long firstNanos, long lastNanos, long trained, long counted) {
    static final String FIRST = "bench-first-nanos";
    static final String LAST = "bench-last-nanos";
    static final String TRAINED = "bench-trained";
    static final String COUNTED = "bench-counted";

    static JobClock of(JobExecutionResult result) {
        return new JobClock(value(result, FIRST, 0L), value(result, LAST, 0L), value(result, TRAINED, 0L),
                value(result, COUNTED, 0L));
    }

    private static long value(JobExecutionResult result, String name, long absent) {
        Object v = result.getAccumulatorResult(name);
        return v == null ? absent : ((Number) v).longValue();
    }

    /** Seconds from the first example to the last metric record. */
    double trainingSeconds() {
        return (lastNanos - firstNanos) / 1e9;
    }

    /** Feeds {@code metrics} into a {@link MetricClock} and discards them. */
    static void watch(DataStream<LossMetric> metrics) {
        metrics.map(new MetricClock()).name("bench: last metric").sinkTo(new DiscardingSink<>())
                .name("bench: discard");
    }

    /** Adds the first call's time to the {@link #FIRST} minimum; later calls cost a field read. */
    static final class FirstCall {
        private LongMinimum first;

        void open(RuntimeContext context) {
            first = new LongMinimum();
            context.addAccumulator(FIRST, first);
        }

        void mark() {
            if (first != null) {
                first.add(System.nanoTime());
                first = null;
            }
        }
    }

    /** Passes examples through, noting when the first one arrived (chained right after parsing). */
    static final class FirstSeen extends RichMapFunction<Example, Example> {
        private static final long serialVersionUID = 1L;
        private transient FirstCall first;

        @Override
        public void open(OpenContext context) {
            first = new FirstCall();
            first.open(getRuntimeContext());
        }

        @Override
        public Example map(Example e) {
            first.mark();
            return e;
        }
    }

    /** Notes the time of each metric record (one per step: the last is the end of training). */
    static final class MetricClock extends RichMapFunction<LossMetric, Long> {
        private static final long serialVersionUID = 1L;
        private transient LongCounter trained;
        private transient LongMaximum last;

        @Override
        public void open(OpenContext context) {
            trained = new LongCounter();
            last = new LongMaximum();
            getRuntimeContext().addAccumulator(TRAINED, trained);
            getRuntimeContext().addAccumulator(LAST, last);
        }

        @Override
        public Long map(LossMetric m) {
            trained.add(m.batchSize);
            last.add(System.nanoTime());
            return 0L;
        }
    }

    /** Counts records and notes the first one's time; emits nothing downstream of interest. */
    static final class Counter extends RichMapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        private transient FirstCall first;
        private transient LongCounter counted;

        @Override
        public void open(OpenContext context) {
            first = new FirstCall();
            first.open(getRuntimeContext());
            counted = new LongCounter();
            getRuntimeContext().addAccumulator(COUNTED, counted);
        }

        @Override
        public Long map(Long one) {
            first.mark();
            counted.add(1L);
            return one;
        }
    }
}
