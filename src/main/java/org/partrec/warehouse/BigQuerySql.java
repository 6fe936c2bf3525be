package org.partrec.warehouse;

import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.StandardSQLTypeName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BigQuery side of the dialect: the files are BigQuery Standard SQL already, so this step
 * only fills the table placeholders with {@code `project.dataset.table`} (each part checked to
 * be a plain name first) and turns {@link SqlParams} into named {@link QueryParameterValue}s of
 * the matching {@link StandardSQLTypeName} (a null keeps its type). Values travel as query
 * parameters only, never in the text.
 *
 * <p>A file of several statements ({@code load/tables}) is run one statement per query job, not
 * as one script: each job's error then names its statement, and no script job (with its child
 * jobs) has to be followed.
 *
 * <p>Verified on the real files by {@code BigQuerySqlTest}, and on the wire (the JSON the client
 * sends) by {@code BigQueryWarehouseTest}.
 */
final class BigQuerySql {

    /** A project id (6 to 30 of lower-case letters, digits and {@code -}), optionally domain-scoped. */
    private static final String PROJECT = "([a-z][a-z0-9.-]{0,61}[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]";
    private static final String NAME = "[A-Za-z_][A-Za-z0-9_]{0,127}";

    private final Map<String, String> tables;

    /** @param tableNames placeholder name to table name, all in {@code project.dataset} */
    BigQuerySql(String project, String dataset, Map<String, String> tableNames) {
        Map<String, String> quoted = new LinkedHashMap<>();
        tableNames.forEach((k, v) -> quoted.put(k, qualified(project, dataset, v)));
        this.tables = Map.copyOf(quoted);
    }

    /** {@code `project.dataset.table`}, after checking each part. */
    static String qualified(String project, String dataset, String table) {
        if (project == null || !project.matches(PROJECT)) {
            throw new IllegalArgumentException("not a Google Cloud project id: '" + project + "'");
        }
        for (String name : new String[] {dataset, table}) {
            if (name == null || !name.matches(NAME)) {
                throw new IllegalArgumentException("not a plain table or dataset name: '" + name + "'");
            }
        }
        return "`" + project + "." + dataset + "." + table + "`";
    }

    /**
     * One statement with its placeholders filled, and the parameters it names, each once, in
     * order of first appearance.
     */
    record Statement(String sql, List<String> parameters, String file) {

        /** A Standard SQL query job running this statement with {@code params} as named parameters. */
        QueryJobConfiguration.Builder query(SqlParams params) {
            Map<String, QueryParameterValue> named = new LinkedHashMap<>();
            for (String name : parameters) {
                named.put(name, value(params.get(name, file)));
            }
            return QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false).setNamedParameters(named);
        }
    }

    /** The file's statements, placeholders filled. */
    List<Statement> statements(SqlFile file) {
        List<Statement> out = new ArrayList<>();
        for (String sql : SqlFile.statements(file.withTables(tables))) {
            List<String> names = SqlFile.parameterNames(sql);
            out.add(new Statement(sql, names, file.name()));
        }
        return out;
    }

    /** A file of exactly one statement. */
    Statement statement(SqlFile file) {
        List<Statement> all = statements(file);
        if (all.size() != 1) {
            throw new IllegalStateException(file.name() + ".sql holds " + all.size() + " statements, expected one");
        }
        return all.get(0);
    }

    static QueryParameterValue value(SqlParams.Value v) {
        Object x = v.value();
        return switch (v.type()) {
            case STRING -> QueryParameterValue.of((String) x, StandardSQLTypeName.STRING);
            case INT64 -> QueryParameterValue.of((Long) x, StandardSQLTypeName.INT64);
            case FLOAT64 -> QueryParameterValue.of((Double) x, StandardSQLTypeName.FLOAT64);
            case BOOL -> QueryParameterValue.of((Boolean) x, StandardSQLTypeName.BOOL);
            case TIMESTAMP -> QueryParameterValue.timestamp(x == null ? null : micros((Instant) x));
        };
    }

    /** Microseconds since the epoch, BigQuery's timestamp precision (finer digits are dropped). */
    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }
}
