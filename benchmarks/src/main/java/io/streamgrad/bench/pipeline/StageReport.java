package io.streamgrad.bench.pipeline;

import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.OnlineTrainerConfig;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Each stage alone on the same data, and the per-example breakdown they add up to. */
final class StageReport {
    private final PipelineSettings s;
    private final PrintStream err;

    StageReport(PipelineSettings s, PrintStream err) {
        this.s = s;
        this.err = err;
    }

    void addTo(Map<String, Object> result, EmbeddedKafkaBroker kafka, JobConfig cfg, String input)
            throws Exception {
        OnlineTrainerConfig trainer = OnlineTrainingJob.trainerConfig(cfg, Map.of());
        Map<String, Object> st = new LinkedHashMap<>();
        err.println("bench-pipeline: stages: parse ...");
        SyntheticRecords.Ring ring = SyntheticRecords.Ring.generate(s.ringSize(), s.keys(), s.format());
        Example[] parsed = new Example[s.ringSize()];
        double parse = InMemoryStages.parse(new ExampleParser(cfg.input(), cfg.model()), ring, parsed);
        st.put("parse", Figures.stage(parse));
        err.println("bench-pipeline: stages: engine ...");
        double engine = InMemoryStages.engine(trainer, parsed, s.batch());
        st.put("engine", Figures.stage(engine));
        err.println("bench-pipeline: stages: operator ...");
        OperatorStage operator = new OperatorStage(trainer, parsed, s.parallelism(), s.checkpointMs());
        Map<String, Double> operatorProfile = null;
        double op;
        if (s.profile()) {
            SampleProfiler.Profiled<Double> p = SampleProfiler.profile(() -> operator.run(s.examples(), false));
            op = p.result();
            operatorProfile = p.shares();
        } else {
            op = operator.run(s.examples(), false);
        }
        st.put("operator", Figures.stage(op));
        err.println("bench-pipeline: stages: operator behind keyBy ...");
        st.put("operatorShuffled", Figures.stage(operator.run(s.examples(), true)));
        err.println("bench-pipeline: stages: Kafka read ...");
        double kafkaRead = KafkaReadStage.run(kafka, input, s.examples(), s.parallelism());
        st.put("kafkaRead", Figures.stage(kafkaRead));
        err.println("bench-pipeline: stages: output ...");
        OutputStage.Cost output = OutputStage.run(cfg, trainer, s.batch(), s.metricsEvery(), s.snapshotEvery());
        Map<String, Object> o = Figures.stage(output.examplesPerSecond());
        o.put("microsPerMetric", Figures.round(output.microsPerMetric()));
        o.put("microsPerSnapshot", Figures.round(output.microsPerSnapshot()));
        o.put("bytesPerSnapshot", output.bytesPerSnapshot());
        st.put("output", o);
        result.put("stages", st);

        double usEngine = 1e6 / engine;
        double usOperator = 1e6 / op;
        result.put("operatorOverhead", Figures.round4(usOperator / usEngine - 1));
        Map<String, Object> breakdown = new LinkedHashMap<>();
        breakdown.put("unit", "microseconds per example, each stage alone");
        breakdown.put("kafkaRead", Figures.round4(1e6 / Figures.round(kafkaRead)));
        breakdown.put("deserialization", Figures.round4(1e6 / parse));
        if (operatorProfile != null) {
            // split the operator stage's time by its samples (one thread: source + operator chained)
            double total = operatorProfile.entrySet().stream().filter(x -> !x.getKey().equals("samples"))
                    .mapToDouble(Map.Entry::getValue).sum();
            for (String stage : List.of("batching", "stateAccess", "training", "operatorOther", "flinkRecords")) {
                breakdown.put(stage, Figures.round4(
                        usOperator * operatorProfile.getOrDefault(stage, 0.0) / Math.max(total, 1e-9)));
            }
            breakdown.put("operatorSamples", operatorProfile);
        } else {
            breakdown.put("operatorMinusEngine", Figures.round4(usOperator - usEngine));
        }
        breakdown.put("trainingBareEngine", Figures.round4(usEngine));
        breakdown.put("output", Figures.round4(output.examplesPerSecond() > 0 ? 1e6 / output.examplesPerSecond() : 0));
        result.put("breakdown", breakdown);
    }
}
