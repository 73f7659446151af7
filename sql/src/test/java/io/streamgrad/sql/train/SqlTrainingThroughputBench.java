package io.streamgrad.sql.train;

import io.streamgrad.model.bench.Workload;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.OnlineTraining;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Benchmark, not a timed test (runs only with {@code -Dstreamgrad.bench=true}): rows per second of
 * {@code STREAMGRAD_TRAIN} against the DataStream operator on the same generated W1 rows (32
 * features, 32-64-BN-64-BN-1, Adam), batch 32, 4 keys, parallelism 1, heap and RocksDB, in the same
 * JVM; the source, its conversion and job start-up are included on both sides.
 *
 * <pre>{@code
 * ./mvnw -o -q -pl sql -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=SqlTrainingThroughputBench \
 *     -Dstreamgrad.bench=true [-Dstreamgrad.bench.rows=400000] \
 *     [-Dstreamgrad.bench.backends=hashmap,rocksdb]
 * }</pre>
 */
@EnabledIfSystemProperty(named = "streamgrad.bench", matches = "true")
class SqlTrainingThroughputBench {
    private static final int FEATURES = 32;
    private static final int KEYS = 4;
    private static final int BATCH = 32;
    private static final String CONFIG = "{model: " + Workload.W1.modelJson(BATCH) + ", optimizer: " + Workload.ADAM
            + ", training: {batchSize: " + BATCH + ", maxBatchDelayMs: 0}, snapshots: {everySteps: 0}, "
            + "columns: {features: [x], label: y}}";

    @Test
    void sqlAgainstDataStreamThroughput() throws Exception {
        long rows = Long.getLong("streamgrad.bench.rows", 400_000);
        System.out.printf(Locale.ROOT, "STREAMGRAD_TRAIN vs OnlineTraining.train: W1 batch %d, %d keys, %d rows, "
                + "parallelism 1, JVM %s%n", BATCH, KEYS, rows, System.getProperty("java.vm.version"));
        for (String backend : System.getProperty("streamgrad.bench.backends", "hashmap,rocksdb").split(",")) {
            double sql = 0;
            double dataStream = 0;
            for (int round = 0; round < 2; round++) { // alternate, keep the best of each
                dataStream = Math.max(dataStream, dataStream(backend, rows));
                sql = Math.max(sql, sql(backend, rows));
            }
            System.out.printf(Locale.ROOT, "%-8s DataStream %,9.0f rows/s   SQL %,9.0f rows/s   SQL/DataStream %.2f%n",
                    backend, dataStream, sql, sql / dataStream);
        }
    }

    private static StreamExecutionEnvironment env(String backend) {
        Configuration conf = new Configuration();
        conf.setString("state.backend.type", backend);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        return env;
    }

    private static double dataStream(String backend, long rows) throws Exception {
        StreamExecutionEnvironment env = env(backend);
        DataStream<Example> examples = env.fromSource(source(new ExampleRows(), Types.POJO(Example.class), rows),
                WatermarkStrategy.noWatermarks(), "rows");
        OnlineTraining.train(examples.keyBy(e -> e.modelKey), TrainConfig.parse(CONFIG).trainer())
                .sinkTo(new DiscardingSink<>());
        long start = System.nanoTime();
        env.execute("datastream");
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    private static double sql(String backend, long rows) throws Exception {
        StreamExecutionEnvironment env = env(backend);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.createTemporarySystemFunction("STREAMGRAD_TRAIN", StreamgradTrainFunction.class);
        DataStream<Row> input = env.fromSource(source(new TableRows(), Types.ROW_NAMED(new String[] {"k", "x", "y"},
                Types.STRING, Types.PRIMITIVE_ARRAY(Types.FLOAT), Types.FLOAT), rows),
                WatermarkStrategy.noWatermarks(), "rows");
        tables.createTemporaryView("examples", input);
        tables.executeSql("CREATE TABLE sink (k STRING, kind STRING, loss DOUBLE) WITH ('connector' = 'blackhole')");
        long start = System.nanoTime();
        tables.executeSql("INSERT INTO sink SELECT k, kind, loss FROM STREAMGRAD_TRAIN(input => TABLE examples "
                + "PARTITION BY k, config => '" + CONFIG + "')").await();
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    private static <T> DataGeneratorSource<T> source(GeneratorFunction<Long, T> rows, TypeInformation<T> type,
                                                    long count) {
        return new DataGeneratorSource<>(rows, count, RateLimiterStrategy.noOp(), type);
    }

    /** Row {@code i}: key {@code i % KEYS}, features and a label from a generator seeded by {@code i}. */
    private static float[] features(long i) {
        SplittableRandom r = new SplittableRandom(i);
        float[] x = new float[FEATURES + 1];
        double y = 0;
        for (int j = 0; j < FEATURES; j++) {
            x[j] = (float) r.nextGaussian();
            y += x[j] * (j % 3 - 1);
        }
        x[FEATURES] = (float) y;
        return x;
    }

    static final class ExampleRows implements GeneratorFunction<Long, Example> {
        @Override
        public Example map(Long i) {
            float[] v = features(i);
            return new Example("k" + (i % KEYS), java.util.Arrays.copyOf(v, FEATURES), new float[] {v[FEATURES]},
                    Example.NO_TIMESTAMP, null);
        }
    }

    static final class TableRows implements GeneratorFunction<Long, Row> {
        @Override
        public Row map(Long i) {
            float[] v = features(i);
            return Row.of("k" + (i % KEYS), java.util.Arrays.copyOf(v, FEATURES), v[FEATURES]);
        }
    }
}
