package io.streamgrad.sql.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.spec.Activation;
import io.streamgrad.model.spec.GradientOptions;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.ScheduleSpec;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.state.ModelStateSerializer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.dataview.MapView;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.table.types.inference.StateTypeStrategy;
import org.apache.flink.table.types.inference.StaticArgument;
import org.apache.flink.table.types.inference.StaticArgumentTrait;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.inference.TypeStrategies;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Probe for training from SQL (docs/sql.md): a process table function keeps a {@link ModelState}
 * per partition key in a lazy {@code MapView} entry typed {@code RAW} with our
 * {@link ModelStateSerializer}, and its training steps match a plain {@link Trainer} bit for bit,
 * on the heap and on RocksDB.
 */
class ModelStateInPtfProbeTest {

    static ModelSpec spec() {
        return new ModelSpec(2, List.of(new LayerSpec.Dense(1, Activation.LINEAR, true, null, null)),
                LossKind.MEAN_SQUARED_ERROR);
    }

    static Trainer trainer() {
        return new Trainer(spec(), new OptimizerSpec.Adam(new ScheduleSpec.Constant(0.05), 0.9, 0.999, 1e-7, false,
                GradientOptions.NONE));
    }

    /** One training step per row (a batch of one), the loss and version out. */
    public static class TrainProbe extends ProcessTableFunction<Row> {
        /** Reads of a stored model that returned another object than the one last stored (a deserialized copy). */
        static final AtomicInteger COPIES = new AtomicInteger();
        static final AtomicInteger READS = new AtomicInteger();

        private transient Trainer trainer;
        private transient Map<String, ModelState> lastPut;

        @Override
        public TypeInference getTypeInference(DataTypeFactory typeFactory) {
            LinkedHashMap<String, StateTypeStrategy> state = new LinkedHashMap<>();
            state.put("model", StateTypeStrategy.of(TypeStrategies.explicit(MapView.newMapViewDataType(
                    DataTypes.STRING(), DataTypes.RAW(ModelState.class, new ModelStateSerializer(spec()))))));
            return TypeInference.newBuilder()
                    .staticArguments(StaticArgument.table("input", Row.class, false,
                            EnumSet.of(StaticArgumentTrait.SET_SEMANTIC_TABLE)))
                    .stateTypeStrategies(state)
                    .outputTypeStrategy(TypeStrategies.explicit(DataTypes.ROW(
                            DataTypes.FIELD("i", DataTypes.INT()),
                            DataTypes.FIELD("version", DataTypes.BIGINT()),
                            DataTypes.FIELD("loss", DataTypes.DOUBLE()))))
                    .build();
        }

        public void eval(MapView<String, ModelState> model, Row input) throws Exception {
            if (trainer == null) {
                trainer = trainer();
            }
            if (lastPut == null) {
                lastPut = new HashMap<>();
            }
            String key = (String) input.getField("k");
            ModelState s = model.get("m");
            if (s == null) {
                s = trainer.newState(42);
            } else {
                READS.incrementAndGet();
                if (s != lastPut.get(key)) {
                    COPIES.incrementAndGet();
                }
            }
            MiniBatch batch = new MiniBatch(2, 1, 1);
            batch.add(new float[] {((Double) input.getField("x0")).floatValue(),
                    ((Double) input.getField("x1")).floatValue()}, new float[] {((Double) input.getField("y")).floatValue()});
            double loss = trainer.step(s, batch).loss();
            model.put("m", s);
            lastPut.put(key, s);
            collect(Row.of(input.getField("i"), s.version(), loss));
        }
    }

    /** On RocksDB every MapView get/put goes through {@link ModelStateSerializer}. */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aPtfHoldsModelStateWithOurSerializerAndTrainsLikeTheEngine(String backend) throws Exception {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        env.getConfig().set("parallelism.default", "2");
        env.getConfig().set("state.backend.type", backend);
        TrainProbe.COPIES.set(0);
        TrainProbe.READS.set(0);
        env.createTemporarySystemFunction("TRAIN_PROBE", TrainProbe.class);
        StringBuilder values = new StringBuilder();
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            double x0 = Math.sin(i);
            double x1 = Math.cos(i * 0.7);
            double y = 2 * x0 - x1 + 0.5;
            rows.add(new double[] {x0, x1, y});
            values.append(i == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT,
                    "('%s', %d, CAST(%s AS DOUBLE), CAST(%s AS DOUBLE), CAST(%s AS DOUBLE))",
                    i % 2 == 0 ? "a" : "b", i, x0, x1, y));
        }
        env.executeSql("CREATE TEMPORARY VIEW examples AS SELECT * FROM (VALUES " + values + ") AS t(k, i, x0, x1, y)");

        Map<String, List<Row>> out = new HashMap<>();
        try (CloseableIterator<Row> it = env.executeSql(
                "SELECT k, i, version, loss FROM TRAIN_PROBE(input => TABLE examples PARTITION BY k)").collect()) {
            it.forEachRemaining(r -> out.computeIfAbsent((String) r.getField("k"), x -> new ArrayList<>()).add(r));
        }

        assertThat(TrainProbe.READS.get()).isEqualTo(18);
        // RocksDB: every read deserializes a copy through ModelStateSerializer; the heap hands out
        // the stored object itself (almost always: one read in 18 was a copy on the heap too)
        if (backend.equals("rocksdb")) {
            assertThat(TrainProbe.COPIES.get()).isEqualTo(18);
        } else {
            assertThat(TrainProbe.COPIES.get()).isLessThan(18);
        }
        for (String key : List.of("a", "b")) {
            // replay the rows in the order the function saw them (the per-key order of the source)
            Trainer t = trainer();
            ModelState s = t.newState(42);
            List<Row> seen = out.get(key);
            assertThat(seen).hasSize(10);
            for (Row r : seen) {
                double[] x = rows.get((Integer) r.getField("i"));
                MiniBatch b = new MiniBatch(2, 1, 1);
                b.add(new float[] {(float) x[0], (float) x[1]}, new float[] {(float) x[2]});
                double expected = t.step(s, b).loss();
                assertThat((Double) r.getField("loss")).as("key %s row %s", key, r).isEqualTo(expected);
                assertThat(r.getField("version")).isEqualTo(s.version());
            }
        }
    }
}
