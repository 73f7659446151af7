package io.streamgrad.sql.train;

import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.EndOfInput;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.OnlineTrainerConfig;
import io.streamgrad.operators.SnapshotRecord;
import io.streamgrad.operators.SnapshotTrigger;
import io.streamgrad.operators.state.KeyEntry;
import io.streamgrad.operators.state.KeyProgress;
import io.streamgrad.operators.state.ModelLoader;
import io.streamgrad.operators.training.BatchBuffer;
import io.streamgrad.operators.training.ExampleValidator;
import io.streamgrad.operators.training.LossAggregator;
import io.streamgrad.operators.training.SnapshotPolicy;
import io.streamgrad.operators.training.TrainerMetrics;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.table.api.dataview.ListView;
import org.apache.flink.table.api.dataview.MapView;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.types.Row;

/**
 * {@code STREAMGRAD_TRAIN}: online training from Flink SQL, one model per {@code PARTITION BY} key,
 * with the DataStream trainer's engine and building blocks (validation, mini-batches, metrics,
 * snapshot policy, model state format).
 *
 * <pre>{@code
 * CREATE FUNCTION STREAMGRAD_TRAIN AS 'io.streamgrad.sql.train.StreamgradTrainFunction';
 * SELECT * FROM STREAMGRAD_TRAIN(input => TABLE examples PARTITION BY model_key,
 *                                config => '{model: ..., optimizer: ..., training: {batchSize: 32}}',
 *                                on_time => DESCRIPTOR(ts));
 * }</pre>
 *
 * <p>Each output row has a {@code kind}: {@code metric}, {@code snapshot} (the streamgrad snapshot
 * JSON the training job publishes) or {@code dead_letter}. A key's model, its pending rows and
 * its progress are Flink managed state (lazy {@code MapView}s and a {@code ListView}: a row is one
 * append to the pending rows ({@link PendingRows}), the model and progress are read and written
 * once per mini-batch), so checkpoints make them exactly-once. The optional {@code on_time} column
 * enables the event-time timers: the end-of-input flush when a bounded input's final watermark
 * arrives, and {@code training.maxBatchDelayMs}, measured in event time.
 */
@PublicEvolving
public class StreamgradTrainFunction extends ProcessTableFunction<Row> {
    private static final long serialVersionUID = 1L;

    private static final String END_OF_INPUT = "end-of-input";
    private static final String BATCH_DELAY = "batch-delay";

