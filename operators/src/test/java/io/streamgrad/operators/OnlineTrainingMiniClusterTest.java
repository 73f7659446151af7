package io.streamgrad.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A bounded job on a MiniCluster: several keys learn, metrics and snapshots arrive in order. */
class OnlineTrainingMiniClusterTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

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
    @SuppressWarnings("unchecked")
    void boundedStreamOfSeveralKeysTrains() throws Exception {
        String[] keys = {"k1", "k2", "k3"};
        List<Example> data = TestSupport.stream(keys, 1500, 17, false);
        data.add(new Example("k1", new float[] {1}, new float[] {1}, Example.NO_TIMESTAMP, "bad"));
        OnlineTrainerConfig config = TestSupport.linear(10).snapshotEverySteps(20).build();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        SingleOutputStreamOperator<LossMetric> metrics =
                OnlineTraining.train(env.fromData(data).keyBy(e -> e.modelKey), config, "trainer");
        metrics.sinkTo(new QueueSink<>("metrics"));
        OnlineTraining.snapshots(metrics).sinkTo(new QueueSink<>("snapshots"));
        OnlineTraining.deadLetters(metrics).sinkTo(new QueueSink<>("dead"));
        env.execute("streamgrad-minicluster-test");

        List<LossMetric> ms = SINKS.get("metrics").stream().map(o -> (LossMetric) o).toList();
        List<SnapshotRecord> ss = SINKS.get("snapshots").stream().map(o -> (SnapshotRecord) o).toList();
        List<DeadLetter> dl = SINKS.get("dead").stream().map(o -> (DeadLetter) o).toList();

        assertThat(dl).hasSize(1);
        assertThat(dl.get(0).reason).isEqualTo("features: expected 3 values, got 1");
        Map<String, List<LossMetric>> byKey = ms.stream().collect(Collectors.groupingBy(m -> m.modelKey));
        assertThat(byKey).containsOnlyKeys(keys);
        long examples = 0;
        for (String k : keys) {
            List<LossMetric> m = byKey.get(k);
            examples += m.stream().mapToLong(x -> x.batchSize).sum();
            for (int i = 1; i < m.size(); i++) {
                assertThat(m.get(i).version).isGreaterThan(m.get(i - 1).version);
            }
            double first = m.subList(0, 5).stream().mapToDouble(x -> x.loss).average().orElseThrow();
            double last = m.subList(m.size() - 5, m.size()).stream().mapToDouble(x -> x.loss).average().orElseThrow();
            assertThat(last).as("loss of %s falls", k).isLessThan(first * 0.05);

            List<SnapshotRecord> s = ss.stream().filter(x -> x.modelKey.equals(k)).toList();
            assertThat(s).isNotEmpty();
            for (int i = 1; i < s.size(); i++) {
                assertThat(s.get(i).version).isGreaterThan(s.get(i - 1).version);
            }
            SnapshotRecord fin = s.get(s.size() - 1);
            assertThat(fin.version).isEqualTo(m.get(m.size() - 1).version);
            assertThat(fin.examplesSeen).isEqualTo(m.get(m.size() - 1).examplesSeen);
            assertThat(new ArrayList<>(s).stream().map(x -> x.trigger)).contains(SnapshotTrigger.STEPS);
            assertThat(fin.toModelSnapshot().state().weights()[0]).hasSize(3);
        }
        assertThat(examples).isEqualTo(1500);
    }
}
