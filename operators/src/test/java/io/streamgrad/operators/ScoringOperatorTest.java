package io.streamgrad.operators;

import static io.streamgrad.operators.ScoringTestSupport.deadLetters;
import static io.streamgrad.operators.ScoringTestSupport.event;
import static io.streamgrad.operators.ScoringTestSupport.expected;
import static io.streamgrad.operators.ScoringTestSupport.harness;
import static io.streamgrad.operators.ScoringTestSupport.model;
import static io.streamgrad.operators.ScoringTestSupport.operator;
import static io.streamgrad.operators.ScoringTestSupport.predictions;
import static io.streamgrad.operators.ScoringTestSupport.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ScoringOperatorTest {
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void scoresWithTheNewestModelOfTheKeyBitIdenticalToThePredictor() throws Exception {
        SnapshotRecord v3 = snapshot("a", 3, T0);
        SnapshotRecord v5 = snapshot("a", 5, T0 + 1_000);
        SnapshotRecord v4 = snapshot("a", 4, T0 + 2_000);
        SnapshotRecord b2 = snapshot("b", 2, T0);
        Random r = new Random(3);
        try (var h = harness(ScoringConfig.builder().classNames(List.of("neg", "pos")).build(), null)) {
            h.open();
            h.processElement2(v3, 0L);
            h.processElement2(b2, 0L);
            Example e1 = event("a", "e1", T0 + 500, r);
            Example e2 = event("b", null, Example.NO_TIMESTAMP, r);
            h.processElement1(e1, 0L);
            h.processElement1(new org.apache.flink.streaming.runtime.streamrecord.StreamRecord<>(e2)); // no time at all
            h.processElement2(v5, 0L);
            Example e3 = event("a", "e3", T0 + 4_000, r);
            h.processElement1(e3, 0L);
            h.processElement2(v4, 0L); // older than the serving v5: ignored
            h.processElement2(v3, 0L); // a replay: ignored
            Example e4 = event("a", "e4", Example.NO_TIMESTAMP, r);
            h.processElement1(e4, T0 + 5_000); // event time from the record timestamp

            List<PredictionRecord> p = predictions(h);
            assertThat(p).extracting(x -> x.eventId).containsExactly("e1", null, "e3", "e4");
            assertThat(p).extracting(x -> x.modelVersion).containsExactly(3L, 2L, 5L, 5L);
            assertThat(p.get(0).values).isEqualTo(expected(v3, e1.features));
            assertThat(p.get(1).values).isEqualTo(expected(b2, e2.features));
            assertThat(p.get(2).values).isEqualTo(expected(v5, e3.features));
            assertThat(p.get(3).values).isEqualTo(expected(v5, e4.features));
            assertThat(p).extracting(x -> x.stalenessMillis)
                    .containsExactly(500L, PredictionRecord.UNKNOWN_STALENESS, 3_000L, 4_000L);
            assertThat(p.get(2).modelCreatedAt).isEqualTo(T0 + 1_000);
            assertThat(p.get(3).eventTime).isEqualTo(T0 + 5_000);
            for (PredictionRecord x : p) {
                int argmax = x.values[1] > x.values[0] ? 1 : 0;
                assertThat(x.classIndex).isEqualTo(argmax);
                assertThat(x.className).isEqualTo(argmax == 1 ? "pos" : "neg");
                assertThat(x.values[0] + x.values[1]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
            }
            assertThat(deadLetters(h)).isEmpty();
            assertThat(operator(h).metrics().snapshotsOutdated()).isEqualTo(2);
            assertThat(operator(h).metrics().modelsLoaded()).isEqualTo(3);
            assertThat(operator(h).metrics().predictions()).isEqualTo(4);
        }
    }

    @Test
    void earlyEventsAreHeldUpToTheBoundAndScoredInOrderWithTheFirstModel() throws Exception {
        Random r = new Random(5);
        try (var h = harness(ScoringConfig.builder().maxHeldEventsPerKey(2).build(), null)) {
            h.open();
            Example e1 = event("a", "e1", T0, r);
            Example e2 = event("a", "e2", T0 + 1, r);
            Example e3 = event("a", "e3", T0 + 2, r);
            Example other = event("z", "z1", T0, r);
            h.processElement1(e1, 0L);
            h.processElement1(e2, 0L);
            h.processElement1(e3, 0L); // over the bound
            h.processElement1(other, 0L);
            assertThat(predictions(h)).isEmpty();
            assertThat(deadLetters(h)).singleElement().satisfies(d -> {
                assertThat(d.stage).isEqualTo(DeadLetter.STAGE_SCORE);
                assertThat(d.reason).contains("2 events already held");
                assertThat(d.modelKey).isEqualTo("a");
            });
            SnapshotRecord v2 = snapshot("a", 2, T0 + 10);
            h.processElement2(v2, 0L);
            List<PredictionRecord> p = predictions(h);
            assertThat(p).extracting(x -> x.eventId).containsExactly("e1", "e2");
            assertThat(p.get(0).values).isEqualTo(expected(v2, e1.features));
            assertThat(p.get(1).values).isEqualTo(expected(v2, e2.features));
            assertThat(p).extracting(x -> x.stalenessMillis).containsExactly(-10L, -9L);
            assertThat(operator(h).metrics().eventsHeld()).isEqualTo(3);
            assertThat(operator(h).metrics().heldEventsScored()).isEqualTo(2);

            h.endInput2(); // no model can come for "z" any more
            assertThat(deadLetters(h)).hasSize(2);
            assertThat(deadLetters(h).get(1).reason).contains("before the snapshot input ended");
            assertThat(deadLetters(h).get(1).modelKey).isEqualTo("z");
            h.processElement1(event("z", "z2", T0, r), 0L);
            assertThat(deadLetters(h)).hasSize(3);
            assertThat(operator(h).metrics().eventsWithoutModel()).isEqualTo(3);
        }
    }

    @Test
    void aSnapshotReadFromItsJsonServesTheSameBits() throws Exception {
        SnapshotRecord record = snapshot("a", 3, T0);
        byte[] json = io.streamgrad.model.snapshot.SnapshotJson.toBytes(record.toModelSnapshot());
        SnapshotRecord fromJson = SnapshotRecord.fromJson(json);
        assertThat(fromJson.version).isEqualTo(3);
        assertThat(fromJson.createdAt).isEqualTo(T0);
        ModelState weights = ModelStateCodec.decode(fromJson.state);
        assertThat(weights.version()).isEqualTo(3);
        assertThat(weights.weights()).isDeepEqualTo(ModelStateCodec.decode(record.state).weights());
        assertThat(fromJson.modelSpec).isEqualTo(record.modelSpec);
        assertThat(fromJson.trigger).isNull();
        Example e = event("a", "e", T0, new Random(3));
        try (var h = harness(ScoringConfig.defaults(), null)) {
            h.open();
            h.processElement2(fromJson, 0L);
            h.processElement1(e, 0L);
            assertThat(predictions(h)).singleElement().extracting(p -> p.values).isEqualTo(expected(record, e.features));
        }
    }

    @Test
    void recordsCrossTheNetworkAsPojosWithoutKryo() {
        for (Class<?> c : List.of(PredictionRecord.class, Example.class, SnapshotRecord.class)) {
            assertThat(org.apache.flink.api.common.typeinfo.TypeInformation.of(c)).as(c.getSimpleName())
                    .isInstanceOf(org.apache.flink.api.java.typeutils.PojoTypeInfo.class);
        }
    }

    @Test
    void deadLetterPolicySendsEarlyEventsAwayAtOnce() throws Exception {
        try (var h = harness(ScoringConfig.builder().earlyEvents(EarlyEventPolicy.DEAD_LETTER).build(), null)) {
            h.open();
            h.processElement1(event("a", "e1", T0, new Random(1)), 0L);
            assertThat(deadLetters(h)).singleElement().satisfies(d -> {
                assertThat(d.reason).contains("no model for key yet");
                assertThat(d.record).contains("Example{a");
            });
            h.processElement2(snapshot("a", 1, T0), 0L);
            assertThat(predictions(h)).isEmpty(); // nothing was held
            assertThat(operator(h).metrics().eventsWithoutModel()).isEqualTo(1);
        }
    }

    @Test
    void corruptOrHostileSnapshotsAreRejectedAndThePreviousModelStaysInService() throws Exception {
        SnapshotRecord good = snapshot("a", 2, T0);
        List<SnapshotRecord> bad = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        SnapshotRecord truncated = snapshot("a", 3, T0);
        truncated.state = Arrays.copyOf(truncated.state, truncated.state.length - 5);
        bad.add(truncated);
        reasons.add("not a valid model state");
        ModelState nan = model("a", 4);
        nan.weights()[0][0] = Float.NaN;
        bad.add(snapshot("a", nan, T0));
        reasons.add("must be finite");
        SnapshotRecord otherShape = snapshot("a", 5, T0);
        otherShape.modelSpec = TestSupport.LINEAR_MODEL;
        bad.add(otherShape);
        reasons.add("weight arrays");
        SnapshotRecord garbageSpec = snapshot("a", 6, T0);
        garbageSpec.modelSpec = "{\"inputDim\": -3";
        bad.add(garbageSpec);
        reasons.add("snapshot v6");
        SnapshotRecord huge = snapshot("a", 7, T0);
        huge.modelSpec = "{\"inputDim\": 50000, \"layers\": [{\"type\": \"dense\", \"units\": 50000}],"
                + " \"loss\": \"meanSquaredError\"}";
        bad.add(huge);
        reasons.add("parameters");
        SnapshotRecord lying = snapshot("a", 8, T0);
        lying.version = 80;
        bad.add(lying);
        reasons.add("its state has version 8");
        SnapshotRecord noState = snapshot("a", 9, T0);
        noState.state = null;
        bad.add(noState);
        reasons.add("state is missing");
        SnapshotRecord notAState = snapshot("a", 10, T0);
        notAState.state = "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        bad.add(notAState);
        reasons.add("more than the input can hold");

        Random r = new Random(8);
        try (var h = harness(ScoringConfig.defaults(), null)) {
            h.open();
            h.processElement2(good, 0L);
            for (SnapshotRecord s : bad) {
                h.processElement2(s, 0L);
            }
            Example e = event("a", "e", T0, r);
            h.processElement1(e, 0L);
            assertThat(predictions(h)).singleElement().satisfies(p -> {
                assertThat(p.modelVersion).isEqualTo(2);
                assertThat(p.values).isEqualTo(expected(good, e.features));
            });
            List<DeadLetter> d = deadLetters(h);
            assertThat(d).hasSize(bad.size());
            for (int i = 0; i < bad.size(); i++) {
                assertThat(d.get(i).stage).isEqualTo(DeadLetter.STAGE_SNAPSHOT);
                assertThat(d.get(i).reason).as("snapshot %d", i).contains(reasons.get(i));
            }
            assertThat(operator(h).metrics().snapshotsRejected()).isEqualTo(bad.size());
        }
    }

    @Test
    void classNamesThatDoNotFitTheModelRejectItsSnapshots() throws Exception {
        try (var h = harness(ScoringConfig.builder().classNames(List.of("x", "y", "z")).build(), null)) {
            h.open();
            h.processElement2(snapshot("a", 1, T0), 0L);
            assertThat(deadLetters(h)).singleElement().extracting(x -> x.reason).asString()
                    .contains("the model has 2 classes");
        }
    }

    @Test
    void eventsThatDoNotFitTheModelAreDeadLettered() throws Exception {
        try (var h = harness(ScoringConfig.defaults(), null)) {
            h.open();
            h.processElement2(snapshot("a", 1, T0), 0L);
            h.processElement1(new Example("a", new float[] {1, 2}, null, T0, "{raw}"), 0L);
            h.processElement1(new Example("a", new float[] {1, Float.NaN, 2}, null, T0, null), 0L);
            h.processElement1(new Example("a", null, null, T0, null), 0L);
            assertThat(predictions(h)).isEmpty();
            assertThat(deadLetters(h)).extracting(x -> x.reason).containsExactly("features: expected 3 values, got 2",
                    "features[1]: not finite (NaN)", "features: missing");
            assertThat(deadLetters(h).get(0).record).isEqualTo("{raw}");
        }
    }

    /** Input script: events, snapshots (in versions that go up, down and repeat) for three keys. */
    private static List<Object> script(long seed, int n) {
        Random r = new Random(seed);
        String[] keys = {"a", "b", "c"};
        int[] versions = new int[3];
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(3);
            if (r.nextInt(6) == 0) {
                versions[k] += r.nextInt(4) - 1; // sometimes older or the same
                out.add(snapshot(keys[k], Math.max(1, versions[k]), T0 + i));
            } else {
                out.add(event(keys[k], "id" + i, T0 + 10L * i, r));
            }
        }
        return out;
    }

    private static void feed(KeyedTwoInputStreamOperatorTestHarness<String, Example, SnapshotRecord,
            PredictionRecord> h, List<Object> input) throws Exception {
        for (Object o : input) {
            if (o instanceof Example e) {
                h.processElement1(e, 0L);
            } else {
                h.processElement2((SnapshotRecord) o, 0L);
            }
        }
    }

    private static String bits(List<PredictionRecord> p) {
        StringBuilder sb = new StringBuilder();
        for (PredictionRecord x : p) {
            sb.append(x.modelKey).append('/').append(x.eventId).append('/').append(x.modelVersion).append('/')
                    .append(x.stalenessMillis).append('/').append(x.classIndex);
            for (float v : x.values) {
                sb.append('/').append(Integer.toHexString(Float.floatToRawIntBits(v)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Test
    void restoringFromAHarnessSnapshotGivesTheSameOutputAndVersionsNeverGoBack() throws Exception {
        for (StateBackend backend : new StateBackend[] {null, TestSupport.rocksDb()}) {
            List<Object> input = script(42, 240);
            List<Object> first = input.subList(0, 120);
            List<Object> rest = input.subList(120, input.size());
            String uninterrupted;
            try (var h = harness(ScoringConfig.builder().maxCachedModels(1).build(), backend)) {
                h.open();
                feed(h, input);
                uninterrupted = bits(predictions(h));
                assertVersionsNeverGoBack(predictions(h));
                assertThat(predictions(h).size()).isGreaterThan(150);
            }
            OperatorSubtaskState saved;
            String before;
            try (var h = harness(ScoringConfig.defaults(), backend)) {
                h.open();
                feed(h, first);
                before = bits(predictions(h));
                saved = h.snapshot(1L, 1L);
            }
            try (var h = harness(ScoringConfig.defaults(), backend)) {
                h.initializeState(saved);
                h.open();
                feed(h, rest);
                assertThat(before + bits(predictions(h))).as("backend %s", backend).isEqualTo(uninterrupted);
            }
        }
    }

    @Test
    void rescalingFromOneToThreeSubtasksKeepsEveryKeysModelsAndHeldEvents() throws Exception {
        for (StateBackend backend : new StateBackend[] {null, TestSupport.rocksDb()}) {
            List<Object> input = new ArrayList<>();
            input.add(event("d", "held-before-any-model", T0, new Random(9))); // "d" gets its model after the rescale
            input.addAll(script(7, 240));
            input.add(snapshot("d", 1, T0));
            List<Object> first = input.subList(0, 121);
            List<Object> rest = input.subList(121, input.size());
            java.util.Map<String, String> uninterrupted = new java.util.TreeMap<>();
            try (var h = harness(ScoringConfig.defaults(), backend)) {
                h.open();
                feed(h, input);
                predictions(h).forEach(p -> uninterrupted.merge(p.modelKey, bits(List.of(p)), String::concat));
            }
            java.util.Map<String, String> rescaled = new java.util.TreeMap<>();
            OperatorSubtaskState saved;
            try (var h = harness(ScoringConfig.defaults(), backend)) {
                h.open();
                feed(h, first);
                predictions(h).forEach(p -> rescaled.merge(p.modelKey, bits(List.of(p)), String::concat));
                saved = h.snapshot(1L, 1L);
            }
            List<KeyedTwoInputStreamOperatorTestHarness<String, Example, SnapshotRecord, PredictionRecord>> hs =
                    new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                var h = harness(ScoringConfig.defaults(), backend, 3, i);
                h.initializeState(org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness
                        .repartitionOperatorState(saved, TestSupport.MAX_PARALLELISM, 1, 3, i));
                h.open();
                hs.add(h);
            }
            for (Object o : rest) {
                String key = o instanceof Example e ? e.modelKey : ((SnapshotRecord) o).modelKey;
                feed(hs.get(org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(
                        key, TestSupport.MAX_PARALLELISM, 3)), List.of(o));
            }
            for (var h : hs) {
                predictions(h).forEach(p -> rescaled.merge(p.modelKey, bits(List.of(p)), String::concat));
                h.close();
            }
            assertThat(uninterrupted).containsKey("d");
            assertThat(rescaled).as("backend %s", backend).isEqualTo(uninterrupted);
        }
    }

    private static void assertVersionsNeverGoBack(List<PredictionRecord> p) {
        java.util.Map<String, Long> last = new java.util.HashMap<>();
        for (PredictionRecord x : p) {
            Long prev = last.put(x.modelKey, x.modelVersion);
            assertThat(x.modelVersion).as("key %s", x.modelKey).isGreaterThanOrEqualTo(prev == null ? 0 : prev);
        }
    }

    @Test
    void heldEventsSurviveARestore() throws Exception {
        Random r = new Random(2);
        Example e1 = event("a", "e1", T0, r);
        OperatorSubtaskState saved;
        try (var h = harness(ScoringConfig.defaults(), TestSupport.rocksDb())) {
            h.open();
            h.processElement1(e1, 0L);
            saved = h.snapshot(1L, 1L);
        }
        SnapshotRecord v1 = snapshot("a", 1, T0);
        try (var h = harness(ScoringConfig.defaults(), TestSupport.rocksDb())) {
            h.initializeState(saved);
            h.open();
            h.processElement2(v1, 0L);
            assertThat(predictions(h)).singleElement().satisfies(p -> {
                assertThat(p.eventId).isEqualTo("e1");
                assertThat(p.values).isEqualTo(expected(v1, e1.features));
            });
        }
        assertThat(ModelStateCodec.decode(v1.state).version()).isEqualTo(1);
    }
}
