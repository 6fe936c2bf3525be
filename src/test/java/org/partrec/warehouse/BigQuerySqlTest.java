package org.partrec.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.StandardSQLTypeName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The BigQuery side of the dialect: placeholders, name checks and typed parameters, on the real files. */
class BigQuerySqlTest {

    static final BigQuerySql SQL = new BigQuerySql("my-project-42", "shop", WarehouseTables.DEFAULT.placeholders());

    @Test
    void placeholdersBecomeProjectDatasetTableInOneQuotedName() {
        BigQuerySql.Statement s = SQL.statement(SqlFile.load("extract/catalog"));
        assertThat(s.sql()).isEqualTo(SqlFile.load("extract/catalog").text()
                .replace("{{catalog}}", "`my-project-42.shop.catalog`").strip());
        assertThat(s.parameters()).isEmpty();
    }

    @Test
    void namesThatAreNotPlainAreRefusedBeforeTheyReachSql() {
        assertThatThrownBy(() -> BigQuerySql.qualified("my-project", "shop", "t`; DROP TABLE x; --"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a plain table or dataset name");
        assertThatThrownBy(() -> BigQuerySql.qualified("my-project", "shop.other", "t"))
                .hasMessageContaining("not a plain table or dataset name");
        assertThatThrownBy(() -> BigQuerySql.qualified("My_Project", "shop", "t"))
                .hasMessageContaining("not a Google Cloud project id");
        assertThatThrownBy(() -> BigQuerySql.qualified("p`x", "shop", "t"))
                .hasMessageContaining("not a Google Cloud project id");
        assertThat(BigQuerySql.qualified("example.com:my-project", "shop", "events"))
                .isEqualTo("`example.com:my-project.shop.events`");
    }

    @Test
    void parametersAreNamedEachOnceInOrderAndTypedAsBigQueryTypesThem() {
        BigQuerySql.Statement s = SQL.statement(SqlFile.load("transform/training_interactions"));
        assertThat(s.parameters()).containsExactly("view_weight", "cart_weight", "purchase_weight", "return_weight", "quantity_cap",
                "until", "decay_per_day", "min_user_items", "min_item_users");
        Instant until = Instant.parse("2026-06-01T00:00:00.123456789Z");
        QueryJobConfiguration q = s.query(new SqlParams().timestamp("until", until).float64("view_weight", 1)
                .float64("cart_weight", 3).float64("purchase_weight", 5).float64("return_weight", 10).float64("quantity_cap", 10)
                .float64("decay_per_day", 0).int64("min_user_items", 2).int64("min_item_users", 3)
                .string("unused", "not sent")).build();
        assertThat(q.useLegacySql()).isFalse();
        Map<String, QueryParameterValue> named = q.getNamedParameters();
        assertThat(named.keySet()).as("the client keeps no order; names are enough").containsExactlyInAnyOrderElementsOf(s.parameters());
        assertThat(named.get("until").getType()).isEqualTo(StandardSQLTypeName.TIMESTAMP);
        assertThat(named.get("until").getValue()).isEqualTo("2026-06-01 00:00:00.123456+00:00");
        assertThat(named.get("view_weight").getType()).isEqualTo(StandardSQLTypeName.FLOAT64);
        assertThat(named.get("min_user_items").getType()).isEqualTo(StandardSQLTypeName.INT64);
        assertThat(named.get("min_user_items").getValue()).isEqualTo("2");
    }

    @Test
    void aNullKeepsItsType() {
        assertThat(BigQuerySql.value(new SqlParams.Value(SqlParams.Type.TIMESTAMP, null)))
                .satisfies(v -> assertThat(v.getType()).isEqualTo(StandardSQLTypeName.TIMESTAMP))
                .satisfies(v -> assertThat(v.getValue()).isNull());
        assertThat(BigQuerySql.value(new SqlParams.Value(SqlParams.Type.STRING, null)).getType())
                .isEqualTo(StandardSQLTypeName.STRING);
        assertThat(BigQuerySql.value(new SqlParams.Value(SqlParams.Type.INT64, null)).getType())
                .isEqualTo(StandardSQLTypeName.INT64);
        assertThat(BigQuerySql.value(new SqlParams.Value(SqlParams.Type.BOOL, true)).getValue()).isEqualTo("true");
    }

    @Test
    void aParameterTheStatementNamesButNobodyGaveIsAnErrorNamingTheFile() {
        BigQuerySql.Statement s = SQL.statement(SqlFile.load("extract/interactions"));
        assertThatThrownBy(() -> s.query(new SqlParams().timestamp("since", Instant.EPOCH)))
                .hasMessageContaining("extract/interactions.sql uses @until");
    }

    @Test
    void everySqlFileFillsEveryPlaceholderAndTheTablesFileIsOneStatementPerTable() {
        for (String file : List.of("extract/interactions", "extract/catalog", "transform/training_interactions",
                "load/tables", "load/merge_user_recommendations", "load/merge_similar_items",
                "load/merge_training_run", "load/recent_training_runs", "load/recent_storefront_event_ids")) {
            assertThat(SQL.statements(SqlFile.load(file))).as(file).isNotEmpty()
                    .allSatisfy(s -> assertThat(DuckDbSqlTest.code(s.sql())).doesNotContain("{{"));
        }
        assertThat(SQL.statements(SqlFile.load("load/tables"))).hasSize(6)
                .allSatisfy(s -> assertThat(s.sql()).contains("CREATE TABLE IF NOT EXISTS `my-project-42.shop."));
        assertThat(new BigQuerySql("my-project-42", "shop", Map.of("staging", "similar_items_staging"))
                .statement(SqlFile.load("load/clear_staging")).sql())
                .endsWith("DELETE FROM `my-project-42.shop.similar_items_staging` WHERE run_id = @run_id");
    }
}
