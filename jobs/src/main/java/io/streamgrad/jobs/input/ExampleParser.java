package io.streamgrad.jobs.input;

import io.streamgrad.jobs.config.InputFormat;
import io.streamgrad.model.spec.LossKind;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.operators.Example;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Turns one raw input record (JSON object or CSV line, by the job's input format) into an
 * {@link Example}, or into a dead letter naming what is wrong. Never throws: a bad record must not
 * fail the job. Widths are checked against the model (input vector = {@code inputDim}, or each
 * named raw feature of a model with {@code model.features} by name and type; target = output
 * width), class indices against the class count, and non-finite numbers are rejected.
 *
 * <p>Nothing taken from a record may make an output record large: a model key longer than
 * {@link #MAX_KEY_CHARS} is rejected, values quoted in a reason are abbreviated, and a dead letter
 * carries at most {@link #MAX_REASON_CHARS} of reason and {@code maxRecordChars} of record.
 */
@PublicEvolving
public final class ExampleParser implements InputParser {
    private static final long serialVersionUID = 1L;
    /** Longest model key accepted, in characters. */
    public static final int MAX_KEY_CHARS = 1024;
    /** Longest dead-letter reason, in characters. */
    public static final int MAX_REASON_CHARS = 1000;

    private final RecordParser records;
    private final DeadLetterBounds deadLetters;

    /** A parser for {@code model}'s examples: named raw features when it has {@code model.features}. */
    public ExampleParser(InputFormat format, ModelSpec model) {
        this(format, model, false);
    }

    /**
     * A parser for which a record without label is an event (an example with a null target) when
     * {@code optionalLabel}: for scoring, and for training jobs that predict unlabelled records.
     */
    public ExampleParser(InputFormat format, ModelSpec model, boolean optionalLabel) {
        this(format, model.inputDim(), model.outputDim(), model.loss(), optionalLabel,
                model.hasFeatures() ? new RawFeatureReader(model.features(), format.featureDefaults()) : null);
    }

    public ExampleParser(InputFormat format, int inputDim, int outputDim, LossKind loss) {
        this(format, inputDim, outputDim, loss, false, null);
    }

    /**
     * The one place that reads the input configuration: picks the format's parser and gives it
     * the shared key source, label encoder and (for named features) feature reader.
     */
    private ExampleParser(InputFormat format, int inputDim, int outputDim, LossKind loss, boolean optionalLabel,
                          RawFeatureReader rawFeatures) {
        InputFormat.KeySource keyFrom = format.keyFrom();
        LabelEncoder labels = new LabelEncoder(format.labelEncoding(),
                format.classes(), outputDim, loss, optionalLabel);
        if (format.isJson()) {
            records = new JsonExampleParser(
                    new ModelKeySource(keyFrom, format.constantKey(), "field '" + format.keyField() + "'"),
                    format.keyField(), format.jsonFeatures(), format.jsonFeatureFields(), format.jsonLabel(),
                    format.jsonEventTime(), inputDim, labels, rawFeatures);
        } else {
            records = new CsvExampleParser(
                    new ModelKeySource(keyFrom, format.constantKey(), "column " + format.keyColumn()),
                    format.keyColumn(), format.csvDelimiter(), columns(format.csvFeatures()),
                    columns(format.csvLabel()), format.csvEventTime(), inputDim, labels, rawFeatures);
        }
        deadLetters = new DeadLetterBounds(format.maxRecordChars());
    }

    private static int[] columns(List<Integer> columns) {
        return columns.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public ParseResult parse(byte[] recordKey, byte[] value, long kafkaTimestamp) {
        String raw = value == null ? null : new String(value, StandardCharsets.UTF_8);
        String key = recordKey == null ? null : new String(recordKey, StandardCharsets.UTF_8);
        return parse(key, raw, kafkaTimestamp);
    }

    public ParseResult parse(String recordKey, String raw, long kafkaTimestamp) {
        try {
            if (raw == null) {
                throw new Reject(recordKey, "empty record (null value)");
            }
            Example e = records.parse(recordKey, raw);
            e.raw = null;
            return ParseResult.ok(e);
        } catch (Reject r) {
            return ParseResult.dead(deadLetters.deadLetter(r.key, r.getMessage(), raw));
        } catch (RuntimeException e) {
            return ParseResult.dead(deadLetters.deadLetter(recordKey,
                    "cannot parse: " + DeadLetterBounds.abbreviate(String.valueOf(e)), raw));
        }
    }

    /** Splits one CSV line; double quotes may enclose fields ("" inside quotes is a quote). */
    public static List<String> splitCsv(String line, char delimiter) {
        return CsvText.split(line, delimiter);
    }
}
