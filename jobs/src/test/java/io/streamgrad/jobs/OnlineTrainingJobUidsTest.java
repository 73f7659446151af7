package io.streamgrad.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.jobs.config.ConfigException;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.JobConfigModelsTest;
import io.streamgrad.jobs.config.JobConfigTest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The operator uids savepoints restore by: unchanged for a single model, one trainer per named model otherwise. */
class OnlineTrainingJobUidsTest {
    static List<String> uids(JobConfig cfg) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        OnlineTrainingJob.build(env, cfg, Map.of());
        return env.getStreamGraph().getStreamNodes().stream().map(StreamNode::getTransformationUID)
                .filter(Objects::nonNull).toList();
    }

    @Test
    void aSingleModelJobKeepsItsUids() {
        List<String> uids = uids(JobConfig.parse(JobConfigTest.BASE, List.of()));
        assertThat(uids).contains("kafka-input", "parse", "online-trainer")
                .noneMatch(u -> u.startsWith("online-trainer-") || u.equals("route-models"));
    }

    @Test
    void eachModelHasATrainerNamedAfterIt() {
        List<String> uids = uids(JobConfig.parse(JobConfigModelsTest.JOB + JobConfigModelsTest.MODELS, List.of()));
        assertThat(uids).contains("kafka-input", "parse", "route-models", "online-trainer-prices",
                "online-trainer-churn", "online-trainer-digits", "metrics-of-all-models").doesNotContain("online-trainer");
    }

    @Test
    void aLabelsSectionAddsItsOwnStagesAndKeepsTheOtherUids() {
        List<String> uids = uids(JobConfig.parse(JobConfigTest.BASE, List.of("training.predictions=unlabelled",
                "labels.topic=clicks", "labels.horizonMs=60000")));
        assertThat(uids).contains("kafka-input", "parse", "online-trainer", "kafka-labels", "parse-labels",
                "label-events", "label-join", "label-order", "sink-predictions", "sink-dead-letters");
        List<String> multi = uids(JobConfig.parse(JobConfigModelsTest.JOB + JobConfigModelsTest.MODELS,
                List.of("training.predictions=unlabelled", "labels.topic=clicks", "labels.horizonMs=60000")));
        assertThat(multi).contains("route-models", "online-trainer-prices", "label-join", "label-order");
    }

    @Test
    void theLabelsStagesNeedNoKryo() {
        org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
        conf.set(org.apache.flink.configuration.PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        OnlineTrainingJob.build(env, JobConfig.parse(JobConfigTest.BASE, List.of("training.predictions=unlabelled",
                "labels.topic=clicks", "labels.horizonMs=60000")), Map.of());
        // serializers of every edge and every state are created from the stream graph: none may be Kryo's
        env.getStreamGraph().getStreamNodes().forEach(n -> {
            if (n.getStateKeySerializer() != null) {
                assertThat(n.getStateKeySerializer().getClass().getSimpleName()).doesNotContain("Kryo");
            }
            if (n.getTypeSerializersIn() != null) {
                for (var t : n.getTypeSerializersIn()) {
                    assertThat(t.getClass().getSimpleName()).as(n.getOperatorName()).doesNotContain("Kryo");
                }
            }
        });
    }

    @Test
    void oneWarmStartForAllKeysNeedsASingleModel() {
        JobConfig cfg = JobConfig.parse(JobConfigModelsTest.JOB + JobConfigModelsTest.MODELS,
                List.of("warmStart.source=topic", "warmStart.allKeys=true"));
        assertThatThrownBy(() -> OnlineTrainingJob.trainerConfig(cfg, cfg.models().get(0), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("warmStart.allKeys: cannot be used with a models list");
    }
}
