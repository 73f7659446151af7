package io.streamgrad.sql.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import io.streamgrad.model.spec.Activation;
import io.streamgrad.model.spec.GradientOptions;
import io.streamgrad.model.spec.LayerSpec;
import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.ScheduleSpec;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot file is read at once and re-read when it is replaced. */
class FileSnapshotSourceTest {
    @TempDir
    Path dir;

    private static ModelSnapshot snapshot(String key, long version) {
        ModelSpec m = new ModelSpec(2, List.of(new LayerSpec.Dense(1, Activation.LINEAR, true, null, null)),
                LossKind.MEAN_SQUARED_ERROR);
        Trainer t = new Trainer(m, new OptimizerSpec.Sgd(new ScheduleSpec.Constant(0.1), 0, false,
                GradientOptions.NONE));
        ModelState s = t.newState(1);
        s.setVersion(version);
        return new ModelSnapshot(key, version, version, version, 0, false, null, 0, m, t.optimizer().spec(), s, true);
    }

    @Test
    void readsNewestPerKeyAndFollowsReplacement() throws Exception {
        Path file = dir.resolve("models.json");
        Files.write(file, (new String(SnapshotJson.toBytes(snapshot("a", 3))) + "\n"
                + new String(SnapshotJson.toBytes(snapshot("a", 1))) + "\n"
                + new String(SnapshotJson.toBytes(snapshot("b", 2)))).getBytes());
        FileSnapshotSource source = new FileSnapshotSource(file.toString());

        Map<String, ModelSnapshot> newest = source.readNewest(Duration.ofSeconds(5));
        assertThat(newest).containsOnlyKeys("a", "b");
        assertThat(newest.get("a").version()).isEqualTo(3);

        List<ModelSnapshot> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable following = source.follow(seen::add, Duration.ofSeconds(5), Duration.ofMillis(20))) {
            assertThat(seen).hasSize(3);
            Path next = dir.resolve("next.json");
            Files.write(next, SnapshotJson.toBytes(snapshot("a", 4)));
            Files.setLastModifiedTime(next, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (seen.size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertThat(seen).hasSize(4);
        assertThat(seen.get(3).version()).isEqualTo(4);
    }
}
