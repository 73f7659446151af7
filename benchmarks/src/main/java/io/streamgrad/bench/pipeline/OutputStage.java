package io.streamgrad.bench.pipeline;

import io.streamgrad.model.train.StepResult;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.sink.Serializers;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.LossMetric;
import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.SnapshotRecord;

/**
 * Output per example: one metric record (JSON + Kafka record) per {@code metricsEvery} steps and one
 * snapshot record per {@code snapshotEvery} steps, serialized the way the job's sinks do.
 */
final class OutputStage {
    private static final long PASS_NANOS = 1_000_000_000L;

    /** Rate per example, microseconds per metric and per snapshot record, bytes per snapshot. */
    record Cost(double examplesPerSecond, double microsPerMetric, double microsPerSnapshot, long bytesPerSnapshot) {}

    private OutputStage() {}

    static Cost run(JobConfig cfg, OnlineTrainerConfig trainer, int batch, int metricsEvery, long snapshotEvery) {
        var metrics = Serializers.metrics(cfg.topics().metrics());
        var snapshots = Serializers.snapshots(cfg.topics().snapshots());
        LossMetric m = new LossMetric();
        m.modelKey = "k0";
        m.batchSize = batch;
        m.steps = 1;
        m.loss = 0.123456789;
        m.dataLoss = 0.123456789;
        m.learningRate = 0.001;
        m.gradientNorm = 1.23456789;
        m.accuracy = Double.NaN;
        m.outcome = StepResult.Outcome.APPLIED;
        m.processingTime = System.currentTimeMillis();
        Trainer t = trainer.newTrainer();
        ModelState state = trainer.initialState(t, "k0");
        double usMetric = Double.MAX_VALUE;
        double usSnapshot = Double.MAX_VALUE;
        long sink = 0;
        long snapshotBytes = 0;
        for (int rep = 0; rep < 4; rep++) {
            long t0 = System.nanoTime();
            int k = 0;
            for (; System.nanoTime() - t0 < PASS_NANOS; k++) {
                m.step = k;
                m.version = k;
                m.examplesSeen = (long) k * batch;
                sink += metrics.serialize(m, null, null).value().length;
            }
            double us = (System.nanoTime() - t0) / 1e3 / k;
            long t1 = System.nanoTime();
            int s = 0;
            for (; System.nanoTime() - t1 < PASS_NANOS; s++) {
                SnapshotRecord r = new SnapshotRecord();
                r.modelKey = "k0";
                r.version = s;
                r.step = s;
                r.createdAt = System.currentTimeMillis();
                r.includeOptimizerState = trainer.includeOptimizerState();
                r.state = ModelStateCodec.encode(state); // done in the operator, counted here too
                r.modelSpec = trainer.modelSpecJson();
                r.optimizerSpec = trainer.optimizerSpecJson();
                int bytes = snapshots.serialize(r, null, null).value().length;
                sink += bytes;
                snapshotBytes = bytes;
            }
            double usS = (System.nanoTime() - t1) / 1e3 / s;
            if (rep > 0) {
                usMetric = Math.min(usMetric, us);
                usSnapshot = Math.min(usSnapshot, usS);
            }
        }
        if (sink == 42) { // keeps the serialized sizes observable, so the JIT cannot drop the work
            System.out.print("");
        }
        double perExample = usMetric / ((double) batch * metricsEvery)
                + (snapshotEvery > 0 ? usSnapshot / ((double) batch * snapshotEvery) : 0);
        return new Cost(1e6 / perExample, usMetric, usSnapshot, snapshotBytes);
    }
}
