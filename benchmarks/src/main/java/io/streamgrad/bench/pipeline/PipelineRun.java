package io.streamgrad.bench.pipeline;

import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** One run of the real OnlineTrainingJob over the pre-produced input topic, timed end to end. */
final class PipelineRun {
    private final KafkaTraffic kafka;

    PipelineRun(KafkaTraffic kafka) {
        this.kafka = kafka;
    }

    /** Runs the job of {@code cfg} until it has read the topic's {@code n} records; returns its figures. */
    Map<String, Object> run(JobConfig cfg, long n) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(cfg.parallelism(),
                new Configuration());
        JobClock.watch(OnlineTrainingJob.build(env, cfg, Map.of(),
                s -> s.map(new JobClock.FirstSeen()).uid("bench-first-seen").name("bench: first example")));
        long submit = System.nanoTime();
        long cpu0 = Figures.processCpuNanos();
        JobExecutionResult result = env.execute(cfg.jobName());
        long end = System.nanoTime();
        double cpu = (Figures.processCpuNanos() - cpu0) / 1e9;
        JobClock clock = JobClock.of(result);
        double seconds = clock.trainingSeconds();
        double committedSeconds = (end - clock.firstNanos()) / 1e9;
        KafkaTraffic.Committed trained = kafka.committedMetrics(cfg.topics().metrics());
        if (trained.examples() != n) {
            throw new IllegalStateException("the pipeline trained " + trained.examples() + " examples, expected "
                    + n + " (metrics topic " + cfg.topics().metrics() + ")");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("examplesPerSecond", n / seconds);
        m.put("seconds", Figures.round(seconds));
        m.put("examplesPerSecondCommitted", Figures.round(n / committedSeconds));
        m.put("committedSeconds", Figures.round(committedSeconds));
        m.put("startupSeconds", Figures.round((clock.firstNanos() - submit) / 1e9));
        m.put("jobNetRuntimeSeconds", Figures.round(result.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3));
        m.put("processCpuCores", Figures.round4(cpu / ((end - submit) / 1e9)));
        m.put("examplesTrained", trained.examples());
        m.put("metricRecords", trained.records());
        return m;
    }
}
