package io.streamgrad.sql.train;

import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.operators.LossMetric;
import io.streamgrad.operators.SnapshotRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.Row;

/**
 * The one row type of {@code STREAMGRAD_TRAIN} (after the pass-through {@code PARTITION BY} key):
 * {@code kind} tells metric, snapshot and dead-letter rows apart; the columns another kind does
 * not use are null.
 */
@Internal
final class TrainOutput {
    static final String METRIC = "metric";
    static final String SNAPSHOT = "snapshot";
    static final String DEAD_LETTER = "dead_letter";

    static final DataType TYPE = DataTypes.ROW(
            DataTypes.FIELD("kind", DataTypes.STRING().notNull()),
            DataTypes.FIELD("version", DataTypes.BIGINT()),
            DataTypes.FIELD("step", DataTypes.BIGINT()),
            DataTypes.FIELD("examples_seen", DataTypes.BIGINT()),
            // metric rows
            DataTypes.FIELD("batch_size", DataTypes.INT()),
            DataTypes.FIELD("steps", DataTypes.INT()),
            DataTypes.FIELD("loss", DataTypes.DOUBLE()),
            DataTypes.FIELD("data_loss", DataTypes.DOUBLE()),
            DataTypes.FIELD("regularization_loss", DataTypes.DOUBLE()),
            DataTypes.FIELD("learning_rate", DataTypes.DOUBLE()),
            DataTypes.FIELD("gradient_norm", DataTypes.DOUBLE()),
            DataTypes.FIELD("accuracy", DataTypes.DOUBLE()),
            DataTypes.FIELD("skipped_updates", DataTypes.BIGINT()),
            DataTypes.FIELD("skipped_steps", DataTypes.INT()),
            DataTypes.FIELD("outcome", DataTypes.STRING()),
            DataTypes.FIELD("stopped", DataTypes.BOOLEAN()),
            // snapshot rows
            DataTypes.FIELD("snapshot_trigger", DataTypes.STRING()),
            DataTypes.FIELD("snapshot", DataTypes.STRING()),
            // dead-letter rows
            DataTypes.FIELD("reason", DataTypes.STRING()),
            DataTypes.FIELD("record", DataTypes.STRING()));

    private static final int WIDTH = 20;

    private TrainOutput() {}

    static Row metric(LossMetric m) {
        Row r = new Row(WIDTH);
        r.setField(0, METRIC);
        r.setField(1, m.version);
        r.setField(2, m.step);
        r.setField(3, m.examplesSeen);
        r.setField(4, m.batchSize);
        r.setField(5, m.steps);
        r.setField(6, m.loss);
        r.setField(7, m.dataLoss);
        r.setField(8, m.regularizationLoss);
        r.setField(9, m.learningRate);
        r.setField(10, m.gradientNorm);
        r.setField(11, m.accuracy);
        r.setField(12, m.skippedUpdates);
        r.setField(13, m.skippedSteps);
        r.setField(14, m.outcome == null ? null : m.outcome.name());
        r.setField(15, m.stopped);
        return r;
    }

    /** The snapshot as the training job writes it to its snapshot topic ({@link SnapshotJson}). */
    static Row snapshot(SnapshotRecord s) {
        Row r = new Row(WIDTH);
        r.setField(0, SNAPSHOT);
        r.setField(1, s.version);
        r.setField(2, s.step);
        r.setField(3, s.examplesSeen);
        r.setField(15, s.stopped);
        r.setField(16, s.trigger == null ? null : s.trigger.name());
        r.setField(17, new String(SnapshotJson.toBytes(s.toModelSnapshot()), StandardCharsets.UTF_8));
        return r;
    }

    static Row deadLetter(String reason, String record) {
        Row r = new Row(WIDTH);
        r.setField(0, DEAD_LETTER);
        r.setField(18, reason);
        r.setField(19, record);
        return r;
    }
}
