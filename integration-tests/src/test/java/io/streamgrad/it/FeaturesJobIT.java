package io.streamgrad.it;

import static io.streamgrad.it.StreamGradFixture.flinkConf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.it.EngineReplay.KeyReplay;
import io.streamgrad.it.StreamGradFixture.In;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.demo.ClickThroughStream;
import io.streamgrad.model.features.FeatureBatch;
import io.streamgrad.model.serve.Predictor;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.train.Trainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model with named raw features end to end: JSON records with numbers, strings and integers
 * (the synthetic click-through stream) -> the job (online Normalization, a growing StringLookup and
 * IntegerLookup with embeddings, a Hashing one-hot) -> snapshots that carry the front-end, equal
 * to an engine replay bit for bit, and a {@link Predictor} of the snapshot that scores raw rows
 * as the engine does.
 */
class FeaturesJobIT {
    static StreamGradFixture kafka;

    @BeforeAll
    static void startKafka() {
        kafka = StreamGradFixture.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    static final String FEATURES = "["
            + "{name: bidPrice, type: numeric, normalization: {adapt: online}}, "
            + "{name: position, type: numeric, size: 2, normalization: {adapt: online, freezeAfter: 400}}, "
            + "{name: country, type: string, lookup: {vocabulary: [DE, FR], maxTokens: 24, numOovIndices: 2, "
            + "grow: true}, embedding: {outputDim: 3}}, "
            + "{name: advertiser, type: integer, lookup: {vocabulary: [], maxTokens: 300, numOovIndices: 3, "
            + "grow: true}, embedding: {outputDim: 4, regularizer: {l2: 0.0001}}}, "
            + "{name: device, type: string, hashing: {numBins: 5}, encoding: oneHot}]";

    @Test
    void aMixedFeatureModelTrainsFromJsonAndScoresLikeTheEngine() throws Exception {
        kafka.createTopic("raw-in", 1, false);
        kafka.createOutputs("raw");
        ClickThroughStream stream = new ClickThroughStream(21);
        List<In> input = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            input.add(In.text(null, stream.next()));
            if (i == 500) {
                input.add(In.text(null, "{\"site\":\"news-eu\",\"bidPrice\":1,\"position\":[1,0.5],"
                        + "\"advertiser\":1001,\"clicked\":0}"));
                input.add(In.text(null, "{\"site\":\"news-eu\",\"bidPrice\":1,\"position\":[1,0.5],"
                        + "\"country\":\"DE\",\"advertiser\":\"acme\",\"clicked\":0}"));
            }
        }
        kafka.produce("raw-in", input);
        JobConfig cfg = kafka.job("it-raw", 2).bounded().topics("raw")
                .set("input.format", "json").set("input.key", "{from: field, field: site}")
                .set("input.json", "{label: clicked, eventTime: ts}").set("input.defaults", "{device: unknown}")
                .set("model.features", FEATURES)
                .set("model.layers", "[{type: dense, units: 16, activation: relu}, {type: dropout, rate: 0.1}, "
                        + "{type: dense, units: 1, activation: sigmoid}]")
                .set("model.loss", "binaryCrossentropy")
                .optimizer("{type: adam, learningRate: 0.01}").batches(32).set("training.seed", 9)
                .snapshotEvery(10).checkpointEvery(300).parse();
        StreamGradFixture.startJob(cfg, flinkConf("rocksdb", 0), UnaryOperator.identity())
                .getJobExecutionResult().get(120, TimeUnit.SECONDS);
        Outputs out = kafka.readAll(Duration.ofSeconds(30), "raw-metrics", "raw-snapshots", "raw-dead");

        assertThat(out.json("raw-dead")).extracting(d -> d.get("reason").asText())
                .containsExactlyInAnyOrder("country: missing", "advertiser: expected an integer, got 'acme'");

        Map<String, KeyReplay> engine = EngineReplay.records(cfg, input);
        assertThat(engine.keySet()).containsExactlyInAnyOrder("news-eu", "shop-us", "games-apac");
        List<ModelSnapshot> snapshots = out.snapshots("raw-snapshots");
        Map<String, ModelSnapshot> latest = Outputs.latest(snapshots);
        EngineReplay.assertLatestSnapshotsEqual(latest, engine); // front-end included (ModelState.bitEquals)
        Outputs.assertExactlyOncePerKeyVersion(out.json("raw-metrics"), snapshots);

        Trainer trainer = OnlineTrainingJob.trainerConfig(cfg, Map.of()).newTrainer();
        for (ModelSnapshot s : latest.values()) {
            assertThat(s.state().frontEnd().vocabulary(2).size()).as("countries grown").isGreaterThan(10);
            assertThat(s.state().frontEnd().vocabulary(3).size()).as("advertisers grown").isGreaterThan(50);
            assertThat(s.state().frontEnd().moments(1).count()).as("position frozen after 400").isLessThan(500);
            Predictor predictor = Predictor.of(s);
            for (Object[] row : List.of(new Object[] {0.4, 3, 0.7, "DE", 1000L, "mobile"},
                    new Object[] {2.5, 8, 0.1, "never-seen", 999_999L, "fridge"})) {
                FeatureBatch raw = new FeatureBatch(cfg.model().features(), 1);
                int r = raw.addRow();
                raw.setNumber(r, 0, 0, (Double) row[0]);
                raw.setNumbers(r, 1, (Integer) row[1], (Double) row[2]);
                raw.setString(r, 2, (String) row[3]);
                raw.setInteger(r, 3, (Long) row[4]);
                raw.setString(r, 4, (String) row[5]);
                float[] expected = new float[1];
                trainer.predict(engine.get(s.modelKey()).state, raw, 1, expected);
                float[] viaMap = predictor.predict(Map.of("bidPrice", row[0], "position", List.of(row[1], row[2]),
                        "country", row[3], "advertiser", row[4], "device", row[5])).values();
                assertThat(viaMap).as("scoring with the snapshot = the engine's inference").containsExactly(expected);
            }
        }
        List<JsonNode> metrics = out.json("raw-metrics");
        assertThat(metrics).isNotEmpty();
    }
}
