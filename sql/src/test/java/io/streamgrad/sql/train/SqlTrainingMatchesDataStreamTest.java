package io.streamgrad.sql.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.model.snapshot.ModelSnapshot;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code STREAMGRAD_TRAIN} on a Kafka table trains the same models as the DataStream operator
 * ({@code OnlineTraining.train}) on the same topic: every snapshot (including the end-of-input one
 * after the partial last batch) and every metric loss bit for bit, on the heap and on RocksDB.
 */
class SqlTrainingMatchesDataStreamTest {
    private static final int PER_KEY = 50; // 6 full batches of 8 and a partial one of 2 per key
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopic("examples", 1, false);
        TrainingRuns.writeExamples(broker, "examples", PER_KEY, 3);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void sqlTrainingIsBitIdenticalToTheDataStreamOperator(String backend) throws Exception {
        TableEnvironment env = TrainingRuns.tableEnv(backend, 2);
        env.executeSql(TrainingRuns.examplesTable("examples", "examples", broker.bootstrapServers()));
        List<Row> rows = TrainingRuns.collect(env, TrainingRuns.trainQuery("examples", TrainingRuns.CONFIG));
        TrainingRuns.DataStreamResult expected = TrainingRuns.dataStream(backend, "examples",
                broker.bootstrapServers(), TrainingRuns.CONFIG);

        Map<String, List<ModelSnapshot>> sql = TrainingRuns.sqlSnapshots(rows);
        assertThat(sql.keySet()).containsExactlyElementsOf(TrainingRuns.KEYS.stream().sorted().toList());
        for (String key : TrainingRuns.KEYS) {
            List<ModelSnapshot> snapshots = sql.get(key);
            // steps 3 and 6 by everySteps, then the end of input after the 7th (partial) step
            assertThat(snapshots).extracting(ModelSnapshot::version).containsExactly(3L, 6L, 7L);
            assertThat(snapshots.get(2).examplesSeen()).isEqualTo(PER_KEY);
            assertThat(fingerprints(snapshots)).as(key).isEqualTo(fingerprints(expected.snapshots().get(key)));
        }
        assertThat(TrainingRuns.sqlLosses(rows)).isEqualTo(expected.losses());
        assertThat(rows).noneMatch(r -> "dead_letter".equals(r.getField("kind")));
    }

    private static List<String> fingerprints(List<ModelSnapshot> s) {
        return s.stream().map(TrainingRuns::fingerprint).collect(Collectors.toList());
    }
}
