package io.streamgrad.sql;

import static io.streamgrad.sql.StreamgradModelOptions.BOOTSTRAP_SERVERS;
import static io.streamgrad.sql.StreamgradModelOptions.MODEL_KEY;
import static io.streamgrad.sql.StreamgradModelOptions.PROPERTIES_PREFIX;
import static io.streamgrad.sql.StreamgradModelOptions.REFRESH_INTERVAL;
import static io.streamgrad.sql.StreamgradModelOptions.SNAPSHOTS_FILE;
import static io.streamgrad.sql.StreamgradModelOptions.SNAPSHOTS_TOPIC;
import static io.streamgrad.sql.StreamgradModelOptions.SOURCE_TIMEOUT;
import static io.streamgrad.sql.StreamgradModelOptions.VALIDATE_AT_PLANNING;

import io.streamgrad.sql.predict.FileSnapshotSource;
import io.streamgrad.sql.predict.InputLayout;
import io.streamgrad.sql.predict.OutputLayout;
import io.streamgrad.sql.predict.SnapshotSource;
import io.streamgrad.sql.predict.StreamgradPredictFunction;
import io.streamgrad.sql.predict.TopicSnapshotSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;

/**
 * {@code 'provider' = 'streamgrad'}: serves models trained by StreamGrad to {@code ML_PREDICT}
 * from their published snapshots. Everything checkable is checked here, i.e. while the query is
 * planned: the options, the INPUT and OUTPUT columns, and (unless {@code 'validate.at-planning'}
 * is off) those columns against the newest snapshot the source holds now.
 */
@PublicEvolving
public final class StreamgradModelProviderFactory implements ModelProviderFactory {
    public static final String IDENTIFIER = "streamgrad";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(SNAPSHOTS_TOPIC, SNAPSHOTS_FILE, BOOTSTRAP_SERVERS, MODEL_KEY, VALIDATE_AT_PLANNING,
                SOURCE_TIMEOUT, REFRESH_INTERVAL);
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper = FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validateExcept(PROPERTIES_PREFIX); // any Kafka client property may follow the prefix
        ReadableConfig options = helper.getOptions();
        ResolvedCatalogModel model = context.getCatalogModel();

        SnapshotSource source = source(options, model.getOptions());
        InputLayout input = InputLayout.of(model.getResolvedInputSchema());
        OutputLayout output = OutputLayout.of(model.getResolvedOutputSchema());
        String key = options.getOptional(MODEL_KEY).orElse(null);
        if (key != null && input.hasKeyColumn()) {
            throw new ValidationException("Option '" + MODEL_KEY.key() + "' cannot be combined with a STRING INPUT "
                    + "column, which already gives each row's model key; remove one of them");
        }
        if (options.get(VALIDATE_AT_PLANNING)) {
            PlanningCheck.check(source, key, input, output, options.get(SOURCE_TIMEOUT));
        }
        return new StreamgradModelProvider(new StreamgradPredictFunction(source, key, input, output,
                options.get(SOURCE_TIMEOUT), options.get(REFRESH_INTERVAL)));
    }

    private static SnapshotSource source(ReadableConfig options, Map<String, String> raw) {
        String topic = options.getOptional(SNAPSHOTS_TOPIC).orElse(null);
        String file = options.getOptional(SNAPSHOTS_FILE).orElse(null);
        if ((topic == null) == (file == null)) {
            throw new ValidationException("Exactly one of the options '" + SNAPSHOTS_TOPIC.key() + "' and '"
                    + SNAPSHOTS_FILE.key() + "' must be set" + (topic == null ? "" : ", not both"));
        }
        if (file != null) {
            return new FileSnapshotSource(file);
        }
        if (options.getOptional(BOOTSTRAP_SERVERS).isEmpty()) {
            throw new ValidationException("Option '" + BOOTSTRAP_SERVERS.key() + "' is required with '"
                    + SNAPSHOTS_TOPIC.key() + "'");
        }
        Map<String, String> client = new HashMap<>();
        raw.forEach((k, v) -> {
            if (k.startsWith(PROPERTIES_PREFIX)) {
                client.put(k.substring(PROPERTIES_PREFIX.length()), v);
            }
        });
        return new TopicSnapshotSource(topic, client);
    }
}
