package io.streamgrad.bench.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.model.kernel.KernelProvider;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pipeline}: produces the input once, runs the real job {@code runs} times (the first under
 * the profiler), then each stage alone, and prints everything as one JSON line on {@code out}
 * (progress on {@code err}).
 */
public final class PipelineBench {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String INPUT = "bench-input";

    private final PipelineSettings settings;
    private final PrintStream err;

    private PipelineBench(PipelineSettings settings, PrintStream err) {
        this.settings = settings;
        this.err = err;
    }

    /** The usage text of the {@code pipeline} command. */
    public static String usage() {
        return PipelineSettings.USAGE;
    }

    /** Parses {@code args}, runs the benchmark and prints its JSON line. */
    public static void run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        new PipelineBench(PipelineSettings.parse(args), err).run(out);
    }

    private void run(PrintStream out) throws Exception {
        PipelineSettings s = settings;
        double[] load0 = Figures.loadAverage();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(0, Map.of())) {
            kafka.createTopic(INPUT, s.partitions(), false);
            KafkaTraffic traffic = new KafkaTraffic(kafka);
            err.printf("bench-pipeline: producing %,d %s examples to %s ...%n", s.examples(), s.format(), INPUT);
            KafkaTraffic.Produced produced = traffic.produce(INPUT, s.examples(), s.keys(), s.format());
            err.printf("bench-pipeline: produced at %,.0f examples/s, %.1f bytes per example%n",
                    produced.examplesPerSecond(), produced.bytesPerExample());

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("bench", "pipeline");
            result.put("workload", "W1");
            result.put("batch", s.batch());
            result.put("keys", s.keys());
            result.put("format", s.format());
            result.put("examples", s.examples());
            result.put("parallelism", s.parallelism());
            result.put("partitions", s.partitions());
            result.put("checkpointMs", s.checkpointMs());
            result.put("metricsEverySteps", s.metricsEvery());
            result.put("snapshotEverySteps", s.snapshotEvery());
            Map<String, Double> pipelineProfile = pipelineRuns(kafka, traffic, result);
            result.put("produce", Map.of("examplesPerSecond", Figures.round(produced.examplesPerSecond()),
                    "bytesPerExample", Figures.round(produced.bytesPerExample())));
            if (s.stages()) {
                new StageReport(s, err).addTo(result, kafka, s.jobConfig(kafka, s.runs(), INPUT), INPUT);
            }
            if (pipelineProfile != null) {
                result.put("pipelineProfile", pipelineProfile);
            }
            result.put("kernels", KernelProvider.get().name());
            result.put("vectorModule", KernelProvider.vectorModulePresent());
            result.put("cpus", Runtime.getRuntime().availableProcessors());
            result.put("loadAverageBefore", load0);
            result.put("loadAverageAfter", Figures.loadAverage());
            result.put("jvm", System.getProperty("java.vm.version"));
            result.put("jvmArgs", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
            out.println(MAPPER.writeValueAsString(result));
            out.flush();
        }
    }

    /** The pipeline runs: the best run's figures into {@code result}; returns the first run's profile. */
    private Map<String, Double> pipelineRuns(EmbeddedKafkaBroker kafka, KafkaTraffic traffic,
                                             Map<String, Object> result) throws Exception {
        PipelineRun pipeline = new PipelineRun(traffic);
        List<Double> rates = new ArrayList<>();
        double best = 0;
        Map<String, Object> bestRun = null;
        Map<String, Double> profile = null;
        for (int r = 0; r < settings.runs(); r++) {
            JobConfig cfg = settings.jobConfig(kafka, r, INPUT);
            err.printf("bench-pipeline: pipeline run %d/%d ...%n", r + 1, settings.runs());
            Map<String, Object> run;
            if (settings.profile() && r == 0) {
                SampleProfiler.Profiled<Map<String, Object>> p =
                        SampleProfiler.profile(() -> pipeline.run(cfg, settings.examples()));
                run = p.result();
                profile = p.shares();
            } else {
                run = pipeline.run(cfg, settings.examples());
            }
            double rate = (Double) run.get("examplesPerSecond");
            err.printf("bench-pipeline: run %d: %,.0f examples/s%n", r + 1, rate);
            rates.add(Figures.round(rate));
            if (rate > best) {
                best = rate;
                bestRun = run;
            }
        }
        result.put("examplesPerSecond", Figures.round(best));
        result.put("runs", rates);
        result.putAll(bestRun);
        result.put("examplesPerSecond", Figures.round(best));
        return profile;
    }
}
