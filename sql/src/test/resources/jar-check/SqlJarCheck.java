import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * Run by StreamgradSqlJarIT in a JVM whose classpath holds Flink's table/runtime jars only: loads
 * streamgrad-sql.jar with ADD JAR, trains a model with STREAMGRAD_TRAIN, writes its last snapshot
 * to a file and scores two rows with ML_PREDICT from that file. Prints what it got.
 */
public class SqlJarCheck {
    public static void main(String[] args) throws Exception {
        String jar = args[0];
        Path dir = Path.of(args[1]);
        try {
            Class.forName("io.streamgrad.sql.train.StreamgradTrainFunction");
            throw new IllegalStateException("the project's classes are on the classpath");
        } catch (ClassNotFoundException expected) {
            System.out.println("no project classes on the classpath");
        }
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        env.getConfig().set("parallelism.default", "1");
        env.executeSql("ADD JAR '" + jar + "'");
        env.executeSql("CREATE FUNCTION STREAMGRAD_TRAIN AS 'io.streamgrad.sql.train.StreamgradTrainFunction'");
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            double x0 = Math.sin(i);
            double x1 = Math.cos(i);
            values.append(i == 0 ? "" : ", ").append("('eu', CAST(").append(x0).append(" AS DOUBLE), CAST(")
                    .append(x1).append(" AS DOUBLE), CAST(").append(2 * x0 - x1 + 0.5).append(" AS DOUBLE))");
        }
        env.executeSql("CREATE TEMPORARY VIEW examples AS SELECT * FROM (VALUES " + values + ") AS t(model_key, x0, x1, y)");
        String config = "{model: {inputDim: 2, layers: [{type: dense, units: 1}], loss: meanSquaredError}, "
                + "optimizer: {type: sgd, learningRate: 0.1}, training: {batchSize: 4}, snapshots: {everySteps: 10}, "
                + "columns: {label: y}}";
        String snapshot = null;
        int metrics = 0;
        try (CloseableIterator<Row> it = env.executeSql("SELECT * FROM STREAMGRAD_TRAIN(input => TABLE examples "
                + "PARTITION BY model_key, config => '" + config + "')").collect()) {
            while (it.hasNext()) {
                Row r = it.next();
                if ("snapshot".equals(r.getField("kind"))) {
                    snapshot = (String) r.getField("snapshot");
                } else if ("metric".equals(r.getField("kind"))) {
                    metrics++;
                }
            }
        }
        System.out.println("trained: " + metrics + " metric rows, snapshot " + (snapshot != null));
        Path file = dir.resolve("snapshots.json");
        Files.writeString(file, snapshot + "\n", StandardCharsets.UTF_8);
        env.executeSql("CREATE MODEL trained INPUT (x0 DOUBLE, x1 DOUBLE) OUTPUT (y_hat DOUBLE, model_version BIGINT) "
                + "WITH ('provider' = 'streamgrad', 'snapshots.file' = '" + file + "', 'model.key' = 'eu')");
        env.executeSql("CREATE TEMPORARY VIEW probe AS SELECT * FROM (VALUES (CAST(1.0 AS DOUBLE), CAST(0.0 AS DOUBLE)), "
                + "(CAST(0.0 AS DOUBLE), CAST(1.0 AS DOUBLE))) AS t(x0, x1)");
        List<String> scored = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql("SELECT x0, x1, y_hat, model_version FROM ML_PREDICT("
                + "TABLE probe, MODEL trained, DESCRIPTOR(x0, x1))").collect()) {
            it.forEachRemaining(r -> scored.add(r.getField("x0") + "," + r.getField("x1") + " -> "
                    + r.getField("y_hat") + " v" + r.getField("model_version")));
        }
        System.out.println("scored: " + scored);
    }
}
