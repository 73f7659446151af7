package io.streamgrad.jobs.sink;

import io.streamgrad.jobs.config.ConfigException;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.JobModel;
import io.streamgrad.jobs.input.ExampleParser;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.operators.OnlineTrainerConfig;

/**
 * Start-time check that the job's output records fit the Kafka producer's {@code max.request.size}
 * (default 1 MiB). A record over it fails the sink with {@code RecordTooLargeException} on every
 * attempt, so the job would restart forever; this fails the start instead, naming the setting.
 * Snapshots: measured on the initial model (the binary state's size does not change with training;
 * the weights' decimal text is given a margin). Dead letters: at most {@code input.maxRecordChars}
 * of record (up to 6 bytes per character once JSON-escaped), a bounded reason and key.
 */
public final class RecordSizes {
    public static final int KAFKA_DEFAULT_MAX_REQUEST_SIZE = 1_048_576;
    /** Room for the record key, headers, batch overhead and the text of counters. */
    private static final int OVERHEAD = 16 * 1024;

    private RecordSizes() {}

    /** The producer's {@code max.request.size} as configured under kafka.properties, or Kafka's default. */
    public static int maxRequestSize(JobConfig cfg) {
        String v = cfg.kafka().properties().get("max.request.size");
        if (v == null) {
            return KAFKA_DEFAULT_MAX_REQUEST_SIZE;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("kafka.properties.max.request.size", "must be an integer (bytes), got '" + v + "'");
        }
    }

    /** Upper estimate of a snapshot record of this single-model job's model, in bytes. */
    public static long snapshotBytes(JobConfig cfg, OnlineTrainerConfig trainer) {
        return snapshotBytes(cfg.models().get(0), trainer);
    }

    /** Upper estimate of a snapshot record of one of the job's models, in bytes. */
    public static long snapshotBytes(JobModel model, OnlineTrainerConfig trainer) {
        ModelState s = trainer.initialState(trainer.newTrainer(), "size-check");
        boolean full = model.snapshots().includeOptimizerState();
        long weights = 0;
        for (float[] w : s.weights()) {
            weights += w.length;
        }
        byte[] json = SnapshotJson.toBytes(new ModelSnapshot("size-check", Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
                Double.MAX_VALUE, true, null, Long.MAX_VALUE, model.model(), model.optimizer(), s, full));
        long bestWeights = full && model.earlyStopping() != null && model.earlyStopping().restoreBestWeights()
                ? (weights * 4 + 2) / 3 * 4 + 64 : 0; // base64 of the best weights kept for restoring
        // a trained weight's decimal text is at most ~15 characters ("-1.2345678E-12,")
        return json.length + weights * 8 + bestWeights + 1024 + 6L * ExampleParser.MAX_KEY_CHARS + OVERHEAD;
    }

    /** Upper bound of a dead-letter record, in bytes. */
    public static long deadLetterBytes(JobConfig cfg) {
        return 6L * (cfg.input().maxRecordChars() + ExampleParser.MAX_REASON_CHARS + ExampleParser.MAX_KEY_CHARS) + OVERHEAD;
    }

    public static void check(JobConfig cfg, OnlineTrainerConfig trainer) {
        check(cfg, cfg.models().get(0), trainer);
    }

    /** Checks the records of one of the job's models (and the dead letters). */
    public static void check(JobConfig cfg, JobModel model, OnlineTrainerConfig trainer) {
        int max = maxRequestSize(cfg);
        long snapshot = snapshotBytes(model, trainer);
        if (snapshot > max) {
            throw new ConfigException("kafka.properties.max.request.size", "is " + max + " bytes, but a snapshot of "
                    + (cfg.hasModelList() ? "model '" + model.name() + "'" : "this model")
                    + " takes up to about " + snapshot + " bytes: raise it (and the snapshot topic's max.message.bytes /"
                    + " the broker's message.max.bytes), or set snapshots.includeOptimizerState: false"
                    + (model.snapshots().includeOptimizerState() ? "" : " (already false: the weights alone are too large)"));
        }
        long dead = deadLetterBytes(cfg);
        if (dead > max) {
            throw new ConfigException("input.maxRecordChars", "is " + cfg.input().maxRecordChars() + ": a dead letter could take "
                    + dead + " bytes, more than kafka.properties.max.request.size (" + max + "); lower it or raise that");
        }
    }
}
