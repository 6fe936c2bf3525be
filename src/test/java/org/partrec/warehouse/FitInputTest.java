package org.partrec.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.demo.DemoEvents;
import org.partrec.evaluate.HoldoutSplit;
import org.partrec.extract.FitInput;
import org.partrec.features.Interactions;
import org.partrec.features.TrainingSet;

/**
 * The fit's pairs as the Spark job reads them ({@link FitInput}), written by both warehouses from
 * the staged extract: the embedded one with {@code COPY}, BigQuery with {@code EXPORT DATA} (the
 * real client against {@link BigQueryStandIn}, a folder standing in for Cloud Storage). Each
 * holds exactly the pairs of the service's own training set: all of them, or the holdout split's
 * train part as {@link HoldoutSplit} makes it.
 */
class FitInputTest {

    @TempDir
    Path dir;
    private final BigQueryWarehouseTest bigQueryTest = new BigQueryWarehouseTest();

    @AfterEach
    void close() throws Exception {
        bigQueryTest.close();
    }

    @Test
    void bothWarehousesWriteExactlyTheServicesPairsAllOrTheSplitsTrainPart() throws Exception {
        DemoEvents demo = DemoWarehouses.demo(300, 120, 6_000, 7);
        DuckDbWarehouse reference = bigQueryTest.opened(DemoWarehouses.loaded(demo));
        BigQueryStandIn standIn = bigQueryTest.standIn(DemoWarehouses.loaded(demo));
        standIn.exportTo(dir.resolve("gcs"));
        BigQueryWarehouse bq = BigQueryWarehouseTest.bigQuery(standIn, BigQueryWarehouseTest.DATASET);
        reference.extract(BigQueryWarehouseTest.YEAR);
        bq.extract(BigQueryWarehouseTest.YEAR);
        TrainingSet set = TrainingSet.transform(reference, BigQueryWarehouseTest.YEAR, BigQueryWarehouseTest.RULES);
        HoldoutSplit.Split split = HoldoutSplit.split(set.interactions(), 42);
        assertThat(split.holdout().size()).isGreaterThan(100);

        for (FitInput.Part part : FitInput.Part.values()) {
            Map<String, Double> expected = pairs(part == FitInput.Part.ALL ? set.interactions() : split.train());
            long embedded = reference.write(BigQueryWarehouseTest.YEAR, BigQueryWarehouseTest.RULES, part,
                    dir.resolve("local").resolve(part.name()).toString());
            long exported = bq.write(BigQueryWarehouseTest.YEAR, BigQueryWarehouseTest.RULES, part,
                    "gs://partrec-input/spark/" + part.name());

            assertThat(embedded).isEqualTo(exported).isEqualTo(expected.size());
            assertSamePairs(parquet(dir.resolve("local").resolve(part.name())), expected);
            assertSamePairs(parquet(dir.resolve("gcs/partrec-input/spark").resolve(part.name())), expected);
        }
        JsonNode job = standIn.queryJobs("EXPORT DATA").get(0);
        assertThat(job.at("/configuration/query/query").asText()).contains("EXPORT DATA OPTIONS (uri = "
                + "'gs://partrec-input/spark/SPLIT_TRAIN/interactions/*.parquet', format = 'PARQUET', overwrite = true)");
        assertThat(BigQueryWarehouseTest.parameters(job)).containsEntry("without_holdout", "BOOL true");
    }

    @Test
    void aLocationThatIsNotAPlainGcsPrefixIsRefusedBeforeAnyJob() {
        BigQueryStandIn standIn = bigQueryTest.standIn(DemoWarehouses.loaded(DemoWarehouses.demo(30, 20, 300, 3)));
        BigQueryWarehouse bq = BigQueryWarehouseTest.bigQuery(standIn, BigQueryWarehouseTest.DATASET);
        for (String bad : List.of("data/spark-input", "gs://b/x' OR 1=1 --", "s3://bucket/x")) {
            assertThatThrownBy(() -> bq.write(BigQueryWarehouseTest.YEAR, BigQueryWarehouseTest.RULES,
                    FitInput.Part.ALL, bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be a gs://bucket/prefix");
        }
        assertThat(standIn.queryJobs("EXPORT DATA")).isEmpty();
    }

    /** One fit input's Parquet files, read with DuckDB: weight by "user item". */
    static Map<String, Double> parquet(Path input) throws Exception {
        Map<String, Double> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT user_id, item_id, weight FROM read_parquet('"
                     + input.resolve("interactions") + "/*.parquet')")) {
            while (r.next()) {
                assertThat(out.put(r.getString(1) + " " + r.getString(2), r.getDouble(3))).as("one row per pair").isNull();
            }
        }
        return out;
    }

    static Map<String, Double> pairs(Interactions rows) {
        Map<String, Double> out = new TreeMap<>();
        for (int r = 0; r < rows.size(); r++) {
            out.put(rows.users().idOf(rows.user(r)) + " " + rows.items().idOf(rows.item(r)), (double) rows.weight(r));
        }
        return out;
    }

    /** The same pairs, with weights equal as the service keeps them (float) to a relative 1e-6. */
    static void assertSamePairs(Map<String, Double> actual, Map<String, Double> expected) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((pair, w) -> assertThat((double) (float) (double) actual.get(pair)).as(pair)
                .isCloseTo(w, within(1e-6 * Math.abs(w))));
    }
}
