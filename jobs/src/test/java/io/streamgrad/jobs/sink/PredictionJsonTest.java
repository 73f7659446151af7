package io.streamgrad.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.operators.PredictionRecord;
import org.junit.jupiter.api.Test;

class PredictionJsonTest {
    @Test
    void classificationWithEveryField() {
        PredictionRecord p = new PredictionRecord();
        p.modelKey = "eu";
        p.eventId = "ev-1";
        p.values = new float[] {0.1f, 0.7f, 0.2f};
        p.classIndex = 1;
        p.className = "b";
        p.modelVersion = 3;
        p.modelCreatedAt = 1_000;
        p.eventTime = 1_500;
        p.stalenessMillis = 500;
        assertThat(PredictionJson.node(p).toString()).isEqualTo("{\"modelKey\":\"eu\",\"eventId\":\"ev-1\","
                + "\"values\":[0.1,0.7,0.2],\"classIndex\":1,\"className\":\"b\",\"modelVersion\":3,"
                + "\"modelCreatedAt\":1000,\"stalenessMs\":500,\"eventTime\":1500}");
    }

    @Test
    void regressionLeavesOutAbsentFactsAndKeepsFloatBits() {
        PredictionRecord p = new PredictionRecord();
        p.modelKey = "k";
        float v = Math.nextUp(1.0f / 3);
        p.values = new float[] {v, Float.NaN};
        p.target = new float[] {2f};
        p.modelVersion = 1;
        String json = PredictionJson.node(p).toString();
        assertThat(json).isEqualTo("{\"modelKey\":\"k\",\"values\":[" + v + ",null],\"modelVersion\":1,"
                + "\"modelCreatedAt\":0,\"target\":[2.0]}");
        assertThat(Float.parseFloat(PredictionJson.node(p).get("values").get(0).asText())).isEqualTo(v);
    }

    @Test
    void streamedBytesAreTheTreesBytes() {
        PredictionRecord full = new PredictionRecord();
        full.modelKey = "eu \"quoted\" \u00e9";
        full.eventId = "clicks-0@17";
        full.values = new float[] {0.1f, Math.nextUp(1.0f / 3), Float.NaN, -0f, 1e-40f, Float.MAX_VALUE};
        full.classIndex = 1;
        full.className = "b";
        full.modelVersion = Long.MAX_VALUE;
        full.modelCreatedAt = -5;
        full.eventTime = 1_500;
        full.stalenessMillis = 1_505;
        full.target = new float[] {2f, Float.POSITIVE_INFINITY};
        PredictionRecord bare = new PredictionRecord();
        bare.modelKey = "k";
        PredictionRecord empty = new PredictionRecord();
        empty.modelKey = "k";
        empty.values = new float[0];
        for (PredictionRecord p : java.util.List.of(full, bare, empty)) {
            assertThat(new String(PredictionJson.bytes(p), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(new String(JsonRecords.bytes(PredictionJson.node(p)), java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
