package io.streamgrad.operators;

import io.streamgrad.model.serve.Predictor;
import io.streamgrad.operators.scoring.HeldEvents;
import io.streamgrad.operators.scoring.PredictionRecords;
import io.streamgrad.operators.scoring.RawEventRows;
import io.streamgrad.operators.scoring.PredictorSerializer;
import io.streamgrad.operators.scoring.ScoringMetrics;
import io.streamgrad.operators.scoring.ScratchNetworks;
import io.streamgrad.operators.scoring.ServingModels;
import io.streamgrad.operators.scoring.SnapshotAdmission;
import io.streamgrad.operators.training.ExampleValidator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Keyed scoring: input 1 are events ({@link Example}s, the label ignored), input 2 the model
 * snapshots of the same keys. Each event is predicted in inference mode by the newest admitted
 * model of its key and emitted as a {@link PredictionRecord} stamped with that model's version.
 * Only the Flink side lives here: admission ({@link SnapshotAdmission}), the keyed models
 * ({@link ServingModels}), early events ({@link HeldEvents}) and the records
 * ({@link PredictionRecords}) are separate.
 *
 * <p>A snapshot replaces the serving model only when it is admitted and newer, so the versions
 * used per key never go backwards and a corrupt snapshot leaves the previous model in service.
 * No wall clock, hash order or randomness reaches a prediction: the same input order gives the
 * same output, bit for bit.
 */
@Internal
public class ScoringOperator extends AbstractStreamOperator<PredictionRecord>
        implements TwoInputStreamOperator<Example, SnapshotRecord, PredictionRecord>, BoundedMultiInput {
    private static final long serialVersionUID = 1L;

    /** Side output of events that could not be scored and of refused snapshots. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("streamgrad-scoring-dead-letters", TypeInformation.of(DeadLetter.class));

    // state names are part of the savepoint format
    static final String MODEL_STATE = "streamgrad-serving-model";
    static final String HELD_EVENTS = "streamgrad-held-events";
    static final String HELD_COUNT = "streamgrad-held-count";

    private final ScoringConfig config;

    private transient ServingModels models;
    private transient HeldEvents held;
    private transient SnapshotAdmission admission;
    private transient PredictionRecords records;
    private transient ScratchNetworks scratch;
    private transient RawEventRows rawRows;
    private transient ScoringMetrics metrics;
    private transient boolean snapshotsEnded;

    public ScoringOperator(ScoringConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config: must not be null");
        }
        this.config = config;
    }

    @Override
    public void open() throws Exception {
        super.open();
        models = new ServingModels(getPartitionedState(new ValueStateDescriptor<>(MODEL_STATE,
                PredictorSerializer.INSTANCE)), config.maxCachedModels());
        held = new HeldEvents(getPartitionedState(new ListStateDescriptor<>(HELD_EVENTS,
                TypeInformation.of(Example.class))), getPartitionedState(new ValueStateDescriptor<>(HELD_COUNT,
                Types.INT)), config.maxHeldEventsPerKey());
        admission = new SnapshotAdmission(config.classNames());
        records = new PredictionRecords(config.classNames());
        scratch = new ScratchNetworks();
        rawRows = new RawEventRows();
        metrics = new ScoringMetrics(getMetricGroup(), () -> models == null ? 0 : models.cached());
    }

    @Override
    public void processElement1(StreamRecord<Example> element) throws Exception {
        Example event = element.getValue();
        String key = (String) getCurrentKey();
        long eventTime = PredictionRecords.eventTime(event, element.hasTimestamp(), element.getTimestamp());
        Predictor model = models.get(key);
        if (model != null) {
            score(key, model, event, eventTime, false);
        } else if (config.earlyEvents() == EarlyEventPolicy.HOLD && !snapshotsEnded) {
            Example copy = new Example(event.modelKey, event.features, event.target, eventTime, event.raw);
            copy.eventId = event.eventId;
            copy.featureValues = event.featureValues;
            if (held.hold(copy)) {
                metrics.onHeld();
            } else {
                withoutModel(key, event, "no model for key yet and " + held.maxPerKey()
                        + " events already held (maxHeldEventsPerKey)");
            }
        } else {
            withoutModel(key, event, snapshotsEnded ? "no model for key (the snapshot input has ended)"
                    : "no model for key yet (earlyEvents DEAD_LETTER)");
        }
    }

    @Override
    public void processElement2(StreamRecord<SnapshotRecord> element) throws Exception {
        SnapshotRecord s = element.getValue();
        String key = (String) getCurrentKey();
        Predictor serving = models.get(key);
        if (serving != null && s.version <= serving.version()) {
            metrics.onOutdated(); // replays and reordering: versions used per key never go backwards
            return;
        }
        Predictor model;
        try {
            model = admission.admit(key, s);
        } catch (SnapshotAdmission.Rejected e) {
            metrics.onRejected();
            deadLetter(key, DeadLetter.STAGE_SNAPSHOT, e.getMessage(), s.toString());
            return;
        }
        models.put(key, model);
        metrics.onModelLoaded();
        for (Example event : held.drain()) {
            score(key, model, event, event.eventTime, true);
        }
    }

    private void score(String key, Predictor model, Example event, long eventTime, boolean wasHeld) {
        String problem = model.model().hasFeatures() ? rawRows.problem(model.model(), event)
                : ExampleValidator.featureProblem(event.features, model.inputDim());
        if (problem != null) {
            deadLetter(key, DeadLetter.STAGE_SCORE, problem, record(event));
            return;
        }
        float[] values = new float[model.outputDim()];
        if (model.model().hasFeatures()) {
            model.predictValues(rawRows.row(model.model(), event), 1, values, scratch.forModel(model));
        } else {
            model.predictValues(event.features, 1, values, scratch.forModel(model));
        }
        PredictionRecord r = records.create(key, event, eventTime, values, model.outputKind(), model.version(),
                model.createdAtMillis());
        metrics.onPrediction(r.stalenessMillis, wasHeld);
        output.collect(eventTime == Example.NO_TIMESTAMP ? new StreamRecord<>(r) : new StreamRecord<>(r, eventTime));
    }

    private void withoutModel(String key, Example event, String reason) {
        metrics.onWithoutModel();
        deadLetter(key, DeadLetter.STAGE_SCORE, reason, record(event));
    }

    private void deadLetter(String key, String stage, String reason, String record) {
        metrics.onDeadLetter();
        output.collect(DEAD_LETTERS, new StreamRecord<>(new DeadLetter(key, stage, reason, record,
                record == null ? 0 : record.length(), getProcessingTimeService().getCurrentProcessingTime())));
    }

    private static String record(Example event) {
        return event.raw != null ? event.raw : event.toString();
    }

    /** When the snapshot input ends no model can arrive any more: held events go to dead letters. */
    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId != 2 || snapshotsEnded) {
            return;
        }
        snapshotsEnded = true;
        List<String> keys;
        try (Stream<String> s = this.<String>getKeyedStateBackend().getKeys(HELD_COUNT, VoidNamespace.INSTANCE)) {
            keys = s.sorted().toList(); // deterministic output order
        }
        for (String key : keys) {
            setCurrentKey(key);
            for (Example event : held.drain()) {
                withoutModel(key, event, "no model for key arrived before the snapshot input ended");
            }
        }
    }

    @VisibleForTesting
    ScoringMetrics metrics() {
        return metrics;
    }
}
