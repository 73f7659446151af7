package io.streamgrad.operators;

import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.state.KeyEntry;
import io.streamgrad.operators.state.KeyProgress;
import io.streamgrad.operators.state.ModelLoader;
import io.streamgrad.operators.state.ModelStateSerializer;
import io.streamgrad.operators.state.ModelStore;
import io.streamgrad.operators.training.BatchBuffer;
import io.streamgrad.operators.training.ExampleValidator;
import io.streamgrad.operators.scoring.PredictionRecords;
import io.streamgrad.operators.training.KernelNotice;
import io.streamgrad.operators.training.LivePredictions;
import io.streamgrad.operators.training.LossAggregator;
import io.streamgrad.operators.training.SnapshotPolicy;
import io.streamgrad.operators.training.TrainerMetrics;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.Preconditions;

/**
 * Keyed online training, one independent model per key. Only the Flink side lives here (state
 * handles, timers, outputs): rows are validated ({@link ExampleValidator}), buffered into
 * mini-batches ({@link BatchBuffer}), trained by the engine's {@link Trainer}, reported as
 * {@link LossMetric}s ({@link LossAggregator}) and published as {@link SnapshotRecord}s when the
 * {@link SnapshotPolicy} asks; the models live in a backend-dependent {@link ModelStore}. With
 * {@link TrainerPredictions} it also predicts records with the live model ({@link LivePredictions}).
 * No wall clock, hash order or unseeded randomness: the same rows give bit-identical models, also
 * after rescaling (only {@code maxBatchDelay} batch boundaries depend on processing time).
 */
