package io.streamgrad.sql.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.model.snapshot.ModelSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly-once state: {@code STREAMGRAD_TRAIN} with checkpointing, and a failure injected while it
 * trains (after checkpoints holding trained rows have completed), restarts from its last checkpoint and still ends with
 * every snapshot, metric and final model bit-identical to the DataStream operator's failure-free run.
 */
class SqlTrainingRecoveryTest {
    private static final int PER_KEY = 50;
    private static EmbeddedKafkaBroker broker;
    /** The DataStream operator's failure-free run (the same on both backends, see SqlTrainingMatchesDataStreamTest). */
    private static TrainingRuns.DataStreamResult expected;

    /**
     * Passes a value through, slowly, and fails the job once: at the first row from {@code FAIL_FROM}
     * on after two more checkpoints completed than had when row {@code FAIL_FROM / 2} passed (so the
     * restore is from a checkpoint that holds trained rows, whatever the machine's load).
     */
    public static class FailOnce extends ScalarFunction {
        static final int FAIL_FROM = 60;
        static final AtomicInteger SEEN = new AtomicInteger();
        static final AtomicInteger FAILED_AT = new AtomicInteger();
        static final AtomicLong CHECKPOINT_AT_HALF = new AtomicLong(-1);
        static volatile Path checkpoints;

        public Double eval(Double x) throws Exception {
            Thread.sleep(30);
            int n = SEEN.incrementAndGet();
            if (n == FAIL_FROM / 2) {
                CHECKPOINT_AT_HALF.set(lastCompletedCheckpoint());
            }
            if (n >= FAIL_FROM && FAILED_AT.get() == 0 && CHECKPOINT_AT_HALF.get() >= 0
                    && lastCompletedCheckpoint() >= CHECKPOINT_AT_HALF.get() + 2 && FAILED_AT.compareAndSet(0, n)) {
                throw new IllegalStateException("injected failure");
            }
            return x;
        }

        /** The highest completed checkpoint id (a chk-N directory with its _metadata), 0 if none. */
        static long lastCompletedCheckpoint() throws IOException {
            try (Stream<Path> files = Files.walk(checkpoints)) {
                return files.filter(f -> f.getFileName().toString().equals("_metadata"))
                        .mapToLong(f -> Long.parseLong(f.getParent().getFileName().toString().substring(4)))
                        .max().orElse(0);
            } catch (java.io.UncheckedIOException e) { // a directory removed while walking: retry on the next row
                return 0;
            }
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
    void afterAFailureAndARestoreTheModelsAreStillBitIdentical(String backend, @TempDir Path checkpoints)
            throws Exception {
        FailOnce.SEEN.set(0);
        FailOnce.FAILED_AT.set(0);
        FailOnce.CHECKPOINT_AT_HALF.set(-1);
        FailOnce.checkpoints = checkpoints;
        TableEnvironment env = TrainingRuns.tableEnv(backend, 2);
        env.getConfig().set("execution.checkpointing.interval", "100 ms");
        env.getConfig().set("execution.checkpointing.storage", "filesystem");
        env.getConfig().set("execution.checkpointing.dir", checkpoints.toUri().toString());
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
        int failedAt = FailOnce.FAILED_AT.get();
        assertThat(failedAt).as("failure injected").isPositive();
        System.out.printf("%s: failed at row %d, %d rows seen over both attempts (replayed from offset %d)%n",
                backend, failedAt, FailOnce.SEEN.get(), failedAt + 3 * PER_KEY - FailOnce.SEEN.get());
        // restored from a checkpoint, not restarted from scratch: the source resumed past offset 0,
        // so the trainers' state of the rows before it came from the checkpoint
        assertThat(FailOnce.SEEN.get()).as("rows seen over both attempts")
                .isGreaterThan(3 * PER_KEY).isLessThan(failedAt + 3 * PER_KEY);

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
