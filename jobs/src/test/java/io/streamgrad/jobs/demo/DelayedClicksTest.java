package io.streamgrad.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.jobs.labels.LabelRecordsAccess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Impressions without label and their clicks later, as the delayed-labels example reads them. */
class DelayedClicksTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void impressionsThenClicksInEventTimeOrder() throws Exception {
        List<String> events = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        DelayedClicks clicks = new DelayedClicks(4, 20_000);
        for (int i = 0; i < 5_000; i++) {
            int before = labels.size();
            clicks.next(events::add, labels::add);
            long ts = JSON.readTree(events.get(events.size() - 1)).get("ts").asLong();
            for (String l : labels.subList(before, labels.size())) { // due clicks come before the next impression
                assertThat(JSON.readTree(l).get("ts").asLong()).isLessThanOrEqualTo(ts);
            }
        }
        clicks.flush(labels::add);
        Map<String, Long> impressionTime = new HashMap<>();
        JobConfig cfg = OnlineTrainingJob.loadConfig("classpath:examples/click-through-delayed-labels.yaml", List.of());
        ExampleParser parser = new ExampleParser(cfg.input(), cfg.model(), true);
        for (String e : events) {
            JsonNode n = JSON.readTree(e);
            assertThat(n.has("clicked")).isFalse();
            impressionTime.put(n.get("id").asText(), n.get("ts").asLong());
            assertThat(parser.parse(null, e, 0L).example.target).as(e).isNull(); // an event to predict
        }
        assertThat(labels).hasSizeBetween(200, 2_000);
        long previous = Long.MIN_VALUE;
        for (String l : labels) {
            JsonNode n = JSON.readTree(l);
            long delay = n.get("ts").asLong() - impressionTime.get(n.get("id").asText());
            assertThat(delay).isBetween(0L, 20_000L);
            assertThat(n.get("ts").asLong()).isGreaterThanOrEqualTo(previous);
            previous = n.get("ts").asLong();
            assertThat(LabelRecordsAccess.read(cfg, l).target).containsExactly(1f);
        }
        // the same seed, the same streams
        List<String> again = new ArrayList<>();
        DelayedClicks replay = new DelayedClicks(4, 20_000);
        for (int i = 0; i < 5_000; i++) {
            replay.next(again::add, x -> { });
        }
        assertThat(again).isEqualTo(events);
    }
}