@Internal
public class OnlineTrainerOperator extends AbstractStreamOperator<LossMetric>
        implements OneInputStreamOperator<Example, LossMetric>, Triggerable<String, VoidNamespace>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    /** Side output of model snapshots. */
    public static final OutputTag<SnapshotRecord> SNAPSHOTS =
            new OutputTag<>("streamgrad-snapshots", TypeInformation.of(SnapshotRecord.class));
    /** Side output of predictions of the live model ({@link TrainerPredictions}). */
    public static final OutputTag<PredictionRecord> PREDICTIONS =
            new OutputTag<>("streamgrad-predictions", TypeInformation.of(PredictionRecord.class));
    /** Side output of rejected examples. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("streamgrad-dead-letters", TypeInformation.of(DeadLetter.class));

    // state and timer names are part of the savepoint format
    static final String MODEL_STATE = "streamgrad-model";
    static final String PROGRESS_STATE = "streamgrad-progress";
    static final String TIMERS = "streamgrad-trainer-timers";

    private final OnlineTrainerConfig config;
    private final TrainerPredictions predictions;

    private transient Trainer trainer;
    private transient StepResult result;
    private transient ExampleValidator validator;
    private transient BatchBuffer batches;
    private transient LossAggregator losses;
    private transient SnapshotPolicy snapshotPolicy;
    private transient TrainerMetrics metrics;
    private transient ModelStore store;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient StreamRecord<LossMetric> metricRecord;
    private transient LivePredictions live;

    public OnlineTrainerOperator(OnlineTrainerConfig config) {
        this(config, TrainerPredictions.off());
    }

    /** A trainer that also predicts records with its live model, as {@code predictions} says. */
    public OnlineTrainerOperator(OnlineTrainerConfig config, TrainerPredictions predictions) {
        Preconditions.checkArgument(config != null && predictions != null, "config and predictions: must not be null");
        predictions.checkAgainst(config.modelSpec());
        this.config = config;
        this.predictions = predictions;
    }

    public OnlineTrainerConfig config() {
        return config;
    }

    @Override
    public void open() throws Exception {
        super.open();
        KernelNotice.warnIfPortable();
        trainer = config.newTrainer();
        result = new StepResult();
        validator = new ExampleValidator(config.modelSpec());
        batches = new BatchBuffer(config.modelSpec(), config.batchSize(), config.hasBatchNormalization());
        losses = new LossAggregator(config.metricsEverySteps());
        snapshotPolicy = new SnapshotPolicy(config, trainer);
        metrics = new TrainerMetrics(getMetricGroup(), () -> store == null ? 0 : store.size());
        metricRecord = new StreamRecord<>(null);
        live = new LivePredictions(trainer, predictions.classNames());
        store = ModelStore.create(getKeyedStateBackend().isSafeToReuseKVState(),
                getPartitionedState(new ValueStateDescriptor<>(MODEL_STATE,
                        new ModelStateSerializer(config.modelSpec()))),
                getPartitionedState(new ValueStateDescriptor<>(PROGRESS_STATE, TypeInformation.of(KeyProgress.class))),
                new ModelLoader(config, trainer, metrics.optimizerResets()), this, config.maxCachedModels());
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
    }

    @Override
    public void processElement(StreamRecord<Example> element) throws Exception {
        Example ex = element.getValue();
        String key = (String) getCurrentKey();
        boolean unlabelled = ex.target == null && predictions.scoresUnlabelled();
        String problem = unlabelled ? validator.inputProblem(ex) : validator.problem(ex);
        if (problem != null) {
            deadLetter(key, problem, ex.raw != null ? ex.raw : ex.toString());
            return;
        }
        KeyEntry e = store.acquire(key);
        long eventTime = PredictionRecords.eventTime(ex, element.hasTimestamp(), element.getTimestamp());
        if (unlabelled || predictions.prequential()) {
            output.collect(PREDICTIONS, live.record(key, e.model, ex, eventTime)); // before training on it
            metrics.onPrediction();
            if (unlabelled) {
                store.release(e);
                return;
            }
        }
        KeyProgress p = e.progress;
        e.markDirty();
        if (batches.add(p, ex, eventTime)) {
            train(e);
        } else if (config.maxBatchDelayMillis() > 0 && p.batchTimer == KeyProgress.NO_TIMER) {
            p.batchTimer = now() + config.maxBatchDelayMillis();
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, p.batchTimer);
        }
        armIntervalTimer(e);
        store.release(e);
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        KeyEntry e = store.acquire(timer.getKey());
        KeyProgress p = e.progress;
        long ts = timer.getTimestamp();
        if (ts == p.batchTimer) {
            p.batchTimer = KeyProgress.NO_TIMER;
            e.markDirty();
            if (batches.partialTrainable(p)) {
                train(e); // a held single BN row waits; its next row re-arms the timer
            }
        }
        if (ts == p.intervalTimer) {
            p.intervalTimer = KeyProgress.NO_TIMER;
            e.markDirty();
            if (e.model.version() > p.lastSnapshotVersion) {
                emitSnapshot(e, SnapshotTrigger.INTERVAL);
                armIntervalTimer(e);
            } // an idle key is re-armed by its next row, so idle keys keep no timers
        }
        store.release(e);
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) { // no event-time timers
    }

    private void armIntervalTimer(KeyEntry e) {
        if (snapshotPolicy.intervalMillis() > 0 && e.progress.intervalTimer == KeyProgress.NO_TIMER) {
            e.progress.intervalTimer = now() + snapshotPolicy.intervalMillis();
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, e.progress.intervalTimer);
            e.markDirty();
        }
    }

    private void train(KeyEntry e) {
        KeyProgress p = e.progress;
        long eventTime = p.pendingMaxEventTime;
        MiniBatch batch = batches.take(p);
        cancelBatchTimer(p);
        e.markDirty();
        trainer.step(e.model, batch, result);
        metrics.onStep(result);
        if (losses.add(p, result, eventTime)) {
            emitMetric(e, result.outcome());
        }
        SnapshotTrigger trigger = snapshotPolicy.afterStep(result, e.model.version());
        if (trigger != null) {
            emitSnapshot(e, trigger);
        }
    }

    private void cancelBatchTimer(KeyProgress p) {
        if (p.batchTimer != KeyProgress.NO_TIMER) {
            if (p.batchTimer != p.intervalTimer) { // same timestamp, same namespace: one timer serves both
                timers.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, p.batchTimer);
            }
            p.batchTimer = KeyProgress.NO_TIMER;
        }
    }

    private void emitMetric(KeyEntry e, StepResult.Outcome lastOutcome) {
        LossMetric r = losses.drain(e.key, e.model, e.progress, lastOutcome, now());
        e.markDirty();
        if (r.eventTime != Example.NO_TIMESTAMP) {
            metricRecord.replace(r, r.eventTime);
        } else {
            metricRecord.replace(r);
            metricRecord.eraseTimestamp();
        }
        output.collect(metricRecord);
    }

    private void emitSnapshot(KeyEntry e, SnapshotTrigger trigger) {
        SnapshotRecord s = snapshotPolicy.takeIfNew(e, trigger, now());
        if (s != null) {
            metrics.onSnapshot();
            output.collect(SNAPSHOTS, new StreamRecord<>(s));
        }
    }

    private void deadLetter(String key, String reason, String record) {
        metrics.onDeadLetter();
        output.collect(DEAD_LETTERS, new StreamRecord<>(new DeadLetter(key, DeadLetter.STAGE_TRAIN, reason, record,
                record == null ? 0 : record.length(), now())));
    }

    @Override
    public void endInput() throws Exception {
        store.flush();
        List<String> keys;
        try (Stream<String> s = this.<String>getKeyedStateBackend().getKeys(PROGRESS_STATE, VoidNamespace.INSTANCE)) {
            keys = s.sorted().toList(); // deterministic output order
        }
        for (String key : keys) {
            setCurrentKey(key);
            KeyEntry e = store.acquire(key);
            KeyProgress p = e.progress;
            if (batches.holdsSingleRow(p)) {
                deadLetter(key, BatchBuffer.HELD_ROW_LEFT_OVER, batches.dropHeldRow(key, p));
                e.markDirty();
            } else if (p.pendingRows > 0 && config.endOfInput() == EndOfInput.DROP) {
                for (String row : batches.dropPending(key, p)) { // full batches only, but never silently
                    deadLetter(key, BatchBuffer.PARTIAL_BATCH_DROPPED, row);
                }
                cancelBatchTimer(p);
                e.markDirty();
            } else if (p.pendingRows > 0) {
                train(e);
            }
            if (losses.pending(p)) {
                emitMetric(e, null);
            }
            if (snapshotPolicy.atEndOfInput()) {
                emitSnapshot(e, SnapshotTrigger.END_OF_INPUT);
            }
            store.evict(e); // as we go, so a bounded job with many keys does not grow the cache
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        store.flush(); // Flink calls this synchronously before the keyed backend snapshot
    }

    private long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }

    /** The current model of {@code key} (the live object). */
    @VisibleForTesting
    ModelState cachedModel(String key) throws Exception {
        return store.peek(key);
    }

    /** Models held in the write-back cache (0 on the heap backend). */
    @VisibleForTesting
    int cachedModels() {
        return store.size();
    }

    @VisibleForTesting
    TrainerMetrics metrics() {
        return metrics;
    }
}
