package io.streamgrad.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.operators.EarlyEventPolicy;
import io.streamgrad.operators.TrainerPredictions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code scoring} section, {@code topics.predictions} and {@code training.predictions}. */
class ScoringConfigTest {
    private static JobConfig parse(String... overrides) {
        return JobConfig.parse(JobConfigTest.BASE, Arrays.asList(overrides));
    }

    @Test
    void defaultsComeFromTheTopicsSection() {
        JobConfig c = parse();
        assertThat(c.topics().predictions()).isEqualTo("streamgrad-predictions");
        assertThat(c.scoring().events()).isEqualTo("examples");
        assertThat(c.scoring().snapshots()).isEqualTo("streamgrad-snapshots");
        assertThat(c.scoring().predictions()).isEqualTo("streamgrad-predictions");
        assertThat(c.scoringConfig().earlyEvents()).isEqualTo(EarlyEventPolicy.HOLD);
        assertThat(c.scoringConfig().maxHeldEventsPerKey()).isEqualTo(1_000);
        assertThat(c.training().predictions()).isEqualTo(PredictionMode.OFF);
        assertThat(c.trainerPredictions().mode()).isEqualTo(TrainerPredictions.Mode.OFF);
    }

    @Test
    void explicitValues() {
        JobConfig c = parse("topics.predictions=p", "scoring.events=ev", "scoring.snapshots=snaps",
                "scoring.earlyEvents=deadLetter", "scoring.maxHeldEventsPerKey=5", "training.predictions=prequential",
                "input.label.classes=[a, b, c]");
        assertThat(c.scoring()).isEqualTo(new Scoring("ev", "p", "snaps", Scoring.EarlyEvents.DEAD_LETTER, 5));
        assertThat(c.scoringConfig().earlyEvents()).isEqualTo(EarlyEventPolicy.DEAD_LETTER);
        assertThat(c.scoringConfig().classNames()).isEqualTo(List.of("a", "b", "c"));
        assertThat(c.trainerPredictions().mode()).isEqualTo(TrainerPredictions.Mode.PREQUENTIAL);
        assertThat(c.trainerPredictions().classNames()).isEqualTo(List.of("a", "b", "c"));
        assertThat(c.describe()).contains("predictions (prequential) p");
        assertThat(parse("scoring.predictions=q").scoring().predictions()).isEqualTo("q");
    }

    @Test
    void errorsNameTheField() {
        assertThatThrownBy(() -> parse("scoring.earlyEvents=drop")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("scoring.earlyEvents: unknown value 'drop', expected one of hold, deadLetter");
        assertThatThrownBy(() -> parse("scoring.maxHeldEventsPerKey=0"))
                .hasMessage("scoring.maxHeldEventsPerKey: must be >= 1, got 0");
        assertThatThrownBy(() -> parse("scoring.predictions=examples"))
                .hasMessageStartingWith("scoring.predictions: must differ from the events topic (examples)");
        assertThatThrownBy(() -> parse("scoring.events=streamgrad-snapshots"))
                .hasMessageStartingWith("scoring.events: must differ from the snapshots topic");
        assertThatThrownBy(() -> parse("scoring.topic=x")).hasMessageStartingWith("scoring.topic: unknown field");
        assertThatThrownBy(() -> parse("training.predictions=always"))
                .hasMessageStartingWith("training.predictions: unknown value 'always', expected one of off, unlabelled");
        assertThatThrownBy(() -> parse("training.predictions=unlabelled", "topics.predictions=examples"))
                .hasMessageStartingWith("topics.predictions: must differ from topics.input");
        assertThatThrownBy(() -> parse("topics.predictions=")).hasMessage("topics.predictions: must not be empty");
    }
}
