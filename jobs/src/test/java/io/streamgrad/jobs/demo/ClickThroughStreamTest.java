package io.streamgrad.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.jobs.input.ParseResult;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.Example;
import java.io.BufferedReader;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The synthetic click-through stream fits the shipped example configuration and is learnable. */
class ClickThroughStreamTest {

    private static JobConfig example() throws Exception {
        try (InputStream in = ClickThroughStreamTest.class.getClassLoader()
                .getResourceAsStream("examples/click-through.yaml")) {
            return JobConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), List.of());
        }
    }

    @Test
    void everyRecordParsesAndTheModelLearns() throws Exception {
        JobConfig c = example();
        ExampleParser parser = new ExampleParser(c.input(), c.model());
        Trainer trainer = new Trainer(c.model(), c.optimizer());
        ModelState state = trainer.newState(1);
        MiniBatch batch = MiniBatch.forModel(c.model(), 64);
        var rows = new io.streamgrad.operators.training.FeatureRows(c.model().features());
        BufferedReader lines = new BufferedReader(new ClickThroughStream(3).lines());
        Set<String> sites = new HashSet<>();
        double first = 0;
        double last = 0;
        int steps = 0;
        for (int i = 0; i < 64 * 150; i++) {
            ParseResult r = parser.parse((String) null, lines.readLine(), 0L);
            assertThat(r.isOk()).as("%s", r).isTrue();
            Example e = r.example;
            sites.add(e.modelKey);
            rows.fill(batch.raw(), batch.addRow(e.target), e.featureValues);
            if (batch.size() == 64) {
                double loss = trainer.step(state, batch).loss();
                first = steps < 10 ? first + loss / 10 : first;
                last = steps >= 140 ? last + loss / 10 : last;
                steps++;
                batch.clear();
            }
        }
        assertThat(sites).containsExactlyInAnyOrder("news-eu", "shop-us", "games-apac");
        assertThat(state.frontEnd().vocabulary(2).size()).isGreaterThan(20); // countries grew
        assertThat(state.frontEnd().vocabulary(3).size()).isGreaterThan(200); // advertisers grew
        assertThat(last).isLessThan(first);
    }

    @Test
    void deterministicForASeed() {
        ClickThroughStream a = new ClickThroughStream(7);
        ClickThroughStream b = new ClickThroughStream(7);
        for (int i = 0; i < 100; i++) {
            assertThat(a.next()).isEqualTo(b.next());
        }
    }
}
