package io.streamgrad.sql.train;

import io.streamgrad.model.state.ModelState;
import io.streamgrad.operators.state.KeyProgress;
import io.streamgrad.operators.state.ModelStateSerializer;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Optional;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.dataview.ListView;
import org.apache.flink.table.api.dataview.MapView;
import org.apache.flink.table.functions.TableSemantics;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.inference.StateTypeStrategy;
import org.apache.flink.table.types.inference.StaticArgument;
import org.apache.flink.table.types.inference.StaticArgumentTrait;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.Row;

/**
 * Planning of a {@code STREAMGRAD_TRAIN} call: binds the {@code config} literal and resolves the
 * input columns (failing the statement with the field or column at fault), and declares the state
 * entries (model, progress, pending rows, config literal), whose model entry is typed {@code RAW} with our {@link ModelStateSerializer} for the
 * call's model, so keyed state holds models in the DataStream operator's binary format.
 */
@Internal
final class TrainTypeInference {
    static final String INPUT = "input";
    static final String CONFIG = "config";
    // state entry names are part of the savepoint format
    static final String MODEL_STATE = "model";
    static final String PROGRESS_STATE = "progress";
    static final String PENDING_STATE = "pending";
    static final String CONFIG_STATE = "config";

    private TrainTypeInference() {}

    static TypeInference create() {
        LinkedHashMap<String, StateTypeStrategy> state = new LinkedHashMap<>();
        state.put(MODEL_STATE, StateTypeStrategy.of(c -> Optional.of(MapView.newMapViewDataType(DataTypes.STRING(),
                DataTypes.RAW(ModelState.class, new ModelStateSerializer(config(c).trainer().modelSpec()))))));
        state.put(PROGRESS_STATE, StateTypeStrategy.of(c -> Optional.of(MapView.newMapViewDataType(DataTypes.STRING(),
                DataTypes.RAW(KeyProgress.class,
                        TypeInformation.of(KeyProgress.class).createSerializer(new SerializerConfigImpl()))))));
        state.put(PENDING_STATE, StateTypeStrategy.of(c -> Optional.of(ListView.newListViewDataType(
                DataTypes.RAW(PendingRow.class,
                        TypeInformation.of(PendingRow.class).createSerializer(new SerializerConfigImpl()))))));
        state.put(CONFIG_STATE, StateTypeStrategy.of(c -> Optional.of(MapView.newMapViewDataType(DataTypes.STRING(),
                DataTypes.STRING()))));
        return TypeInference.newBuilder()
                .staticArguments(
                        StaticArgument.table(INPUT, Row.class, false, EnumSet.of(StaticArgumentTrait.SET_SEMANTIC_TABLE)),
                        StaticArgument.scalar(CONFIG, DataTypes.STRING(), false))
                .stateTypeStrategies(state)
                .outputTypeStrategy(c -> {
                    columns(c, config(c));
                    return Optional.of(TrainOutput.TYPE);
                })
                .build();
    }

    /** The bound {@code config} literal of the call. */
    static TrainConfig config(CallContext c) {
        if (!c.isArgumentLiteral(1) || c.isArgumentNull(1)) {
            throw new ValidationException(TrainConfig.PREFIX + "config: must be a string literal (the YAML or JSON "
                    + "training configuration)");
        }
        return TrainConfig.parse(c.getArgumentValue(1, String.class).orElseThrow());
    }

    private static TrainColumns columns(CallContext c, TrainConfig config) {
        TableSemantics input = c.getTableSemantics(0).orElseThrow(() -> new ValidationException(
                TrainConfig.PREFIX + "input: must be a table (input => TABLE t PARTITION BY key_column)"));
        return columns(input, config);
    }

    static TrainColumns columns(TableSemantics input, TrainConfig config) {
        DataType row = input.dataType();
        return TrainColumns.resolve(config, (RowType) row.getLogicalType(), input.partitionByColumns(),
                input.timeColumn());
    }
}
