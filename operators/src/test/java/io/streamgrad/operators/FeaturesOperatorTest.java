package io.streamgrad.operators;

import static io.streamgrad.operators.TestSupport.deadLetters;
import static io.streamgrad.operators.TestSupport.snapshots;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.state.ModelState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** A model with named raw features through the trainer and the scoring operator. */
class FeaturesOperatorTest {

    private static Map<String, Object> asMap(FeatureValues v) {
        Map<String, Object> m = new HashMap<>();
        m.put("amount", v.numbers.clone());
        m.put("country", v.strings[0]);
        m.put("store", v.integers[0]);
        return m;
    }

    private static Example unlabelled(String key, String id, Random r) {
        Example e = TestSupport.featuresExample(key, r);
        e.target = null;
        e.eventId = id;
        return e;
    }

    @Test
    void exampleAndItsFeatureValuesAreFlinkPojos() {
        TypeInformation<Example> t = TypeInformation.of(Example.class);
        assertThat(t).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<Example> pojo = (PojoTypeInfo<Example>) t;
        TypeInformation<?> values = pojo.getTypeAt(pojo.getFieldIndex("featureValues"));
        assertThat(values).isInstanceOf(PojoTypeInfo.class);
        for (int i = 0; i < values.getArity(); i++) {
            assertThat(((PojoTypeInfo<?>) values).getTypeAt(i)).isNotInstanceOf(GenericTypeInfo.class);
        }
    }

    @Test
    void trainsRawRowsAndPredictsThemLikeItsSnapshots() throws Exception {
        OnlineTrainerConfig config = TestSupport.features(4).snapshotEverySteps(1).build();
        Random r = new Random(5);
        List<Example> asked = new ArrayList<>();
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, Example, LossMetric>(
                new OnlineTrainerOperator(config, TrainerPredictions.of(TrainerPredictions.Mode.UNLABELLED)),
                e -> e.modelKey, Types.STRING, TestSupport.MAX_PARALLELISM, 1, 0)) {
            h.setStateBackend(TestSupport.rocksDb());
            h.open();
            for (int i = 0; i < 40; i++) {
                h.processElement(TestSupport.featuresExample("a", r), 0L);
                if (i % 7 == 6) {
                    Example u = unlabelled("a", "u" + i, r);
                    asked.add(u);
                    h.processElement(u, 0L);
                }
            }
            Example broken = TestSupport.featuresExample("a", r);
            broken.featureValues.strings[0] = null;
            h.processElement(broken, 0L);
            Example vector = new Example("a", new float[] {1, 2, 3}, new float[] {0, 1}, Example.NO_TIMESTAMP, null);
            h.processElement(vector, 0L);

            assertThat(deadLetters(h)).extracting(d -> d.reason)
                    .containsExactly("country: missing", "features: missing (the model takes named features: "
                            + "amount, country, store)");
            List<SnapshotRecord> snaps = snapshots(h);
            ModelState last = TestSupport.state(snaps.get(snaps.size() - 1));
            assertThat(last.examplesSeen()).isEqualTo(40);
            assertThat(last.frontEnd().vocabulary(1).size()).isEqualTo(3);
            assertThat(last.frontEnd().moments(0).count()).isEqualTo(40);

            var q = h.getSideOutput(OnlineTrainerOperator.PREDICTIONS);
            List<PredictionRecord> p = q.stream().map(StreamRecord::getValue).collect(Collectors.toList());
            assertThat(p).hasSize(asked.size());
            for (int i = 0; i < p.size(); i++) {
                long version = p.get(i).modelVersion;
                SnapshotRecord s = snaps.stream().filter(x -> x.version == version).findFirst().orElseThrow();
                float[] expected = Predictor.fromState(config.modelSpec(), s.state)
                        .predict(asMap(asked.get(i).featureValues)).values();
                assertThat(p.get(i).values).as("live = snapshot, bit for bit").isEqualTo(expected);
            }
        }
    }

    @Test
    void theScoringOperatorScoresRawEventsWithTheSnapshotsFrontEnd() throws Exception {
        OnlineTrainerConfig config = TestSupport.features(4).snapshotEverySteps(3).build();
        Random r = new Random(9);
        List<SnapshotRecord> snaps;
        try (var trainer = TestSupport.harness(config)) {
            trainer.open();
            for (int i = 0; i < 24; i++) {
                trainer.processElement(TestSupport.featuresExample("k", r), 0L);
            }
            snaps = snapshots(trainer);
        }
        SnapshotRecord latest = snaps.get(snaps.size() - 1);
        Predictor predictor = Predictor.fromState(config.modelSpec(), latest.state);
        try (var h = ScoringTestSupport.harness(ScoringConfig.builder().build(), TestSupport.rocksDb())) {
            h.open();
            List<Example> events = new ArrayList<>();
            for (int i = 0; i < 3; i++) { // held in state until the model arrives
                Example e = unlabelled("k", "e" + i, r);
                events.add(e);
                h.processElement1(new StreamRecord<>(e, 0L));
            }
            h.processElement2(new StreamRecord<>(latest, 0L));
            Example e = unlabelled("k", "e3", r);
            events.add(e);
            h.processElement1(new StreamRecord<>(e, 0L));
            Example bad = unlabelled("k", "bad", r);
            bad.featureValues.numbers[1] = Double.POSITIVE_INFINITY;
            h.processElement1(new StreamRecord<>(bad, 0L));

            List<PredictionRecord> p = ScoringTestSupport.predictions(h);
            assertThat(p).extracting(x -> x.eventId).containsExactly("e0", "e1", "e2", "e3");
            for (int i = 0; i < p.size(); i++) {
                assertThat(p.get(i).values).isEqualTo(predictor.predict(asMap(events.get(i).featureValues)).values());
                assertThat(p.get(i).modelVersion).isEqualTo(latest.version);
            }
            assertThat(ScoringTestSupport.deadLetters(h)).extracting(d -> d.reason)
                    .containsExactly("amount[1]: not a finite number (Infinity)");
        }
    }
}
