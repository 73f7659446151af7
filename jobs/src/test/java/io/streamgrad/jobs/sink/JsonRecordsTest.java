package io.streamgrad.jobs.sink;

import io.streamgrad.model.train.StepResult;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgrad.operators.LossMetric;
import org.junit.jupiter.api.Test;

class JsonRecordsTest {
    @Test
    void metricCarriesSkippedStepsAndOutcomeAndNullsNonFiniteNumbers() {
        LossMetric m = new LossMetric();
        m.modelKey = "a";
        m.version = 7;
        m.step = 7;
        m.steps = 1;
        m.loss = Double.POSITIVE_INFINITY;
        m.learningRate = Double.NaN;
        m.skippedUpdates = 3;
        m.skippedSteps = 1;
        m.outcome = StepResult.Outcome.SKIPPED_NON_FINITE;
        ObjectNode o = JsonRecords.metric(m);
        assertThat(o.get("skippedUpdates").asLong()).isEqualTo(3);
        assertThat(o.get("skippedSteps").asInt()).isEqualTo(1);
        assertThat(o.get("outcome").asText()).isEqualTo("SKIPPED_NON_FINITE");
        assertThat(o.get("loss").isNull()).isTrue();
        assertThat(o.get("learningRate").isNull()).isTrue();

        m.outcome = null; // an end-of-input aggregate has no last outcome
        assertThat(JsonRecords.metric(m).has("outcome")).isFalse();
    }
}
