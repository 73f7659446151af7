package io.streamgrad.sql.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.jobs.kafka.EmbeddedKafkaBroker;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.state.ModelStateCodec;
import io.streamgrad.operators.Example;
import io.streamgrad.operators.LossMetric;
import io.streamgrad.operators.OnlineTraining;
import io.streamgrad.operators.SnapshotRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** The shared workload of the SQL training tests: examples on Kafka, trained by SQL and by the DataStream operator. */
final class TrainingRuns {
    static final String CONFIG = "{model: {inputDim: 3, layers: [{type: dense, units: 4, activation: tanh},"
            + " {type: dense, units: 1, activation: sigmoid}], loss: binaryCrossentropy},"
            + " optimizer: {type: adam, learningRate: 0.05},"
            + " training: {batchSize: 8, maxBatchDelayMs: 0, seed: 7},"
            + " snapshots: {everySteps: 3}, columns: {label: y}}";
    static final List<String> KEYS = List.of("eu", "us", "apac");

    private TrainingRuns() {}

    /** Writes {@code perKey} labelled rows per key (interleaved, increasing timestamps) to {@code topic}. */
    static void writeExamples(EmbeddedKafkaBroker broker, String topic, int perKey, long seed) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("linger.ms", "5");
        Random r = new Random(seed);
        try (KafkaProducer<String, String> out = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            long t = System.currentTimeMillis(); // recent: the broker deletes records older than its retention
            for (int i = 0; i < perKey; i++) {
                for (String key : KEYS) {
                    double a = r.nextGaussian();
                    double b = r.nextGaussian();
                    double c = r.nextGaussian();
                    int y = a - 0.5 * b + 0.25 * c + (key.equals("us") ? 0.3 : 0) > 0 ? 1 : 0;
                    out.send(new ProducerRecord<>(topic, 0, t++, key, String.format(Locale.ROOT,
                            "{\"model_key\": \"%s\", \"x0\": %s, \"x1\": %s, \"x2\": %s, \"y\": %d}", key, a, b, c, y)));
                }
            }
            out.flush();
        }
    }

    /** The DDL of the examples table, bounded to what the topic holds now, with an event-time column. */
    static String examplesTable(String name, String topic, String bootstrap) {
        return "CREATE TABLE " + name + " (model_key STRING, x0 DOUBLE, x1 DOUBLE, x2 DOUBLE, y DOUBLE, "
                + "ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp', WATERMARK FOR ts AS ts) WITH ("
                + "'connector' = 'kafka', 'topic' = '" + topic + "', 'properties.bootstrap.servers' = '" + bootstrap
                + "', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', "
                + "'format' = 'json')";
    }

    static TableEnvironment tableEnv(String backend, int parallelism) {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        env.getConfig().set("parallelism.default", String.valueOf(parallelism));
        env.getConfig().set("state.backend.type", backend);
        env.executeSql("CREATE TEMPORARY FUNCTION STREAMGRAD_TRAIN AS '" + StreamgradTrainFunction.class.getName() + "'");
        return env;
    }

    static String trainQuery(String table, String config) {
        return "SELECT * FROM STREAMGRAD_TRAIN(input => TABLE " + table + " PARTITION BY model_key, config => '"
                + config.replace("'", "''") + "', on_time => DESCRIPTOR(ts))";
    }

    static List<Row> collect(TableEnvironment env, String query) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql(query).collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    /** Per key, the snapshots of the SQL output rows in order. */
    static Map<String, List<ModelSnapshot>> sqlSnapshots(List<Row> rows) {
        Map<String, List<ModelSnapshot>> out = new TreeMap<>();
        for (Row r : rows) {
            if ("snapshot".equals(r.getField("kind"))) {
                out.computeIfAbsent((String) r.getField("model_key"), k -> new ArrayList<>())
                        .add(SnapshotJson.fromBytes(((String) r.getField("snapshot")).getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    static Map<String, List<Double>> sqlLosses(List<Row> rows) {
        Map<String, List<Double>> out = new TreeMap<>();
        for (Row r : rows) {
            if ("metric".equals(r.getField("kind"))) {
                out.computeIfAbsent((String) r.getField("model_key"), k -> new ArrayList<>()).add((Double) r.getField("loss"));
            }
        }
        return out;
    }

    /** The DataStream path on the same topic: KafkaSource, keyBy, {@link OnlineTraining#train}. */
    static DataStreamResult dataStream(String backend, String topic, String bootstrap, String config) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("state.backend.type", backend);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        KafkaSource<String> source = KafkaSource.<String>builder().setBootstrapServers(bootstrap).setTopics(topic)
                .setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest())
                .setValueOnlyDeserializer(new SimpleStringSchema()).build();
        DataStream<Example> examples = env.fromSource(source, WatermarkStrategy.noWatermarks(), "examples")
                .setParallelism(1).map(TrainingRuns::example).setParallelism(1);
        SingleOutputStreamOperator<LossMetric> metrics = OnlineTraining.train(examples.keyBy(e -> e.modelKey),
                TrainConfig.parse(config).trainer());
        DataStream<String> all = metrics.map(m -> "m|" + m.modelKey + "|" + m.loss)
                .union(OnlineTraining.snapshots(metrics).map(s -> "s|" + s.modelKey + "|"
                        + Base64.getEncoder().encodeToString(SnapshotJson.toBytes(s.toModelSnapshot()))));
        DataStreamResult result = new DataStreamResult(new TreeMap<>(), new TreeMap<>());
        try (CloseableIterator<String> it = all.executeAndCollect()) {
            while (it.hasNext()) {
                String[] parts = it.next().split("\\|", 3);
                if (parts[0].equals("m")) {
                    result.losses.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(Double.parseDouble(parts[2]));
                } else {
                    result.snapshots.computeIfAbsent(parts[1], k -> new ArrayList<>())
                            .add(SnapshotJson.fromBytes(Base64.getDecoder().decode(parts[2])));
                }
            }
        }
        return result;
    }

    record DataStreamResult(Map<String, List<Double>> losses, Map<String, List<ModelSnapshot>> snapshots) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Example example(String json) throws Exception {
        JsonNode n = JSON.readTree(json);
        return new Example(n.get("model_key").asText(), new float[] {(float) n.get("x0").asDouble(),
                (float) n.get("x1").asDouble(), (float) n.get("x2").asDouble()},
                new float[] {(float) n.get("y").asDouble()}, Example.NO_TIMESTAMP, json);
    }

    /** What identifies a trained model: version, counters and the exact bytes of its state. */
    static String fingerprint(ModelSnapshot s) {
        return s.modelKey() + " v" + s.version() + " step " + s.step() + " seen " + s.examplesSeen() + " loss "
                + s.lastLoss() + " state " + Base64.getEncoder().encodeToString(ModelStateCodec.encode(s.state()));
    }
}
