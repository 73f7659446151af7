package io.streamgrad.sql;

import static io.streamgrad.sql.StreamgradModelOptions.MODEL_KEY;
import static io.streamgrad.sql.StreamgradModelOptions.VALIDATE_AT_PLANNING;

import io.streamgrad.model.snapshot.ModelSnapshot;
import io.streamgrad.sql.predict.InputLayout;
import io.streamgrad.sql.predict.LiveModels;
import io.streamgrad.sql.predict.OutputLayout;
import io.streamgrad.sql.predict.SnapshotSource;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;

/**
 * The planning-time half of the column check: the newest snapshots the source holds while the
 * query is planned must fit the model's INPUT and OUTPUT. A key without a snapshot yet passes
 * (its model may not be trained yet); the runtime checks every later snapshot the same way.
 */
@Internal
final class PlanningCheck {
    private PlanningCheck() {}

    static void check(SnapshotSource source, String key, InputLayout input, OutputLayout output, Duration timeout) {
        Map<String, ModelSnapshot> newest;
        try {
            newest = source.readNewest(timeout);
        } catch (Exception e) {
            throw new ValidationException("Cannot read the snapshots of " + source.describe() + " while planning ("
                    + e.getMessage() + "); fix the source or set '" + VALIDATE_AT_PLANNING.key()
                    + "' = 'false' to check only at runtime", e);
        }
        if (key != null) {
            fits(newest.get(key), input, output);
        } else if (input.hasKeyColumn()) {
            newest.values().forEach(s -> fits(s, input, output));
        } else if (newest.size() > 1) {
            throw new ValidationException(source.describe() + " holds models of several keys " + newest.keySet()
                    + "; set option '" + MODEL_KEY.key() + "' or add a STRING INPUT column with each row's key");
        } else if (newest.size() == 1) {
            fits(newest.values().iterator().next(), input, output);
        }
    }

    private static void fits(ModelSnapshot s, InputLayout input, OutputLayout output) {
        if (s == null) {
            return;
        }
        String misfit = LiveModels.misfit(input, output, s);
        if (misfit != null) {
            throw new ValidationException("Model '" + s.modelKey() + "' (version " + s.version()
                    + ") does not fit the columns of CREATE MODEL: " + misfit);
        }
    }
}
