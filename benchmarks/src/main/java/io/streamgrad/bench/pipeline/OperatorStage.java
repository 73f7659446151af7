package io.streamgrad.bench.pipeline;

import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.LossMetric;
import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.OnlineTraining;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The trainer operator alone on a local environment: a number sequence mapped to in-memory parsed
 * examples, the operator, a discarding sink; chained in one thread ({@code reinterpretAsKeyedStream},
 * valid at parallelism 1 where the one subtask owns every key group) or behind a real keyBy.
 */
final class OperatorStage {
    private final OnlineTrainerConfig trainer;
    private final ExampleRing ring;
    private final int parallelism;
    private final long checkpointMs;

    OperatorStage(OnlineTrainerConfig trainer, Example[] examples, int parallelism, long checkpointMs) {
        this.trainer = trainer;
        this.ring = ExampleRing.of(examples);
        this.parallelism = parallelism;
        this.checkpointMs = checkpointMs;
    }

    /** Examples per second of the operator over {@code n} examples. */
    double run(long n, boolean shuffle) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
                new Configuration());
        if (checkpointMs > 0) {
            env.enableCheckpointing(checkpointMs, CheckpointingMode.EXACTLY_ONCE);
        }
        // the trainer copies rows into its own buffers and never mutates an Example: no defensive
        // copy between the chained in-memory source and the operator (the real job has a keyBy there)
        env.getConfig().enableObjectReuse();
        int sourceParallelism = shuffle ? parallelism : 1;
        DataStream<Example> examples = env.fromSequence(0, n - 1).setParallelism(sourceParallelism)
                .map(new FromRing(ring)).setParallelism(sourceParallelism).name("examples from memory");
        KeyedStream<Example, String> keyed = shuffle || parallelism > 1
                ? examples.keyBy(new OnlineTrainingJob.ModelKey())
                : DataStreamUtils.reinterpretAsKeyedStream(examples, new OnlineTrainingJob.ModelKey());
        SingleOutputStreamOperator<LossMetric> metrics = OnlineTraining.train(keyed, trainer, "online-trainer");
        OnlineTraining.snapshots(metrics).sinkTo(new DiscardingSink<>());
        JobClock.watch(metrics);
        JobClock clock = JobClock.of(env.execute("bench: operator" + (shuffle ? " behind keyBy" : "")));
        if (clock.trained() != n) {
            throw new IllegalStateException("the operator trained " + clock.trained() + " examples, expected " + n);
        }
        return n / clock.trainingSeconds();
    }

    /** Emits ring example {@code i % size} for each number {@code i} of the sequence. */
    static final class FromRing extends RichMapFunction<Long, Example> {
        private static final long serialVersionUID = 1L;
        private final ExampleRing ring;
        private transient Example[] examples;
        private transient JobClock.FirstCall first;

        FromRing(ExampleRing ring) {
            this.ring = ring;
        }

        @Override
        public void open(OpenContext context) {
            examples = ring.examples();
            first = new JobClock.FirstCall();
            first.open(getRuntimeContext());
        }

        @Override
        public Example map(Long i) {
            first.mark();
            return examples[(int) (i % examples.length)];
        }
    }
}
