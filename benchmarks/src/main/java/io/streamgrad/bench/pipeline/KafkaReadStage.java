package io.streamgrad.bench.pipeline;

import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A Flink job that reads the input topic (read_committed, bounded) and only counts: the source alone. */
final class KafkaReadStage {
    private static final Long ONE = 1L;

    private KafkaReadStage() {}

    /** Best of two reads, examples per second from the first record to the job's end. */
    static double run(EmbeddedKafkaBroker kafka, String topic, long n, int parallelism) throws Exception {
        double best = 0;
        for (int rep = 0; rep < 2; rep++) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
                    new Configuration());
            Properties props = new Properties();
            props.put("isolation.level", "read_committed");
            KafkaSource<Long> source = KafkaSource.<Long>builder()
                    .setBootstrapServers(kafka.bootstrapServers())
                    .setTopics(topic)
                    .setGroupId("bench-read-" + rep)
                    .setStartingOffsets(OffsetsInitializer.earliest())
                    .setBounded(OffsetsInitializer.latest())
                    .setProperties(props)
                    .setDeserializer(new OnePerRecord())
                    .build();
            env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka: " + topic)
                    .map(new JobClock.Counter()).name("bench: count").sinkTo(new DiscardingSink<>());
            JobClock clock = JobClock.of(env.execute("bench: kafka read"));
            double rate = n / ((System.nanoTime() - clock.firstNanos()) / 1e9);
            if (clock.counted() != n) {
                throw new IllegalStateException("read " + clock.counted() + " records, expected " + n);
            }
            best = Math.max(best, rate);
        }
        return best;
    }

    /** Emits the same boxed 1 per record: no decoding, so the stage is the consumer alone. */
    static final class OnePerRecord implements KafkaRecordDeserializationSchema<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Long> out) {
            out.collect(ONE);
        }

        @Override
        public TypeInformation<Long> getProducedType() {
            return Types.LONG;
        }
    }
}
