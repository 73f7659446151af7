package io.streamgrad.jobs.kafka;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;

/**
 * A {@link KafkaSource} whose bounded form also ends after a restore from a checkpoint or savepoint.
 *
 * <p>A restored Kafka enumerator that finds no partition it does not know yet returns from its partition
 * discovery before marking "no more splits", so its readers never hear that the input is complete and a bounded
 * job restored from a checkpoint runs forever after its last record. This wrapper watches the restored
 * enumerator's discovery (its asynchronous calls) and, once nothing is pending, tells every reader (and every
 * reader that registers later) that no more splits will come. State, serializers and splits are the Kafka
 * source's own, so checkpoints and savepoints are interchangeable with it.
 */
@Internal
public final class FinishingKafkaSource<T>
        implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    private final KafkaSource<T> kafka;

    public FinishingKafkaSource(KafkaSource<T> kafka) {
        this.kafka = kafka;
    }

    @Override
    public Boundedness getBoundedness() {
        return kafka.getBoundedness();
    }

    @Override
    public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context) throws Exception {
        return kafka.createReader(context);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context) throws Exception {
        return kafka.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state) throws Exception {
        if (getBoundedness() != Boundedness.BOUNDED) {
            return kafka.restoreEnumerator(context, state);
        }
        WatchedContext watched = new WatchedContext(context);
        return new FinishingEnumerator(kafka.restoreEnumerator(watched, state), watched);
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return kafka.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return kafka.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return kafka.getProducedType();
    }

    /** The restored enumerator; after its discovery, readers learn that the input is complete. */
    private static final class FinishingEnumerator implements SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> {
        private final SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> inner;
        private final WatchedContext context;

        FinishingEnumerator(SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> inner, WatchedContext context) {
            this.inner = inner;
            this.context = context;
        }

        @Override
        public void start() {
            inner.start();
        }

        @Override
        public void handleSplitRequest(int subtask, String host) {
            inner.handleSplitRequest(subtask, host);
        }

        @Override
        public void addSplitsBack(java.util.List<KafkaPartitionSplit> splits, int subtask) {
            inner.addSplitsBack(splits, subtask);
        }

        @Override
        public void addReader(int subtask) {
            inner.addReader(subtask); // assigns its pending splits first
            if (context.discoveryDone) {
                context.signalNoMoreSplits(subtask);
            }
        }

        @Override
        public KafkaSourceEnumState snapshotState(long checkpointId) throws Exception {
            return inner.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            inner.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void handleSourceEvent(int subtask, SourceEvent event) {
            inner.handleSourceEvent(subtask, event);
        }

        @Override
        public void close() throws java.io.IOException {
            inner.close();
        }
    }

    /** Counts the enumerator's pending asynchronous calls (all run in the coordinator thread). */
    private static final class WatchedContext implements SplitEnumeratorContext<KafkaPartitionSplit> {
        private final SplitEnumeratorContext<KafkaPartitionSplit> context;
        private int pending;
        boolean discoveryDone;

        WatchedContext(SplitEnumeratorContext<KafkaPartitionSplit> context) {
            this.context = context;
        }

        @Override
        public <R> void callAsync(Callable<R> callable, BiConsumer<R, Throwable> handler) {
            pending++;
            context.callAsync(callable, (result, error) -> {
                try {
                    handler.accept(result, error);
                } finally {
                    if (--pending == 0 && !discoveryDone) {
                        discoveryDone = true;
                        context.registeredReaders().keySet().forEach(context::signalNoMoreSplits);
                    }
                }
            });
        }

        @Override
        public <R> void callAsync(Callable<R> callable, BiConsumer<R, Throwable> handler, long initialDelay,
                                  long period) {
            context.callAsync(callable, handler, initialDelay, period); // periodic discovery: unbounded only
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            return context.metricGroup();
        }

        @Override
        public void sendEventToSourceReader(int subtask, SourceEvent event) {
            context.sendEventToSourceReader(subtask, event);
        }

        @Override
        public void sendEventToSourceReader(int subtask, int attempt, SourceEvent event) {
            context.sendEventToSourceReader(subtask, attempt, event);
        }

        @Override
        public int currentParallelism() {
            return context.currentParallelism();
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            return context.registeredReaders();
        }

        @Override
        public Map<Integer, Map<Integer, ReaderInfo>> registeredReadersOfAttempts() {
            return context.registeredReadersOfAttempts();
        }

        @Override
        public void assignSplits(SplitsAssignment<KafkaPartitionSplit> assignment) {
            context.assignSplits(assignment);
        }

        @Override
        public void assignSplit(KafkaPartitionSplit split, int subtask) {
            context.assignSplit(split, subtask);
        }

        @Override
        public void signalNoMoreSplits(int subtask) {
            context.signalNoMoreSplits(subtask);
        }

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            context.runInCoordinatorThread(runnable);
        }

        @Override
        public void setIsProcessingBacklog(boolean isProcessingBacklog) {
            context.setIsProcessingBacklog(isProcessingBacklog);
        }
    }
}
