package io.streamgrad.sql.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrad.model.serve.OutputKind;
import io.streamgrad.model.serve.Prediction;
import java.math.BigDecimal;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.junit.jupiter.api.Test;

/** The mapping between SQL rows (internal data, as the planner hands them over) and model rows. */
class LayoutTest {

    private static ResolvedSchema schema(Column... columns) {
        return ResolvedSchema.of(columns);
    }

    @Test
    void everyFeatureTypeBecomesTheSameFloat() {
        InputLayout in = InputLayout.of(schema(Column.physical("k", DataTypes.STRING()),
                Column.physical("d", DataTypes.DOUBLE()), Column.physical("i", DataTypes.INT()),
                Column.physical("b", DataTypes.BOOLEAN()), Column.physical("m", DataTypes.DECIMAL(5, 2)),
                Column.physical("a", DataTypes.ARRAY(DataTypes.DOUBLE()))));
        assertThat(in.hasKeyColumn()).isTrue();
        assertThat(in.scalarFeatures()).isEqualTo(4);
        assertThat(in.checkInputDim(6)).isNull();
        assertThat(in.checkInputDim(3)).contains("4 scalar feature columns");

        RowData row = GenericRowData.of(StringData.fromString("eu"), 0.1, 7, true,
                DecimalData.fromBigDecimal(new BigDecimal("1.25"), 5, 2), new GenericArrayData(new double[] {0.3, -2}));
        float[] x = new float[6];
        assertThat(in.features(row, x)).isTrue();
        assertThat(x).containsExactly((float) 0.1, 7f, 1f, 1.25f, (float) 0.3, -2f);
        assertThat(in.key(row, null)).isEqualTo("eu");

        assertThat(in.features(row, new float[5])).as("array too long for the model").isFalse();
        assertThat(in.features(row, new float[7])).as("array too short for the model").isFalse();
        RowData infinite = GenericRowData.of(StringData.fromString("eu"), 1e300, 7, true,
                DecimalData.fromBigDecimal(new BigDecimal("1.25"), 5, 2), new GenericArrayData(new double[] {0.3, -2}));
        assertThat(in.features(infinite, x)).as("beyond float range").isFalse();
        RowData nullFeature = GenericRowData.of(StringData.fromString("eu"), null, 7, true, null, null);
        assertThat(in.features(nullFeature, x)).isFalse();
    }

    @Test
    void twoKeyColumnsAreRefused() {
        assertThatThrownBy(() -> InputLayout.of(schema(Column.physical("a", DataTypes.STRING()),
                Column.physical("b", DataTypes.STRING()), Column.physical("x", DataTypes.DOUBLE()))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("one STRING column");
    }

    @Test
    void outputColumnsAreFilledByRole() {
        OutputLayout out = OutputLayout.of(schema(Column.physical("p0", DataTypes.FLOAT()),
                Column.physical("p1", DataTypes.DOUBLE()), Column.physical("p2", DataTypes.DOUBLE()),
                Column.physical("CLASS_INDEX", DataTypes.BIGINT()), Column.physical("model_version", DataTypes.BIGINT()),
                Column.physical("model_key", DataTypes.STRING())));
        assertThat(out.checkModel(3, OutputKind.MULTI_CLASS)).isNull();
        assertThat(out.checkModel(2, OutputKind.MULTI_CLASS)).contains("2 outputs");
        assertThat(out.checkModel(3, OutputKind.REGRESSION)).contains("needs a classifier");

        RowData row = out.row(new Prediction(new float[] {0.1f, 0.7f, 0.2f}, 1, null), 42L, "eu");
        assertThat(row.getFloat(0)).isEqualTo(0.1f);
        assertThat(row.getDouble(1)).isEqualTo((double) 0.7f);
        assertThat(row.getLong(3)).isEqualTo(1L);
        assertThat(row.getLong(4)).isEqualTo(42L);
        assertThat(row.getString(5).toString()).isEqualTo("eu");

        RowData none = out.unscored("eu");
        assertThat(none.isNullAt(0)).isTrue();
        assertThat(none.isNullAt(4)).isTrue();
        assertThat(none.getString(5).toString()).isEqualTo("eu");
    }

    @Test
    void anArrayTakesAllOutputsButNotBesidesScalars() {
        OutputLayout out = OutputLayout.of(schema(Column.physical("probs", DataTypes.ARRAY(DataTypes.DOUBLE()))));
        assertThat(out.checkModel(5, OutputKind.REGRESSION)).isNull();
        RowData row = out.row(new Prediction(new float[] {0.25f, 0.5f}, OutputKind.NO_CLASS, null), 1L, "k");
        assertThat(row.getArray(0).toDoubleArray()).containsExactly(0.25, 0.5);
        assertThatThrownBy(() -> OutputLayout.of(schema(Column.physical("probs", DataTypes.ARRAY(DataTypes.DOUBLE())),
                Column.physical("p", DataTypes.DOUBLE())))).hasMessageContaining("one or the other");
        assertThatThrownBy(() -> OutputLayout.of(schema(Column.physical("model_version", DataTypes.BIGINT()),
                Column.physical("MODEL_VERSION", DataTypes.BIGINT())))).hasMessageContaining("appears twice");
    }
}
