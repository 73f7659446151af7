package io.streamgrad.operators.labels;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.LossMetric;
import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.OnlineTraining;
import io.streamgrad.operators.SnapshotRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scored events and their delayed labels, joined and trained in one bounded job on a MiniCluster:
 * every event yields exactly one example (joined or defaulted), late labels are dead-lettered, and
 * each key's trained model equals a bare engine trainer run on that key's examples in join order.
 */
class LabelJoinMiniClusterTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    private static final String MODEL = """
            {"inputDim": 3, "layers": [{"type": "dense", "units": 1}], "loss": "meanSquaredError"}""";
    private static final String SGD = """
            {"type": "sgd", "learningRate": 0.05}""";
    private static final long HORIZON = 10_000;
    private static final String[] KEYS = {"k0", "k1", "k2"};

    static final Map<String, ConcurrentLinkedQueue<Object>> SINKS = new ConcurrentHashMap<>();

    /** Collects into a static queue (the MiniCluster runs in this JVM). */
    static final class QueueSink<T> implements Sink<T> {
        private static final long serialVersionUID = 1L;
        private final String name;

        QueueSink(String name) {
            this.name = name;
            SINKS.put(name, new ConcurrentLinkedQueue<>());
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            ConcurrentLinkedQueue<Object> q = SINKS.get(name);
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context ctx) {
                    q.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    @Test
    void joinedExamplesTrainTheSameModelsAsTheEngine() throws Exception {
        Random r = new Random(99);
        List<ScoredEvent> events = new ArrayList<>();
        List<LabelRecord> labels = new ArrayList<>();
        int inTime = 0;
        int late = 0;
        for (int i = 0; i < 360; i++) {
            long t = i * 100L;
            float[] x = {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()};
            events.add(new ScoredEvent("ev" + i, KEYS[r.nextInt(KEYS.length)], x, t));
            double p = r.nextDouble();
            if (p < 0.8) {
                boolean isLate = p < 0.05;
                long lt = t + (isLate ? HORIZON + 1 + r.nextInt(5_000) : r.nextInt((int) HORIZON));
                labels.add(new LabelRecord("ev" + i, new float[] {2 * x[0] - x[1] + 0.5f * x[2] + 0.3f}, lt));
                if (isLate) {
                    late++;
                } else {
                    inTime++;
                }
            }
        }
        labels.sort(Comparator.comparingLong(l -> l.eventTime));

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // fails the job if anything would need Kryo
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DataStream<ScoredEvent> scored = env.fromData(events).assignTimestampsAndWatermarks(
                WatermarkStrategy.<ScoredEvent>forMonotonousTimestamps().withTimestampAssigner((e, ts) -> e.eventTime));
        DataStream<LabelRecord> labelled = env.fromData(labels).assignTimestampsAndWatermarks(
                WatermarkStrategy.<LabelRecord>forMonotonousTimestamps().withTimestampAssigner((l, ts) -> l.eventTime));
        LabelJoinConfig joinConfig = LabelJoinConfig.builder().horizon(Duration.ofMillis(HORIZON)).defaultLabel(0f)
                .build();
        // one join subtask, so the examples sink sees each key's examples in the trainer's order
        SingleOutputStreamOperator<Example> examples =
                LabelJoin.join(scored, labelled, joinConfig, "label-join").setParallelism(1);
        examples.sinkTo(new QueueSink<>("examples")).setParallelism(1);
        LabelJoin.deadLetters(examples).sinkTo(new QueueSink<>("dead"));
        OnlineTrainerConfig trainerConfig = OnlineTrainerConfig.builder().model(MODEL).optimizer(SGD).batchSize(4)
                .seed(7).build();
        SingleOutputStreamOperator<LossMetric> trained =
                OnlineTraining.train(examples.keyBy(e -> e.modelKey), trainerConfig, "trainer");
        OnlineTraining.snapshots(trained).sinkTo(new QueueSink<>("snapshots"));
        env.execute("streamgrad-label-join-test");

        List<Example> xs = SINKS.get("examples").stream().map(o -> (Example) o).toList();
        List<DeadLetter> dead = SINKS.get("dead").stream().map(o -> (DeadLetter) o).toList();
        List<SnapshotRecord> snaps = SINKS.get("snapshots").stream().map(o -> (SnapshotRecord) o).toList();

        assertThat(xs).hasSize(events.size());
        assertThat(xs.stream().map(e -> e.raw).distinct()).hasSize(events.size());
        long defaulted = xs.stream().filter(e -> e.target[0] == 0f).count();
        assertThat(defaulted).isEqualTo(events.size() - inTime);
        assertThat(dead).hasSize(late).allSatisfy(d -> assertThat(d.reason).contains("after the horizon"));

        Trainer t = trainerConfig.newTrainer();
        for (String k : KEYS) {
            ModelState ref = trainerConfig.initialState(t, k);
            List<Example> rows = xs.stream().filter(e -> e.modelKey.equals(k)).toList();
            MiniBatch b = new MiniBatch(3, 1, 4);
            for (Example e : rows) {
                b.add(e.features, e.target);
                if (b.size() == 4) {
                    t.step(ref, b);
                    b.clear();
                }
            }
            if (!b.isEmpty()) {
                t.step(ref, b); // the trainer flushes its partial batch at the end of input
            }
            List<SnapshotRecord> s = snaps.stream().filter(x -> x.modelKey.equals(k)).toList();
            assertThat(s).as("snapshots of %s", k).isNotEmpty();
            ModelState live = s.get(s.size() - 1).toModelSnapshot().state();
            assertThat(live.version()).isEqualTo(ref.version());
            assertThat(live.examplesSeen()).isEqualTo(rows.size());
            assertThat(live.weights()).isDeepEqualTo(ref.weights());
        }
    }
}
