package io.streamgrad.sql.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.model.snapshot.SnapshotJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots from a JSON file: one {@code streamgrad-snapshot/1} document, a JSON array of them, or
 * JSON lines. Re-read whenever its modification time changes, so replacing the file (atomically,
 * e.g. by a rename) publishes a new model.
 */
@Internal
public final class FileSnapshotSource implements SnapshotSource {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FileSnapshotSource.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String file;

    public FileSnapshotSource(String file) {
        this.file = file;
    }

    @Override
    public AutoCloseable follow(Consumer<ModelSnapshot> sink, Duration readTimeout, Duration refreshInterval)
            throws IOException {
        Path path = Path.of(file);
        FileTime first = Files.getLastModifiedTime(path);
        read(path).forEach(sink);
        if (refreshInterval == null) {
            return () -> { };
        }
        Thread watcher = new Thread(() -> watch(path, first, sink, refreshInterval), "streamgrad-snapshots-file");
        watcher.setDaemon(true);
        watcher.start();
        return () -> {
            watcher.interrupt();
            watcher.join(10_000);
        };
    }

    private void watch(Path path, FileTime seen, Consumer<ModelSnapshot> sink, Duration interval) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval.toMillis());
                FileTime now = Files.getLastModifiedTime(path);
                if (!now.equals(seen)) {
                    seen = now;
                    read(path).forEach(sink);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot re-read snapshot file {}; keeping the models loaded so far: {}", path, e.getMessage());
            }
        }
    }

    static List<ModelSnapshot> read(Path path) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        String text = Files.readString(path).strip();
        if (text.startsWith("[")) {
            MAPPER.readTree(text).forEach(docs::add);
        } else {
            try (var it = MAPPER.readerFor(JsonNode.class).<JsonNode>readValues(text)) {
                while (it.hasNextValue()) {
                    docs.add(it.nextValue());
                }
            }
        }
        List<ModelSnapshot> out = new ArrayList<>(docs.size());
        for (JsonNode d : docs) {
            out.add(SnapshotJson.fromJson(d));
        }
        return out;
    }

    @Override
    public String describe() {
        return "file '" + file + "'";
    }
}
