package org.partrec.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dialect step: how a file of BigQuery SQL runs on DuckDB. Everything else in the files is
 * written in the part of BigQuery's dialect that DuckDB accepts as it is ({@code QUALIFY},
 * {@code IF}, {@code LEAST}, {@code POW}, {@code MERGE INTO}, backtick names, {@code STRING},
 * {@code INT64}, {@code BOOL}); this step does three things, and only these:
 * <ol>
 *   <li>named parameters {@code @name} become positional {@code ?}, bound in order of appearance
 *       (DuckDB's JDBC driver has no named parameters); one name may appear several times;</li>
 *   <li>table placeholders become {@code `schema`.`table`};</li>
 *   <li>each connection gets what BigQuery has built in and DuckDB lacks: the type
 *       {@code FLOAT64} (as {@code DOUBLE}) and the function {@code UNIX_SECONDS(ts)}.</li>
 * </ol>
 * Timestamps are stored as DuckDB {@code TIMESTAMP} (no zone) holding UTC, as BigQuery's
 * {@code TIMESTAMP} does.
 */
final class DuckDbSql {

    private final Map<String, String> tables;

    /** @param tables placeholder name to table name, all in {@code schema} */
    DuckDbSql(String schema, Map<String, String> tableNames) {
        Map<String, String> quoted = new LinkedHashMap<>();
        tableNames.forEach((k, v) -> quoted.put(k, quote(schema) + "." + quote(v)));
        this.tables = Map.copyOf(quoted);
    }

    static String quote(String identifier) {
        if (!identifier.matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
            throw new IllegalArgumentException("not a plain table or schema name: '" + identifier + "'");
        }
        return "`" + identifier + "`";
    }

    /** Makes {@code c} speak the BigQuery the files use. Idempotent. */
    static void prepare(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM duckdb_types() WHERE type_name = 'FLOAT64'")) {
                r.next();
                if (r.getLong(1) == 0) {
                    s.execute("CREATE TYPE FLOAT64 AS DOUBLE");
                }
            }
            s.execute("CREATE OR REPLACE TEMP MACRO unix_seconds(ts) AS CAST(epoch(ts) AS BIGINT)");
        }
    }

    /** One statement of a file, rewritten, with its parameters in positional order. */
    record Rewritten(String sql, List<String> parameters, String file) {

        PreparedStatement prepare(Connection c, SqlParams params) throws SQLException {
            PreparedStatement ps = c.prepareStatement(sql);
            try {
                for (int i = 0; i < parameters.size(); i++) {
                    bind(ps, i + 1, params.get(parameters.get(i), file));
                }
                return ps;
            } catch (SQLException | RuntimeException e) {
                ps.close();
                throw e;
            }
        }
    }

    /** The file's statements, rewritten for DuckDB. */
    List<Rewritten> statements(SqlFile file) {
        List<Rewritten> out = new ArrayList<>();
        for (String statement : SqlFile.statements(file.withTables(tables))) {
            out.add(positional(statement, file.name()));
        }
        return out;
    }

    /** A file of exactly one statement. */
    Rewritten statement(SqlFile file) {
        List<Rewritten> all = statements(file);
        if (all.size() != 1) {
            throw new IllegalStateException(file.name() + ".sql holds " + all.size() + " statements, expected one");
        }
        return all.get(0);
    }

    static Rewritten positional(String sql, String file) {
        List<String> names = new ArrayList<>();
        String rewritten = SqlFile.replaceParameters(sql, name -> {
            names.add(name);
            return "?";
        });
        return new Rewritten(rewritten, List.copyOf(names), file);
    }

    private static void bind(PreparedStatement ps, int index, SqlParams.Value v) throws SQLException {
        if (v.value() == null) {
            ps.setNull(index, switch (v.type()) {
                case STRING -> Types.VARCHAR;
                case INT64 -> Types.BIGINT;
                case FLOAT64 -> Types.DOUBLE;
                case BOOL -> Types.BOOLEAN;
                case TIMESTAMP -> Types.TIMESTAMP;
            });
            return;
        }
        switch (v.type()) {
            case STRING -> ps.setString(index, (String) v.value());
            case INT64 -> ps.setLong(index, (Long) v.value());
            case FLOAT64 -> ps.setDouble(index, (Double) v.value());
            case BOOL -> ps.setBoolean(index, (Boolean) v.value());
            case TIMESTAMP -> ps.setObject(index, utc((Instant) v.value()));
        }
    }

    static LocalDateTime utc(Instant t) {
        return LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    static Instant instant(LocalDateTime t) {
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }
}
