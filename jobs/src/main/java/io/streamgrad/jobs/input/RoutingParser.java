package io.streamgrad.jobs.input;

import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.JobModel;
import io.streamgrad.jobs.config.UnclaimedKeys;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.annotation.Internal;

/**
 * The parser of a job with several models: reads a record's model key, picks the model that claims
 * it ({@link KeyRouter}) and parses the record with that model's {@link ExampleParser}, so features
 * and labels are checked against the dimensions and loss of the model that will train on them. A
 * record of a key no model claims becomes {@link ParseResult#unclaimed()} or, with
 * {@link UnclaimedKeys#DEAD_LETTER}, a dead letter.
 */
@Internal
public final class RoutingParser implements InputParser {
    private static final long serialVersionUID = 1L;

    private final KeyReader keys;
    private final KeyRouter router;
    private final ExampleParser[] parsers;
    private final boolean deadLetterUnclaimed;
    private final DeadLetterBounds deadLetters;

    public RoutingParser(JobConfig cfg) {
        this(cfg, false);
    }

    /** With {@code optionalLabel}, a record without label is an event to predict (see {@link ExampleParser}). */
    public RoutingParser(JobConfig cfg, boolean optionalLabel) {
        List<JobModel> models = cfg.models();
        keys = new KeyReader(cfg.input());
        router = new KeyRouter(models);
        parsers = models.stream().map(m -> new ExampleParser(m.input(), m.model(), optionalLabel)).toArray(ExampleParser[]::new);
        deadLetterUnclaimed = cfg.unclaimedKeys() == UnclaimedKeys.DEAD_LETTER;
        deadLetters = new DeadLetterBounds(cfg.input().maxRecordChars());
    }

    /** The reason of an unclaimed record's dead letter. */
    public static String unclaimedReason(String key) {
        return "model key '" + DeadLetterBounds.abbreviate(key) + "': no model claims it";
    }

    @Override
    public ParseResult parse(byte[] recordKey, byte[] value, long kafkaTimestamp) {
        String key = recordKey == null ? null : new String(recordKey, StandardCharsets.UTF_8);
        String raw = value == null ? null : new String(value, StandardCharsets.UTF_8);
        return parse(key, raw, kafkaTimestamp);
    }

    public ParseResult parse(String recordKey, String raw, long kafkaTimestamp) {
        String key = raw == null ? null : keys.read(recordKey, raw);
        if (key == null) {
            // no readable key: any model's parser rejects the record with the precise reason
            ParseResult r = parsers[0].parse(recordKey, raw, kafkaTimestamp);
            if (!r.isOk()) {
                return r;
            }
            key = r.example.modelKey;
        }
        int model = router.route(key);
        if (model == KeyRouter.UNCLAIMED) {
            return deadLetterUnclaimed ? ParseResult.dead(deadLetters.deadLetter(key, unclaimedReason(key), raw))
                    : ParseResult.unclaimed();
        }
        return parsers[model].parse(recordKey, raw, kafkaTimestamp);
    }
}
