package io.streamgrad.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.OnlineTrainerConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Shared pieces of the end-to-end tests: labelled samples and their JSON records, starting the
 * job on a local MiniCluster, decoding the output topics, and the reference: the same rows
 * trained by the bare engine, batch by batch in each key's order.
 */
final class TrainingTestSupport {
    /** Max parallelism of every test job (key groups), fixed so savepoints can be rescaled. */
    static final int MAX_PARALLELISM = 128;

    private TrainingTestSupport() {}

    /** One labelled row of a model key; values are exact in float, double and their decimal text. */
    record Sample(String key, float[] x, float y) {
        String json() {
            StringBuilder b = new StringBuilder("{\"model\":\"").append(key).append("\",\"x\":[");
            for (int i = 0; i < x.length; i++) {
                b.append(i == 0 ? "" : ",").append(exact(x[i]));
            }
            return b.append("],\"y\":").append(exact(y)).append('}').toString();
        }

        private static String exact(float f) {
            return new BigDecimal(f).toPlainString();
        }
    }

    /** {@code perKey} rows for each key, interleaved key by key; a per-key linear target. */
    static List<Sample> samples(long seed, List<String> keys, int perKey, int inputDim) {
        Random r = new Random(seed);
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < perKey; i++) {
            for (int k = 0; k < keys.size(); k++) {
                float[] x = new float[inputDim];
                float y = 0.25f * k;
                for (int d = 0; d < inputDim; d++) {
                    x[d] = Math.round(r.nextGaussian() * 256) / 256f;
                    y += (d % 2 == 0 ? 1 : -1) * (0.5f + 0.25f * ((d + k) % 3)) * x[d];
                }
                out.add(new Sample(keys.get(k), x, y));
            }
        }
        return out;
    }

    /**
     * Produces the samples with the model key as record key, each key to partition
     * {@code hash(key) mod partitions} (a key's rows keep their order; keys {@code k0, k1, ...}
     * spread evenly).
     */
    static void produce(String bootstrap, String topic, int partitions, List<Sample> samples) {
        KafkaTestSupport.produce(bootstrap, samples.stream().map(s -> new ProducerRecord<>(topic,
                Math.floorMod(s.key().hashCode(), partitions), s.key(), s.json())).toList());
    }

    /** Flink settings: state backend ({@code hashmap} or {@code rocksdb}), restarts allowed, max parallelism. */
    static Configuration flinkConf(String backend, int restarts) {
        Configuration c = new Configuration();
        c.set(StateBackendOptions.STATE_BACKEND, backend);
        c.set(PipelineOptions.MAX_PARALLELISM, MAX_PARALLELISM);
        if (restarts > 0) {
            c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts);
            c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(50));
        } else {
            c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        }
        return c;
    }

    /** Builds the job on a local MiniCluster with {@code flink} settings and submits it. */
    static JobClient start(JobConfig cfg, Configuration flink, UnaryOperator<DataStream<Example>> beforeTraining)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(cfg.parallelism(), flink);
        OnlineTrainingJob.build(env, cfg, Map.of(), beforeTraining);
        return env.executeAsync(cfg.jobName());
    }

    static JobClient start(JobConfig cfg, Map<String, ModelSnapshot> warmStarts) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(cfg.parallelism());
        OnlineTrainingJob.build(env, cfg, warmStarts);
        return env.executeAsync(cfg.jobName());
    }

    /** The snapshots on {@code topic}, in topic order; the record key must be the model key. */
    static List<ModelSnapshot> snapshots(List<ConsumerRecord<String, byte[]>> records, String topic) {
        List<ModelSnapshot> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            if (r.topic().equals(topic)) {
                ModelSnapshot s = SnapshotJson.fromBytes(r.value());
                assertThat(r.key()).isEqualTo(s.modelKey());
                out.add(s);
            }
        }
        return out;
    }

    static boolean hasSnapshot(List<ConsumerRecord<String, byte[]>> rs, String topic, String key, long version) {
        return snapshots(rs, topic).stream().anyMatch(s -> s.modelKey().equals(key) && s.version() == version);
    }

    /** The JSON values on {@code topic}, in topic order. */
    static List<JsonNode> json(List<ConsumerRecord<String, byte[]>> records, String topic) {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            if (r.topic().equals(topic)) {
                try {
                    out.add(KafkaTestSupport.MAPPER.readTree(r.value()));
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    /** Values of {@code field} of each key's metrics, in topic order. */
    static Map<String, List<Long>> perKey(List<JsonNode> metrics, String field) {
        Map<String, List<Long>> out = new TreeMap<>();
        for (JsonNode m : metrics) {
            out.computeIfAbsent(m.get("modelKey").asText(), k -> new ArrayList<>()).add(m.get(field).asLong());
        }
        return out;
    }

    /** One key trained by the bare engine: the states and step results, step by step. */
    static final class KeyReplay {
        final List<StepResult> steps = new ArrayList<>();
        /** The state before each step (index = step). */
        final List<ModelState> before = new ArrayList<>();
        ModelState state;

        /** The result of the step that produced {@code version} (applied steps only). */
        StepResult applied(long version) {
            return steps.stream().filter(s -> s.applied() && s.version() == version).findFirst().orElseThrow();
        }
    }

    /**
     * The reference: each key's rows in order, trained in batches of the job's batch size by the
     * engine (no Flink), the trailing partial batch too when {@code trainTail} (end of input).
     */
    static Map<String, KeyReplay> replay(JobConfig cfg, List<Sample> samples, boolean trainTail) {
        OnlineTrainerConfig tc = OnlineTrainingJob.trainerConfig(cfg, Map.of());
        Trainer trainer = tc.newTrainer();
        int in = trainer.network().inputDim();
        int out = trainer.network().outputDim();
        int batchSize = cfg.training().batchSize();
        Map<String, List<Sample>> byKey = new LinkedHashMap<>();
        samples.forEach(s -> byKey.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(s));
        Map<String, KeyReplay> result = new TreeMap<>();
        byKey.forEach((key, rows) -> {
            KeyReplay kr = new KeyReplay();
            kr.state = tc.initialState(trainer, key);
            MiniBatch batch = new MiniBatch(in, out, batchSize);
            for (int i = 0; i < rows.size(); i++) {
                batch.add(rows.get(i).x(), new float[] {rows.get(i).y()});
                boolean last = i == rows.size() - 1;
                if (batch.size() == batchSize || (last && trainTail)) {
                    kr.before.add(kr.state.copy());
                    kr.steps.add(trainer.step(kr.state, batch));
                    batch.clear();
                }
            }
            result.put(key, kr);
        });
        return result;
    }
}
