package io.streamgrad.sql.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.model.snapshot.ModelSnapshot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly-once state: {@code STREAMGRAD_TRAIN} with checkpointing, and a failure injected while it
 * trains (after checkpoints have completed), restarts from its last checkpoint and still ends with
 * every snapshot, metric and final model bit-identical to the DataStream operator's failure-free run.
 */
class SqlTrainingRecoveryTest {
    private static final int PER_KEY = 50;
    private static EmbeddedKafkaBroker broker;
    /** The DataStream operator's failure-free run (the same on both backends, see SqlTrainingMatchesDataStreamTest). */
    private static TrainingRuns.DataStreamResult expected;

    /** Passes a value through, slowly, and fails the job once at the {@code FAIL_AT}-th value. */
    public static class FailOnce extends ScalarFunction {
        static final int FAIL_AT = 100;
        static final AtomicInteger SEEN = new AtomicInteger();
        static final AtomicBoolean FAILED = new AtomicBoolean();

        public Double eval(Double x) throws InterruptedException {
            Thread.sleep(15); // ~2 s of input before the failure: several checkpoints complete
            if (SEEN.incrementAndGet() == FAIL_AT && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure");
            }
            return x;
        }
    }

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopic("examples", 1, false);
        TrainingRuns.writeExamples(broker, "examples", PER_KEY, 5);
        expected = TrainingRuns.dataStream("hashmap", "examples", broker.bootstrapServers(), TrainingRuns.CONFIG);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void afterAFailureAndARestoreTheModelsAreStillBitIdentical(String backend) throws Exception {
        FailOnce.SEEN.set(0);
        FailOnce.FAILED.set(false);
        TableEnvironment env = TrainingRuns.tableEnv(backend, 2);
        env.getConfig().set("execution.checkpointing.interval", "100 ms");
        env.getConfig().set("restart-strategy.type", "fixed-delay");
        env.getConfig().set("restart-strategy.fixed-delay.attempts", "3");
        env.getConfig().set("restart-strategy.fixed-delay.delay", "100 ms");
        env.createTemporarySystemFunction("FAIL_ONCE", FailOnce.class);
        env.executeSql(TrainingRuns.examplesTable("raw_examples", "examples", broker.bootstrapServers()));
        env.executeSql("CREATE TEMPORARY VIEW examples AS SELECT model_key, FAIL_ONCE(x0) AS x0, x1, x2, y, ts "
                + "FROM raw_examples");
        // the collect sink is exactly-once with checkpointing: rows of the failed attempt after its
        // last checkpoint are not delivered twice
        List<Row> rows = TrainingRuns.collect(env, TrainingRuns.trainQuery("examples", TrainingRuns.CONFIG));
        assertThat(FailOnce.FAILED).isTrue();
        // restored from a checkpoint, not restarted from scratch: the source resumed past offset 0,
        // so the trainers' state of the rows before it came from the checkpoint
        assertThat(FailOnce.SEEN.get()).as("rows seen over both attempts")
                .isGreaterThan(3 * PER_KEY).isLessThan(FailOnce.FAIL_AT + 3 * PER_KEY);

        Map<String, List<ModelSnapshot>> sql = TrainingRuns.sqlSnapshots(rows);
        assertThat(expected.snapshots()).as("DataStream run").containsOnlyKeys(TrainingRuns.KEYS);
        for (String key : TrainingRuns.KEYS) {
            assertThat(sql.get(key)).extracting(ModelSnapshot::version).containsExactly(3L, 6L, 7L);
            assertThat(sql.get(key).stream().map(TrainingRuns::fingerprint).toList()).as(key)
                    .isEqualTo(expected.snapshots().get(key).stream().map(TrainingRuns::fingerprint).toList());
        }
        assertThat(TrainingRuns.sqlLosses(rows)).isEqualTo(expected.losses());
    }
}
