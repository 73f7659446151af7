package io.streamgrad.bench.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/** Runs a body under a JFR recording of execution samples and attributes them to pipeline stages. */
final class SampleProfiler {
    private SampleProfiler() {}

    /** The body's result and the share of sampled CPU time per stage (plus {@code samples}, the count). */
    record Profiled<T>(T result, Map<String, Double> shares) {}

    static <T> Profiled<T> profile(Callable<T> body) throws Exception {
        Path file = Files.createTempFile("streamgrad-bench-", ".jfr");
        T result;
        try (Recording rec = new Recording()) {
            rec.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10)).withStackTrace();
            rec.start();
            result = body.call();
            rec.stop();
            rec.dump(file);
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        long total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            RecordedThread th = e.getThread("sampledThread");
            String stage = StageClassifier.classify(e.getStackTrace().getFrames(), th == null ? "" : th.getJavaName());
            counts.merge(stage, 1L, Long::sum);
            total++;
        }
        Files.deleteIfExists(file);
        Map<String, Double> shares = new LinkedHashMap<>();
        long t = Math.max(total, 1);
        counts.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .forEach(x -> shares.put(x.getKey(), Figures.round4((double) x.getValue() / t)));
        shares.put("samples", (double) total);
        return new Profiled<>(result, shares);
    }
}
