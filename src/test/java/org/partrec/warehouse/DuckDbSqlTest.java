package org.partrec.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dialect step's text rewrites, on hand-written SQL. */
class DuckDbSqlTest {

    @Test
    void namedParametersBecomePositionalInOrderOfAppearanceOutsideStringsAndComments() {
        DuckDbSql.Rewritten r = DuckDbSql.positional(
                "SELECT '@not', `@nope` -- @comment\nFROM t WHERE a = @since AND b < @until AND c > @since /* @x */", "f");
        assertThat(r.sql()).isEqualTo(
                "SELECT '@not', `@nope` -- @comment\nFROM t WHERE a = ? AND b < ? AND c > ? /* @x */");
        assertThat(r.parameters()).containsExactly("since", "until", "since");
    }

    @Test
    void statementsSplitAtSemicolonsOutsideStringsAndCommentsAndSkipBlankOnes() {
        assertThat(SqlFile.statements("CREATE x; -- a comment; still\nINSERT ';' ;\n-- only a comment\n"))
                .containsExactly("CREATE x", "-- a comment; still\nINSERT ';'");
    }

    @Test
    void placeholdersBecomeQuotedSchemaQualifiedNames() {
        DuckDbSql sql = new DuckDbSql("shop", Map.of("extracted_events", "staged", "events", "events",
                "catalog", "c"));
        DuckDbSql.Rewritten r = sql.statement(SqlFile.load("extract/catalog"));
        assertThat(r.sql()).contains("FROM `shop`.`c`");
    }

    @Test
    void aNameThatIsNotAPlainIdentifierIsRefused() {
        assertThatThrownBy(() -> new DuckDbSql("shop", Map.of("events", "events`; DROP TABLE x; --")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a plain table or schema name");
        assertThatThrownBy(() -> new WarehouseTables("a b", "c", "d", "e", "f", "g", "h"))
                .hasMessageContaining("not a plain table name");
    }

    @Test
    void everySqlFileRewritesWithEveryPlaceholderKnown() {
        DuckDbSql sql = new DuckDbSql("partrec", WarehouseTables.DEFAULT.placeholders());
        for (String file : List.of("extract/source_tables", "extract/interactions", "extract/catalog",
                "transform/training_interactions", "load/tables", "load/merge_user_recommendations",
                "load/merge_similar_items", "load/merge_training_run", "load/recent_training_runs")) {
            assertThat(sql.statements(SqlFile.load(file))).as(file).isNotEmpty()
                    .allSatisfy(s -> assertThat(code(s.sql())).doesNotContain("{{").doesNotContain("@"));
        }
    }

    /** The characters of {@code sql} that are code (not strings, quoted names or comments). */
    static String code(String sql) {
        StringBuilder out = new StringBuilder();
        SqlFile.Scanner s = new SqlFile.Scanner(sql);
        while (s.next()) {
            if (s.code()) {
                out.append(sql.charAt(s.at()));
            }
        }
        return out.toString();
    }
}
