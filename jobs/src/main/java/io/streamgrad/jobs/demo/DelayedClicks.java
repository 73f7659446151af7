package io.streamgrad.jobs.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The {@link ClickThroughStream} as a served ad sees it: each impression is an event without its
 * label ({@code clicked} removed, an {@code id} added), and only a click produces a label record,
 * {@code {"id": ..., "clicked": 1, "ts": ...}}, some random time up to {@code maxDelayMs} (event
 * time) after the impression. Label records come out when the stream's event time has passed
 * theirs, as a click log would deliver them. Impressions without a click never get a label: the
 * job's {@code labels.defaultLabel: 0} labels them at the horizon. Deterministic for a seed.
 */
public final class DelayedClicks {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ClickThroughStream stream;
    private final Random delays;
    private final long maxDelayMs;
    private final PriorityQueue<Click> pending = new PriorityQueue<>();
    private long n;

    private record Click(long time, long seq, String json) implements Comparable<Click> {
        @Override
        public int compareTo(Click o) {
            return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
        }
    }

    public DelayedClicks(long seed, long maxDelayMs) {
        if (maxDelayMs < 0) {
            throw new IllegalArgumentException("maxDelayMs: must be >= 0, got " + maxDelayMs);
        }
        this.stream = new ClickThroughStream(seed);
        this.delays = new Random(seed ^ 0x5DEECE66DL);
        this.maxDelayMs = maxDelayMs;
    }

    /** Emits the label records due by the next impression's time, then the impression. */
    public void next(Consumer<String> events, Consumer<String> labels) {
        ObjectNode o;
        try {
            o = (ObjectNode) MAPPER.readTree(stream.next());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        long ts = o.get("ts").asLong();
        String id = "imp-" + n++;
        boolean clicked = o.remove("clicked").asInt() == 1;
        ObjectNode event = MAPPER.createObjectNode().put("id", id);
        event.setAll(o);
        if (clicked) {
            long at = ts + (maxDelayMs == 0 ? 0 : (long) (delays.nextDouble() * maxDelayMs));
            pending.add(new Click(at, n, MAPPER.createObjectNode().put("id", id).put("clicked", 1).put("ts", at)
                    .toString()));
        }
        while (!pending.isEmpty() && pending.peek().time() <= ts) {
            labels.accept(pending.poll().json());
        }
        events.accept(event.toString());
    }

    /** Emits the label records still pending (the clicks of the last impressions). */
    public void flush(Consumer<String> labels) {
        while (!pending.isEmpty()) {
            labels.accept(pending.poll().json());
        }
    }
}