    private transient MetricGroup metricGroup;
    private transient String configText;
    private transient TrainColumns columns;
    private transient OnlineTrainerConfig config;
    private transient Trainer trainer;
    private transient StepResult result;
    private transient ExampleValidator validator;
    private transient BatchBuffer batches;
    private transient PendingRows pendingRows;
    private transient LossAggregator losses;
    private transient SnapshotPolicy snapshots;
    private transient ModelLoader loader;
    private transient TrainerMetrics metrics;
    private transient String[] problem;

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return TrainTypeInference.create();
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        metricGroup = context.getMetricGroup();
    }

    /**
     * One input row: validated, appended to its key's pending rows, and trained on with them when
     * its key's mini-batch is full (the only time the key's model and progress are read).
     */
    public void eval(Context ctx, MapView<String, ModelState> model, MapView<String, KeyProgress> progress,
                     ListView<PendingRow> pending, MapView<String, String> configState, Row input, String configArg)
            throws Exception {
        setUp(configArg);
        if (columns == null) {
            columns = TrainTypeInference.columns(ctx.tableSemanticsFor(TrainTypeInference.INPUT),
                    TrainConfig.parse(configArg));
        }
        TimeContext<Long> time = ctx.timeContext(Long.class);
        Long rowTime = time.time();
        long eventTime = rowTime == null ? Example.NO_TIMESTAMP : rowTime;
        String key = columns.key(input);
        Example ex = key == null ? null : columns.example(key, input, eventTime, problem);
        String why = key == null ? "model key: null" : ex == null ? problem[0] : validator.problem(ex);
        if (why != null) {
            deadLetter(why, columns.describe(input));
            return;
        }
        PendingRows.Summary s = pendingRows.summary(key, progress, pending);
        if (!s.known) {
            configState.put(key, configArg); // for timers that fire before any row after a restore
            progress.put(key, new KeyProgress()); // a timer finds its key there
            s.known = true;
        }
        if (rowTime != null && s.rows == 0) {
            // once per batch: every key that buffered a row is flushed by the final watermark
            time.registerOnTime(END_OF_INPUT, Long.MAX_VALUE);
        }
        if (pendingRows.add(s, pending, ex, eventTime)) {
            KeyProgress p = progress.get(key);
            pendingRows.load(s, pending, p);
            KeyEntry e = loader.load(key, model.get(key), p);
            train(e, time);
            model.put(key, e.model);
            pendingRows.stored(s, pending, p);
            progress.put(key, p);
        } else if (rowTime != null && config.maxBatchDelayMillis() > 0 && s.batchTimer == KeyProgress.NO_TIMER) {
            s.batchTimer = rowTime + config.maxBatchDelayMillis(); // event time, unlike the DataStream operator
            time.registerOnTime(BATCH_DELAY, s.batchTimer);
            KeyProgress p = progress.get(key);
            p.batchTimer = s.batchTimer;
            progress.put(key, p);
        }
    }

    /** A partial batch's delay expired, or a bounded input ended (its final watermark). */
    public void onTimer(OnTimerContext ctx, MapView<String, ModelState> model, MapView<String, KeyProgress> progress,
                        ListView<PendingRow> pending, MapView<String, String> configState) throws Exception {
        Iterator<Map.Entry<String, KeyProgress>> it = progress.entries().iterator();
        if (!it.hasNext()) {
            return;
        }
        Map.Entry<String, KeyProgress> entry = it.next();
        String key = entry.getKey();
        if (configText == null) { // the first call of this instance: a timer right after a restore
            setUp(configState.get(key));
        }
        KeyProgress p = entry.getValue();
        PendingRows.Summary s = pendingRows.summary(key, progress, pending);
        pendingRows.load(s, pending, p);
        TimeContext<Long> time = ctx.timeContext(Long.class);
        if (BATCH_DELAY.equals(ctx.currentTimer())) {
            p.batchTimer = KeyProgress.NO_TIMER;
            // at the final watermark the end-of-input timer, which fires after this one, decides (train or drop),
            // as the DataStream operator's endInput does with batch timers that have not fired
            boolean inputEnded = time.currentWatermark() != null && time.currentWatermark() == Long.MAX_VALUE;
            if (!inputEnded && batches.partialTrainable(p)) { // a held single BN row waits for its next row
                KeyEntry e = loader.load(key, model.get(key), p);
                train(e, time);
                model.put(key, e.model);
            }
        } else {
            KeyEntry e = loader.load(key, model.get(key), p);
            endOfInput(e, time);
            model.put(key, e.model);
        }
        pendingRows.stored(s, pending, p);
        progress.put(key, p);
    }

    /** What the DataStream operator does for each key at end of input, in the same order. */
    private void endOfInput(KeyEntry e, TimeContext<Long> time) {
        KeyProgress p = e.progress;
        if (batches.holdsSingleRow(p)) {
            deadLetter(BatchBuffer.HELD_ROW_LEFT_OVER, batches.dropHeldRow(e.key, p));
        } else if (p.pendingRows > 0 && config.endOfInput() == EndOfInput.DROP) {
            for (String row : batches.dropPending(e.key, p)) {
                deadLetter(BatchBuffer.PARTIAL_BATCH_DROPPED, row);
            }
            cancelBatchTimer(p, time);
        } else if (p.pendingRows > 0) {
            train(e, time);
        }
        if (losses.pending(p)) {
            collect(TrainOutput.metric(losses.drain(e.key, e.model, p, null, System.currentTimeMillis())));
        }
        if (snapshots.atEndOfInput()) {
            snapshot(e, SnapshotTrigger.END_OF_INPUT);
        }
    }

    private void train(KeyEntry e, TimeContext<Long> time) {
        KeyProgress p = e.progress;
        long eventTime = p.pendingMaxEventTime;
        MiniBatch batch = batches.take(p);
        cancelBatchTimer(p, time);
        trainer.step(e.model, batch, result);
        metrics.onStep(result);
        if (losses.add(p, result, eventTime)) {
            collect(TrainOutput.metric(losses.drain(e.key, e.model, p, result.outcome(), System.currentTimeMillis())));
        }
        SnapshotTrigger trigger = snapshots.afterStep(result, e.model.version());
        if (trigger != null) {
            snapshot(e, trigger);
        }
    }

    private static void cancelBatchTimer(KeyProgress p, TimeContext<Long> time) {
        if (p.batchTimer != KeyProgress.NO_TIMER) {
            time.clearTimer(BATCH_DELAY);
            p.batchTimer = KeyProgress.NO_TIMER;
        }
    }

    private void snapshot(KeyEntry e, SnapshotTrigger trigger) {
        SnapshotRecord s = snapshots.takeIfNew(e, trigger, System.currentTimeMillis());
        if (s != null) {
            metrics.onSnapshot();
            collect(TrainOutput.snapshot(s));
        }
    }

    private void deadLetter(String reason, String record) {
        metrics.onDeadLetter();
        collect(TrainOutput.deadLetter(reason, record));
    }

    /** Builds the training pieces for {@code text} (the same literal on every call of one statement). */
    private void setUp(String text) {
        if (text.equals(configText)) {
            return;
        }
        config = TrainConfig.parse(text).trainer();
        trainer = config.newTrainer();
        result = new StepResult();
        validator = new ExampleValidator(config.modelSpec());
        batches = new BatchBuffer(config.modelSpec(), config.batchSize(), config.hasBatchNormalization());
        pendingRows = new PendingRows(config.batchSize());
        losses = new LossAggregator(config.metricsEverySteps());
        snapshots = new SnapshotPolicy(config, trainer);
        if (metrics == null) {
            metrics = new TrainerMetrics(metricGroup, () -> 0);
        }
        loader = new ModelLoader(config, trainer, metrics.optimizerResets());
        problem = new String[1];
        configText = text;
    }
}
