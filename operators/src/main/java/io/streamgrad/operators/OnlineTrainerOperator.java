package io.streamgrad.operators;

import io.streamgrad.model.spec.EarlyStoppingSpec;
import io.streamgrad.model.state.EarlyStoppingState;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.state.ModelStateCodec;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.state.KeyProgress;
import io.streamgrad.operators.state.ModelStateSerializer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed online training: one independent model per key (all of the configuration's
 * specification), trained mini-batch by mini-batch with Keras-exact numerics.
 *
 * <h2>Per key</h2>
 * <ul>
 *   <li>Rows are validated first; a row with a missing or mis-sized feature/target vector or a
 *       non-finite value goes to {@link #DEAD_LETTERS} with the reason and the original record.</li>
 *   <li>Valid rows are buffered; a full batch ({@code batchSize}) is trained at once. With
 *       {@code maxBatchDelay}, a processing-time timer registered at the first buffered row trains
 *       the partial batch. <b>BatchNormalization and 1-row batches:</b> a single row has zero batch
 *       variance, so a BN model would normalise it to beta and record a zero moving variance. The
 *       operator therefore never trains a 1-row batch of a BN model: a timer that finds one row
 *       holds it until more rows arrive (and re-arms with the next row); at end of input a still
 *       held single row is sent to the dead letters with that reason (nothing is dropped
 *       silently). Models without BN train 1-row partial batches normally.</li>
 *   <li>Each step is {@link Trainer#step}: forward, loss, backward, optimizer update with the
 *       scheduled learning rate, BN moving statistics, dropout from the state's RNG. A step with a
 *       non-finite loss, gradient or batch statistic is skipped by the engine; the operator counts
 *       it ({@code skippedUpdates} metric) and reports it in the {@link LossMetric}
 *       ({@code skippedSteps}, {@code outcome}).</li>
 *   <li>A {@link LossMetric} per step, or aggregated every {@code metricsEveryNSteps} steps (the
 *       rest is emitted at end of input).</li>
 *   <li>Snapshots ({@link #SNAPSHOTS}): when the version is a multiple of {@code snapshotEverySteps},
 *       every {@code snapshotInterval} of processing time (only if the model changed), when early
 *       stopping stops the model (marked stopped, with the reason), and at end of input. A
 *       snapshot is only emitted for a version newer than the key's last snapshot (a warm start
 *       counts as a snapshot of its version), so snapshot versions are strictly increasing per key,
 *       also across restores and warm starts.</li>
 *   <li>Early stopping: once stopped, the engine no longer updates the model (best weights
 *       restored if configured); the operator keeps evaluating incoming batches and emitting
 *       metrics ({@code stopped = true}).</li>
 * </ul>
 *
 * <h2>State and the write-back cache</h2>
 * Keyed state (so a savepoint can be rescaled): {@code model} ({@link ModelState}, custom
 * {@link ModelStateSerializer}) and {@code progress} ({@link KeyProgress}: pending partial batch,
 * timer timestamps, last snapshot version, metric aggregate). Processing-time timers live in the
 * keyed timer service and survive restores.
 *
 * <p>Models are not read from and written to keyed state per batch: the operator keeps a
 * write-back cache (access-ordered, at most {@code maxCachedModels} keys) of the objects it
 * mutates in place. Dirty entries are written to keyed state in {@link #snapshotState}, which
 * Flink calls synchronously before the keyed backend snapshot, in {@link #endInput}, and on
 * eviction. So on RocksDB a model is (de)serialized once per checkpoint rather than per batch.
 * <p>Heap backend ({@code isSafeToReuseKVState() == false}): no cache. The model lives once, in
 * the backend's copy-on-write state map; each callback takes it with {@code value()}, mutates it
 * in place and hands it back with {@code update()} (a hash-map put: no serialization). This is
 * safe because {@code CopyOnWriteStateMap.get} (Flink 2.2.1) deep-copies an entry with the state
 * serializer's {@code copy} (and stores the copy) when the entry is still referenced by a running
 * asynchronous snapshot ({@code entry.stateVersion < highestRequiredSnapshotVersion}), so the
 * object we mutate is never the one being written; and because no reference is kept across
 * callbacks (a snapshot can only start between them). {@link ModelStateSerializer#copy} and the
 * POJO serializer of {@link KeyProgress} copy deeply. A cache here would keep a second copy of
 * every cached model (the flushed copy in state plus the live one): up to twice the memory.
 *
 * <p>Changing the optimizer between a savepoint and its restore: each key's progress records the
 * optimizer type its slots belong to; a model restored under another type (or whose slots do not
 * fit the new optimizer) continues from its weights with the new optimizer started afresh, like a
 * Keras model recompiled with a new optimizer ({@link Trainer#withFreshOptimizer}); versions and
 * counters continue. Counted in the {@code optimizerResets} metric and logged once.
 *
 * <h2>Determinism</h2>
 * The training path uses no wall clock, no hash-order iteration and no unseeded randomness: a
 * key's model starts from {@link OnlineTrainerConfig#seedFor(String)} (or its warm start), and the
 * same rows in the same order give bit-identical models, also across a restore with another
 * parallelism. (Batch boundaries set by {@code maxBatchDelay} depend on processing time, by
 * nature.) One {@link Trainer} (buffers only) serves all keys of the subtask.
 */
@PublicEvolving
public class OnlineTrainerOperator extends AbstractStreamOperator<LossMetric>
        implements OneInputStreamOperator<Example, LossMetric>, Triggerable<String, VoidNamespace>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OnlineTrainerOperator.class);

    /** Side output of model snapshots. */
    public static final OutputTag<SnapshotRecord> SNAPSHOTS =
            new OutputTag<>("streamgrad-snapshots", TypeInformation.of(SnapshotRecord.class));
    /** Side output of rejected examples. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("streamgrad-dead-letters", TypeInformation.of(DeadLetter.class));

    static final String MODEL_STATE = "streamgrad-model";
    static final String PROGRESS_STATE = "streamgrad-progress";
    static final String TIMERS = "streamgrad-trainer-timers";

    public static final String TRIGGER_STEPS = "steps";
    public static final String TRIGGER_INTERVAL = "interval";
    public static final String TRIGGER_EARLY_STOP = "earlyStop";
    public static final String TRIGGER_END_OF_INPUT = "endOfInput";
    public static final String STAGE = "train";

    private final OnlineTrainerConfig config;

    private transient Trainer trainer;
    private transient int inputDim;
    private transient int outputDim;
    private transient boolean holdSingleRows;
    private transient MiniBatch batch;
    private transient StepResult result;
    private transient ValueState<ModelState> modelState;
    private transient ValueState<KeyProgress> progressState;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient boolean copyOnExchange;
    /** Heap backend: models are mutated in place in keyed state, the cache is not used. */
    private transient boolean direct;
    private transient LinkedHashMap<String, Entry> cache;
    private transient StreamRecord<LossMetric> metricRecord;

    private transient Counter stepsCounter;
    private transient Counter examplesCounter;
    private transient Counter skippedCounter;
    private transient Counter deadLetterCounter;
    private transient Counter snapshotCounter;
    private transient Counter optimizerResetCounter;
    private transient boolean optimizerResetLogged;
    private transient volatile double lastLoss;
    private transient volatile double lastLearningRate;

    public OnlineTrainerOperator(OnlineTrainerConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config: must not be null");
        }
        this.config = config;
    }

    public OnlineTrainerConfig config() {
        return config;
    }

    @Override
    public void open() throws Exception {
        super.open();
        trainer = config.newTrainer();
        inputDim = trainer.network().inputDim();
        outputDim = trainer.network().outputDim();
        holdSingleRows = config.hasBatchNormalization();
        batch = new MiniBatch(inputDim, outputDim, config.batchSize());
        result = new StepResult();
        metricRecord = new StreamRecord<>(null);
        modelState = getPartitionedState(new ValueStateDescriptor<>(MODEL_STATE,
                new ModelStateSerializer(config.modelSpec())));
        progressState = getPartitionedState(new ValueStateDescriptor<>(PROGRESS_STATE,
                TypeInformation.of(KeyProgress.class)));
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        copyOnExchange = !getKeyedStateBackend().isSafeToReuseKVState();
        direct = copyOnExchange;
        cache = new LinkedHashMap<>(64, 0.75f, true);

        MetricGroup g = getMetricGroup().addGroup("streamgrad");
        stepsCounter = g.counter("steps", new SimpleCounter());
        examplesCounter = g.counter("examples", new SimpleCounter());
        skippedCounter = g.counter("skippedUpdates", new SimpleCounter());
        deadLetterCounter = g.counter("deadLetters", new SimpleCounter());
        snapshotCounter = g.counter("snapshots", new SimpleCounter());
        optimizerResetCounter = g.counter("optimizerResets", new SimpleCounter());
        lastLoss = Double.NaN;
        lastLearningRate = Double.NaN;
        g.gauge("lastLoss", (Gauge<Double>) () -> lastLoss);
        g.gauge("learningRate", (Gauge<Double>) () -> lastLearningRate);
        g.gauge("cachedModels", (Gauge<Integer>) () -> cache == null ? 0 : cache.size());
    }

    // ------------------------------------------------------------------ input

    @Override
    public void processElement(StreamRecord<Example> element) throws Exception {
        Example ex = element.getValue();
        String key = (String) getCurrentKey();
        String problem = validate(ex);
        if (problem != null) {
            deadLetter(key, problem, ex.raw != null ? ex.raw : ex.toString());
            return;
        }
        Entry e = entry(key);
        KeyProgress p = e.progress;
        p.addRow(ex.features, ex.target, config.batchSize());
        long eventTime = ex.eventTime != Example.NO_TIMESTAMP ? ex.eventTime
                : element.hasTimestamp() ? element.getTimestamp() : Example.NO_TIMESTAMP;
        p.pendingMaxEventTime = Math.max(p.pendingMaxEventTime, eventTime);
        e.dirty = true;
        if (p.pendingRows >= config.batchSize()) {
            trainPending(e);
        } else if (config.maxBatchDelayMillis() > 0 && p.batchTimer == KeyProgress.NO_TIMER) {
            p.batchTimer = now() + config.maxBatchDelayMillis();
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, p.batchTimer);
        }
        armIntervalTimer(e);
        release(e);
    }

    /** Reason the example cannot be trained, or null. */
    String validate(Example ex) {
        if (ex.features == null) {
            return "features: missing";
        }
        if (ex.features.length != inputDim) {
            return "features: expected " + inputDim + " values, got " + ex.features.length;
        }
        for (int i = 0; i < ex.features.length; i++) {
            if (!Float.isFinite(ex.features[i])) {
                return "features[" + i + "]: not finite (" + ex.features[i] + ")";
            }
        }
        if (ex.target == null) {
            return "target: missing label";
        }
        if (ex.target.length != outputDim) {
            return "target: expected " + outputDim + " values, got " + ex.target.length;
        }
        for (int i = 0; i < ex.target.length; i++) {
            if (!Float.isFinite(ex.target[i])) {
                return "target[" + i + "]: not finite (" + ex.target[i] + ")";
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ timers

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        String key = timer.getKey();
        Entry e = entry(key);
        KeyProgress p = e.progress;
        long ts = timer.getTimestamp();
        if (ts == p.batchTimer) {
            p.batchTimer = KeyProgress.NO_TIMER;
            e.dirty = true;
            if (p.pendingRows > 0 && !(holdSingleRows && p.pendingRows < 2)) {
                trainPending(e);
            }
        }
        if (ts == p.intervalTimer) {
            p.intervalTimer = KeyProgress.NO_TIMER;
            e.dirty = true;
            if (e.model.version() > p.lastSnapshotVersion) {
                emitSnapshot(e, TRIGGER_INTERVAL, null);
                armIntervalTimer(e);
            }
            // an idle key is re-armed by its next row, so idle keys keep no timers
        }
        release(e);
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
        // no event-time timers
    }

    private void armIntervalTimer(Entry e) {
        if (config.snapshotIntervalMillis() > 0 && e.progress.intervalTimer == KeyProgress.NO_TIMER) {
            e.progress.intervalTimer = now() + config.snapshotIntervalMillis();
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, e.progress.intervalTimer);
            e.dirty = true;
        }
    }

    // ------------------------------------------------------------------ training

    private void trainPending(Entry e) {
        KeyProgress p = e.progress;
        ModelState m = e.model;
        batch.clear();
        for (int r = 0; r < p.pendingRows; r++) {
            batch.add(p.pendingX, r * inputDim, p.pendingY, r * outputDim);
        }
        long eventTime = p.pendingMaxEventTime;
        p.clearPending();
        if (p.batchTimer != KeyProgress.NO_TIMER) {
            if (p.batchTimer != p.intervalTimer) {
                timers.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, p.batchTimer);
            }
            p.batchTimer = KeyProgress.NO_TIMER;
        }
        e.dirty = true;

        trainer.step(m, batch, result);

        stepsCounter.inc();
        examplesCounter.inc(result.batchSize());
        StepResult.Outcome outcome = result.outcome();
        if (outcome == StepResult.Outcome.SKIPPED_NON_FINITE) {
            skippedCounter.inc();
        }
        lastLoss = result.loss();
        if (outcome == StepResult.Outcome.APPLIED) {
            lastLearningRate = result.learningRate();
        }

        p.aggSteps++;
        p.aggExamples += result.batchSize();
        p.aggSkipped += outcome == StepResult.Outcome.SKIPPED_NON_FINITE ? 1 : 0;
        p.aggLoss += result.loss();
        p.aggDataLoss += result.dataLoss();
        p.aggRegularizationLoss += result.regularizationLoss();
        p.aggGradientNorm += result.gradientNorm();
        p.aggAccuracy += result.accuracy();
        p.aggLearningRate = result.learningRate();
        p.aggMaxEventTime = Math.max(p.aggMaxEventTime, eventTime);
        if (p.aggSteps >= config.metricsEveryNSteps()) {
            emitMetric(e, outcome);
        }

        if (result.earlyStopTriggered()) {
            if (config.snapshotOnEarlyStop()) {
                emitSnapshot(e, TRIGGER_EARLY_STOP, stopReason(m));
            }
        } else if (outcome == StepResult.Outcome.APPLIED && config.snapshotEverySteps() > 0
                && m.version() % config.snapshotEverySteps() == 0) {
            emitSnapshot(e, TRIGGER_STEPS, null);
        }
    }

    private void emitMetric(Entry e, StepResult.Outcome lastOutcome) {
        KeyProgress p = e.progress;
        ModelState m = e.model;
        LossMetric r = new LossMetric();
        int n = p.aggSteps;
        r.modelKey = e.key;
        r.step = m.iterations();
        r.version = m.version();
        r.examplesSeen = m.examplesSeen();
        r.batchSize = p.aggExamples;
        r.steps = n;
        r.loss = p.aggLoss / n;
        r.dataLoss = p.aggDataLoss / n;
        r.regularizationLoss = p.aggRegularizationLoss / n;
        r.learningRate = p.aggLearningRate;
        r.gradientNorm = p.aggGradientNorm / n;
        r.accuracy = p.aggAccuracy / n;
        r.skippedUpdates = m.skippedUpdates();
        r.skippedSteps = p.aggSkipped;
        r.outcome = lastOutcome == null ? null : lastOutcome.name();
        r.stopped = m.earlyStopping().stopped();
        r.eventTime = p.aggMaxEventTime;
        r.processingTime = now();
        p.clearAggregate();
        e.dirty = true;
        if (r.eventTime != Example.NO_TIMESTAMP) {
            metricRecord.replace(r, r.eventTime);
        } else {
            metricRecord.replace(r);
            metricRecord.eraseTimestamp();
        }
        output.collect(metricRecord);
    }

    private void emitSnapshot(Entry e, String trigger, String stopReason) {
        ModelState m = e.model;
        if (m.version() <= e.progress.lastSnapshotVersion) {
            return;
        }
        SnapshotRecord s = new SnapshotRecord();
        s.modelKey = e.key;
        s.version = m.version();
        s.step = m.iterations();
        s.examplesSeen = m.examplesSeen();
        s.lastLoss = m.lastLoss();
        s.stopped = m.earlyStopping().stopped();
        s.stopReason = stopReason != null ? stopReason : s.stopped ? stopReason(m) : null;
        s.trigger = trigger;
        s.createdAt = now();
        s.includeOptimizerState = config.includeOptimizerState();
        s.state = ModelStateCodec.encode(config.includeOptimizerState() ? m : weightsOnly(m));
        s.modelSpec = config.modelSpecJson();
        s.optimizerSpec = config.optimizerSpecJson();
        e.progress.lastSnapshotVersion = m.version();
        e.dirty = true;
        snapshotCounter.inc();
        output.collect(SNAPSHOTS, new StreamRecord<>(s));
    }

    /** Weights and BN statistics with counters, without optimizer slots or early-stopping state. */
    static ModelState weightsOnly(ModelState m) {
        float[][] w = new float[m.weights().length][];
        float[][][] slots = new float[w.length][][];
        for (int v = 0; v < w.length; v++) {
            w[v] = m.weights()[v];
            slots[v] = new float[0][];
        }
        ModelState s = new ModelState(w, slots, new double[0], null);
        s.setVersion(m.version());
        s.setIterations(m.iterations());
        s.setExamplesSeen(m.examplesSeen());
        s.setSkippedUpdates(m.skippedUpdates());
        s.setRngState(m.rngState());
        s.setLastLoss(m.lastLoss());
        return s;
    }

    private String stopReason(ModelState m) {
        EarlyStoppingSpec spec = config.earlyStoppingSpec();
        EarlyStoppingState es = m.earlyStopping();
        StringBuilder b = new StringBuilder("early stopping: ");
        if (spec != null) {
            b.append('\'').append(spec.monitor()).append("' did not improve (minDelta ").append(spec.minDelta())
                    .append(", patience ").append(spec.patience()).append(" epochs of ").append(spec.stepsPerEpoch())
                    .append(" steps)");
        } else {
            b.append("stopped");
        }
        b.append("; best ").append(es.best()).append(" at epoch ").append(es.bestEpoch()).append(", stopped at epoch ")
                .append(es.stoppedEpoch());
        if (spec != null && spec.restoreBestWeights() && es.bestWeights() != null) {
            b.append("; best weights restored");
        }
        return b.toString();
    }

    private void deadLetter(String key, String reason, String record) {
        deadLetterCounter.inc();
        output.collect(DEAD_LETTERS, new StreamRecord<>(new DeadLetter(key, STAGE, reason, record,
                record == null ? 0 : record.length(), now())));
    }

    // ------------------------------------------------------------------ end of input

    @Override
    public void endInput() throws Exception {
        flushCache();
        List<String> keys = new ArrayList<>();
        try (Stream<String> s = getKeyedStateBackend().<VoidNamespace>getKeys(PROGRESS_STATE, VoidNamespace.INSTANCE)
                .map(k -> (String) k)) {
            s.forEach(keys::add);
        }
        keys.sort(null); // deterministic output order
        for (String key : keys) {
            setCurrentKey(key);
            Entry e = entry(key);
            KeyProgress p = e.progress;
            if (p.pendingRows > 0) {
                if (holdSingleRows && p.pendingRows < 2) {
                    deadLetter(key, "batchNormalization: a 1-row batch cannot be trained (zero batch variance); "
                            + "the held row is left over at end of input", rowText(key, p));
                    p.clearPending();
                    e.dirty = true;
                } else {
                    trainPending(e);
                }
            }
            if (p.aggSteps > 0) {
                emitMetric(e, null);
            }
            if (config.snapshotAtEndOfInput()) {
                emitSnapshot(e, TRIGGER_END_OF_INPUT, null);
            }
            // evict as we go so a bounded job with many keys does not grow the cache
            writeBack(e, false);
            cache.remove(key);
        }
    }

    private String rowText(String key, KeyProgress p) {
        return "{\"modelKey\":\"" + key + "\",\"features\":"
                + java.util.Arrays.toString(java.util.Arrays.copyOf(p.pendingX, inputDim)) + ",\"target\":"
                + java.util.Arrays.toString(java.util.Arrays.copyOf(p.pendingY, outputDim)) + "}";
    }

    // ------------------------------------------------------------------ state and cache

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        flushCache();
    }

    /**
     * The entry of {@code key} (the current key): cached, or loaded from state or created. On the
     * heap backend ({@link #direct}) the state's own objects, valid until {@link #release}.
     */
    private Entry entry(String key) throws Exception {
        Entry e = direct ? null : cache.get(key);
        if (e != null) {
            return e;
        }
        ModelState m = modelState.value();
        KeyProgress p = progressState.value();
        boolean fresh = m == null;
        if (fresh) {
            m = config.initialState(trainer, key);
        } else if (copyOnExchange && !direct) {
            m = m.copy();
        }
        if (p == null) {
            p = new KeyProgress();
            if (fresh && config.warmStartFor(key) != null) {
                p.lastSnapshotVersion = m.version(); // the warm start is a snapshot of this version
            }
        } else if (copyOnExchange && !direct) {
            p = p.copy();
        }
        boolean changed = fresh;
        String optimizerType = trainer.optimizer().spec().type();
        if (!fresh && !optimizerType.equals(p.optimizerType)
                && (p.optimizerType != null || !trainer.optimizerStateFits(m))) {
            // restored under another optimizer: its slots would mean something else (or not fit)
            m = trainer.withFreshOptimizer(m);
            optimizerResetCounter.inc();
            if (!optimizerResetLogged) {
                optimizerResetLogged = true;
                LOG.warn("Restored models were trained with optimizer '{}', the job now uses '{}': their optimizer "
                        + "state starts afresh (weights, versions and counters are kept). Counted in "
                        + "streamgrad.optimizerResets.", p.optimizerType, optimizerType);
            }
            changed = true;
        }
        if (!optimizerType.equals(p.optimizerType)) {
            p.optimizerType = optimizerType;
            changed = true;
        }
        e = new Entry(key, m, p);
        e.dirty = changed;
        if (direct) {
            return e;
        }
        cache.put(key, e);
        if (cache.size() > config.maxCachedModels()) {
            evictEldest(key);
        }
        return e;
    }

    private void evictEldest(String currentKey) throws Exception {
        Iterator<Map.Entry<String, Entry>> it = cache.entrySet().iterator();
        while (cache.size() > config.maxCachedModels() && it.hasNext()) {
            Entry victim = it.next().getValue();
            if (victim.key.equals(currentKey)) {
                continue;
            }
            setCurrentKey(victim.key);
            try {
                writeBack(victim, false);
            } finally {
                setCurrentKey(currentKey);
            }
            it.remove();
        }
    }

    /**
     * End of a callback: on the heap backend the (in place mutated) state objects go back with
     * {@code update()} and no reference is kept; cached entries stay until flush or eviction.
     */
    private void release(Entry e) throws Exception {
        if (direct) {
            writeBack(e, false);
        }
    }

    /** Writes every dirty entry to keyed state (copies when the backend shares state objects). */
    private void flushCache() throws Exception {
        if (cache == null || cache.isEmpty()) {
            return;
        }
        Object current = getCurrentKey();
        boolean any = false;
        for (Entry e : cache.values()) {
            if (e.dirty) {
                setCurrentKey(e.key);
                writeBack(e, copyOnExchange);
                any = true;
            }
        }
        if (any && current != null) {
            setCurrentKey(current);
        }
    }

    /** Writes one entry at the current key (which must be {@code e.key}). */
    private void writeBack(Entry e, boolean copy) throws Exception {
        if (e.dirty) {
            modelState.update(copy ? e.model.copy() : e.model);
            progressState.update(copy ? e.progress.copy() : e.progress);
            e.dirty = false;
        }
    }

    private long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }

    // ------------------------------------------------------------------ testing hooks

    /** The current model of {@code key} (live object; tests and benchmarks only; heap: from state). */
    @VisibleForTesting
    ModelState cachedModel(String key) throws Exception {
        if (direct) {
            Object current = getCurrentKey();
            setCurrentKey(key);
            try {
                return modelState.value();
            } finally {
                if (current != null) {
                    setCurrentKey(current);
                }
            }
        }
        Entry e = cache.get(key);
        return e == null ? null : e.model;
    }

    @VisibleForTesting
    int cachedModels() {
        return cache.size();
    }

    @VisibleForTesting
    long stepsCount() {
        return stepsCounter.getCount();
    }

    @VisibleForTesting
    long examplesCount() {
        return examplesCounter.getCount();
    }

    @VisibleForTesting
    long skippedCount() {
        return skippedCounter.getCount();
    }

    @VisibleForTesting
    long optimizerResetCount() {
        return optimizerResetCounter.getCount();
    }

    @VisibleForTesting
    long deadLetterCount() {
        return deadLetterCounter.getCount();
    }

    @VisibleForTesting
    double lastLossGauge() {
        return lastLoss;
    }

    @VisibleForTesting
    double learningRateGauge() {
        return lastLearningRate;
    }

    /** A cached key: its live model and progress, and whether they differ from keyed state. */
    private static final class Entry {
        final String key;
        final ModelState model;
        final KeyProgress progress;
        boolean dirty;

        Entry(String key, ModelState model, KeyProgress progress) {
            this.key = key;
            this.model = model;
            this.progress = progress;
        }
    }
}
