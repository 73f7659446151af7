package io.streamgrad.bench.pipeline;

import java.util.List;
import jdk.jfr.consumer.RecordedFrame;

/** Names the pipeline stage a JFR execution sample belongs to, from its stack and thread name. */
final class StageClassifier {
    private StageClassifier() {}

    /** The first marker frame from the leaf towards the root decides; then Flink's record path; then the thread. */
    static String classify(List<RecordedFrame> frames, String thread) {
        for (RecordedFrame f : frames) {
            if (f.getMethod() == null || f.getMethod().getType() == null) {
                continue;
            }
            String stage = marker(f.getMethod().getType().getName(), f.getMethod().getName());
            if (stage != null) {
                return stage;
            }
        }
        for (RecordedFrame f : frames) {
            if (f.getMethod() == null || f.getMethod().getType() == null) {
                continue;
            }
            if (isFlinkRecordPath(f.getMethod().getType().getName())) {
                return "flinkRecords";
            }
        }
        if (thread.contains("kafka") || thread.contains("broker") || thread.contains("raft")) {
            return "kafkaBroker";
        }
        return "other";
    }

    private static String marker(String type, String method) {
        if (type.equals("io.streamgrad.model.train.Trainer") && method.equals("step")) {
            return "training";
        }
        if (type.equals("io.streamgrad.model.serve.Predictor")) {
            return "inference";
        }
        if (type.startsWith("io.streamgrad.jobs.input.")) {
            return "parsing";
        }
        if ((type.equals("io.streamgrad.operators.state.KeyProgress") && method.equals("addRow"))
                || (type.equals("io.streamgrad.model.train.MiniBatch") && method.startsWith("add"))) {
            return "batching";
        }
        if (type.startsWith("org.apache.flink.runtime.state.")) {
            return "stateAccess";
        }
        if (type.startsWith("io.streamgrad.jobs.sink.")) {
            return "outputSerialization";
        }
        if (type.startsWith("io.streamgrad.operators.")) {
            return "operatorOther";
        }
        if (type.startsWith("org.apache.kafka.clients.producer.")
                || type.startsWith("org.apache.flink.connector.kafka.sink.")) {
            return "kafkaProducer";
        }
        if (type.startsWith("org.apache.kafka.clients.consumer.")
                || type.startsWith("org.apache.flink.connector.kafka.source.")
                || type.startsWith("org.apache.flink.connector.base.source.")) {
            return "kafkaConsumer";
        }
        if (type.startsWith("kafka.") || type.startsWith("org.apache.kafka.storage.")
                || type.startsWith("org.apache.kafka.server.") || type.startsWith("org.apache.kafka.raft.")
                || type.startsWith("org.apache.kafka.controller.") || type.startsWith("org.apache.kafka.network.")
                || type.startsWith("org.apache.kafka.coordinator.")) {
            return "kafkaBroker";
        }
        if (type.startsWith("jdk.jfr.") || type.startsWith("jdk.internal.jfr.")) {
            return "profiler";
        }
        if (type.startsWith("io.streamgrad.bench.")) {
            return "flinkRecords"; // the benchmark's own probe and source functions
        }
        return null;
    }

    private static boolean isFlinkRecordPath(String type) {
        return type.startsWith("org.apache.flink.streaming.runtime.") || type.startsWith("org.apache.flink.runtime.io.")
                || type.startsWith("org.apache.flink.api.common.typeutils.")
                || type.startsWith("org.apache.flink.api.java.typeutils.")
                || type.startsWith("org.apache.flink.streaming.api.operators.");
    }
}
