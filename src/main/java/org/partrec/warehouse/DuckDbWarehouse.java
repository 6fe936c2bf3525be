package org.partrec.warehouse;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.partrec.events.Event;
import org.partrec.events.EventSink;
import org.partrec.export.ExportBatch;
import org.partrec.export.RecommendationSink;
import org.partrec.pipeline.RunLog;
import org.partrec.pipeline.RunRecord;
import org.partrec.extract.CatalogSource;
import org.partrec.extract.InteractionSource;
import org.partrec.extract.ItemInfo;
import org.partrec.extract.TransformSink;
import org.partrec.extract.TransformRules;
import org.partrec.extract.Window;

/**
 * The embedded warehouse: one DuckDB file (or memory) holding the source tables, the staged
 * extract, the batch outputs and the run records, queried with the same SQL files as BigQuery
 * through {@link DuckDbSql}. One database instance, one connection per operation (DuckDB
 * connections are not to be shared between threads).
 */
public final class DuckDbWarehouse implements InteractionSource, CatalogSource, RecommendationSink, RunLog, EventSink,
        org.partrec.extract.FitInput, AutoCloseable {

    private static final Logger LOG = System.getLogger(DuckDbWarehouse.class.getName());

    private final DuckDBConnection database;
    private final DuckDbSql sql;
    private final String schema;
    private final WarehouseTables tables;
    private final String where;
    /** Posted events, through their journal; set by {@link #open}. */
    private volatile DuckDbEvents events;

    private DuckDbWarehouse(DuckDBConnection database, String schema, WarehouseTables tables, String where) {
        this.database = database;
        this.schema = schema;
        this.tables = tables;
        this.sql = new DuckDbSql(schema, tables.placeholders());
        this.where = where;
    }

    /**
     * Opens (creating if missing) the warehouse file and its tables.
     *
     * @param file the DuckDB file, or null for a private in-memory database
     */
    public static DuckDbWarehouse open(Path file, String schema, WarehouseTables tables) {
        String url = "jdbc:duckdb:";
        try {
            if (file != null) {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                url += file.toAbsolutePath();
            }
            DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection(url);
            DuckDbWarehouse w = new DuckDbWarehouse(c, schema, tables, file == null ? "memory" : file.toString());
            try {
                w.createTables();
                // posted events acknowledged from a journal beside the file (a temporary one for memory)
                w.events = DuckDbEvents.open(w, file == null ? null : journal(file));
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
            return w;
        } catch (SQLException | java.io.IOException e) {
            throw new WarehouseException("cannot open the embedded warehouse " + (file == null ? "in memory" : file)
                    + ": " + e.getMessage(), e);
        }
    }

    /** The folder of the posted events' journal for the warehouse {@code file}: beside it, named after it. */
    static Path journal(Path file) {
        Path f = file.toAbsolutePath();
        return f.resolveSibling(f.getFileName() + ".events");
    }

    private void createTables() throws SQLException {
        try (Connection c = connection(); var s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + DuckDbSql.quote(schema));
            run(c, "extract/source_tables", new SqlParams());
            run(c, "load/tables", new SqlParams());
        }
    }

    /** A new connection to the one database, ready for the SQL files. */
    Connection connection() throws SQLException {
        Connection c = database.duplicate();
        try {
            DuckDbSql.prepare(c);
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    DuckDbSql sql() {
        return sql;
    }

    String schema() {
        return schema;
    }

    WarehouseTables tables() {
        return tables;
    }

    /** Runs every statement of a file; returns the last one's update count. */
    long run(Connection c, String file, SqlParams params) throws SQLException {
        long count = 0;
        for (DuckDbSql.Rewritten statement : sql.statements(SqlFile.load(file))) {
            try (PreparedStatement ps = statement.prepare(c, params)) {
                ps.execute();
                count = Math.max(0, ps.getUpdateCount());
            }
        }
        return count;
    }

    /** Whether the events table holds no row. */
    public boolean isEmpty() {
        try (Connection c = connection(); var s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM " + qualified(tables.events()))) {
            r.next();
            return r.getLong(1) == 0;
        } catch (SQLException e) {
            throw failure("count the events", e);
        }
    }

    String qualified(String table) {
        return DuckDbSql.quote(schema) + "." + DuckDbSql.quote(table);
    }

    @Override
    public long extract(Window window) {
        events().move(); // every acknowledged event in the table before it is read
        DuckDbSql.Rewritten select = sql.statement(SqlFile.load("extract/interactions"));
        String create = "CREATE OR REPLACE TABLE " + qualified(tables.extractedEvents()) + " AS " + select.sql();
        try (Connection c = connection();
             PreparedStatement ps = new DuckDbSql.Rewritten(create, select.parameters(), select.file())
                     .prepare(c, new SqlParams().timestamp("since", window.since()).timestamp("until", window.until()))) {
            ps.execute();
            try (var s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT count(*) FROM " + qualified(tables.extractedEvents()))) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw failure("extract the interactions", e);
        }
    }

    /**
     * Runs the transform into a temporary table, numbers its distinct user and item ids there,
     * then reads each id once and the rows as numbers: reading ids as strings row by row through
     * JDBC costs about 1 µs a row, most of a large transform's time.
     */
    @Override
    public long transform(Window window, TransformRules rules, TransformSink sink) {
        DuckDbSql.Rewritten select = sql.statement(SqlFile.load("transform/training_interactions"));
        String create = "CREATE OR REPLACE TEMP TABLE transformed AS " + select.sql();
        try (Connection c = connection();
             PreparedStatement ps = new DuckDbSql.Rewritten(create, select.parameters(), select.file())
                     .prepare(c, SqlParams.transform(window, rules));
             var s = c.createStatement()) {
            ps.execute();
            s.execute("CREATE OR REPLACE TEMP TABLE transformed_users AS SELECT user_id, "
                    + "(ROW_NUMBER() OVER () - 1)::INTEGER AS code FROM (SELECT DISTINCT user_id FROM transformed)");
            s.execute("CREATE OR REPLACE TEMP TABLE transformed_items AS SELECT item_id, "
                    + "(ROW_NUMBER() OVER () - 1)::INTEGER AS code FROM (SELECT DISTINCT item_id FROM transformed)");
            int[] users = codes(s, "transformed_users", "user_id", sink::user);
            int[] items = codes(s, "transformed_items", "item_id", sink::item);
            long n = 0;
            try (ResultSet r = s.executeQuery("SELECT u.code, i.code, t.weight, t.purchased, t.returned, t.last_seen "
                    + "FROM transformed AS t JOIN transformed_users AS u USING (user_id) "
                    + "JOIN transformed_items AS i USING (item_id)")) {
                while (r.next()) {
                    sink.add(users[r.getInt(1)], items[r.getInt(2)], r.getDouble(3), r.getDouble(4), r.getDouble(5),
                            r.getLong(6));
                    n++;
                }
            }
            return n;
        } catch (SQLException e) {
            throw failure("transform the interactions", e);
        }
    }

    /**
     * Writes the fit's interactions ({@code transform/fit_input_duckdb}) to one Parquet file,
     * {@code <location>/interactions/part-00000.parquet}, after deleting the Parquet files a
     * previous write left in that folder.
     *
     * @param location a folder path, or a {@code file:} URI of one
     */
    @Override
    public long write(Window window, TransformRules rules, Part part, String location) {
        Path folder = (location.startsWith("file:") ? Path.of(java.net.URI.create(location)) : Path.of(location))
                .resolve("interactions");
        String file = folder.resolve("part-00000.parquet").toAbsolutePath().toString();
        if (file.contains("'") || file.contains("\\")) {
            throw new IllegalArgumentException("the fit's input folder may not contain ' or \\: " + folder);
        }
        SqlFile sql = SqlFile.fitInput("duckdb", file);
        try {
            Files.createDirectories(folder);
            try (var old = Files.newDirectoryStream(folder, "*.parquet")) {
                for (Path p : old) {
                    Files.delete(p);
                }
            }
        } catch (java.io.IOException e) {
            throw new WarehouseException("embedded warehouse (" + where + "): cannot prepare the fit's input folder "
                    + folder + ": " + e.getMessage(), e);
        }
        SqlParams params = SqlParams.fitInput(window, rules, part);
        try (Connection c = connection(); var s = c.createStatement()) {
            for (DuckDbSql.Rewritten statement : this.sql.statements(sql)) {
                try (PreparedStatement ps = statement.prepare(c, params)) {
                    ps.execute();
                }
            }
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM fit_input")) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw failure("write the fit's interactions to " + file, e);
        }
    }

    /** Reads a numbered id table: the sink's code for each of its codes. */
    private static int[] codes(java.sql.Statement s, String table, String column,
                               java.util.function.ToIntFunction<String> code) throws SQLException {
        try (ResultSet count = s.executeQuery("SELECT count(*) FROM " + table)) {
            count.next();
            int[] out = new int[Math.toIntExact(count.getLong(1))];
            try (ResultSet r = s.executeQuery("SELECT code, " + column + " FROM " + table)) {
                while (r.next()) {
                    out[r.getInt(1)] = code.applyAsInt(r.getString(2));
                }
            }
            return out;
        }
    }

    @Override
    public Map<String, ItemInfo> catalog() {
        Map<String, ItemInfo> out = new HashMap<>();
        try (Connection c = connection();
             PreparedStatement ps = sql.statement(SqlFile.load("extract/catalog")).prepare(c, new SqlParams());
             ResultSet r = ps.executeQuery()) {
            while (r.next()) {
                out.put(r.getString(1), new ItemInfo(r.getString(2), r.getString(3), r.getString(4), r.getDouble(5),
                        r.getBoolean(6), r.getString(7), r.getObject(8) == null ? null : r.getDouble(8)));
            }
            return out;
        } catch (SQLException e) {
            throw failure("read the catalogue", e);
        }
    }


    @Override
    public void clearStaging(Table table, String runId) {
        String staging = tables.staging(table);
        try (Connection c = connection();
             PreparedStatement ps = new DuckDbSql(schema, java.util.Map.of("staging", staging))
                     .statement(SqlFile.load("load/clear_staging")).prepare(c, new SqlParams().string("run_id", runId))) {
            ps.execute();
        } catch (SQLException e) {
            throw failure("clear " + staging, e);
        }
    }

    @Override
    public void stage(Table table, ExportBatch b) {
        String staging = tables.staging(table);
        try (DuckDBConnection c = (DuckDBConnection) connection();
             DuckDBAppender a = c.createAppender(schema, staging)) {
            java.time.LocalDateTime at = DuckDbSql.utc(b.exportedAt());
            for (int r = 0; r < b.size(); r++) {
                a.beginRow().append(b.runId()).append(b.modelVersion()).append(b.keys()[r]).append((long) b.ranks()[r])
                        .append(b.values()[r]).append((double) b.scores()[r]).append(at).endRow();
            }
            a.flush(); // close() swallows a failed flush (DuckDB JDBC 2.0.0.1): a refused row must be an error
        } catch (SQLException e) {
            throw failure("stage a batch into " + staging, e);
        }
    }

    @Override
    public long merge(Table table, String runId) {
        String file = WarehouseTables.mergeFile(table);
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                run(c, file, new SqlParams().string("run_id", runId));
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + qualified(tables.output(table))
                        + " WHERE run_id = ?")) {
                    ps.setString(1, runId);
                    try (ResultSet r = ps.executeQuery()) {
                        r.next();
                        long rows = r.getLong(1);
                        c.commit();
                        clearStaging(table, runId);
                        return rows;
                    }
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("merge into " + tables.output(table), e);
        }
    }

    @Override
    public void save(RunRecord.View run) {
        try (Connection c = connection()) {
            run(c, "load/merge_training_run", RunRows.params(run, java.time.Instant.now()));
        } catch (SQLException e) {
            throw failure("record run " + run.id(), e);
        }
    }

    @Override
    public List<RunRecord.View> recent(int limit) {
        List<RunRecord.View> out = new java.util.ArrayList<>();
        try (Connection c = connection();
             PreparedStatement ps = sql.statement(SqlFile.load("load/recent_training_runs"))
                     .prepare(c, new SqlParams().int64("limit", limit));
             ResultSet r = ps.executeQuery()) {
            while (r.next()) {
                out.add(RunRows.view(r.getString(1), r.getString(2), r.getString(3),
                        DuckDbSql.instant(r.getObject(4, java.time.LocalDateTime.class)),
                        DuckDbSql.instant(r.getObject(5, java.time.LocalDateTime.class)), r.getString(6),
                        r.getString(7), r.getString(8), r.getString(9), r.getString(10), r.getString(11),
                        r.getString(12), r.getString(13)));
            }
            return out;
        } catch (SQLException e) {
            throw failure("read the run records", e);
        }
    }

    WarehouseException failure(String what, SQLException e) {
        return new WarehouseException("embedded warehouse (" + where + "): cannot " + what + ": " + e.getMessage(), e);
    }

    /**
     * Runs one SQL statement as written (for tests, benchmarks and a person's checks, never with
     * outside input); returns the rows it produced, each row's columns as objects (none for a
     * statement without a result).
     */
    public List<Object[]> query(String statement) {
        events().move(); // what it reads holds every acknowledged event
        try (Connection c = connection(); var s = c.createStatement()) {
            List<Object[]> rows = new java.util.ArrayList<>();
            if (!s.execute(statement)) {
                return rows;
            }
            try (ResultSet r = s.getResultSet()) {
                int n = r.getMetaData().getColumnCount();
                while (r.next()) {
                    Object[] row = new Object[n];
                    for (int i = 0; i < n; i++) {
                        row[i] = r.getObject(i + 1);
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw failure("run " + statement.lines().findFirst().orElse(""), e);
        }
    }

    /** Stores posted events through the journal ({@link DuckDbEvents}): durable when this returns, each id once. */
    @Override
    public Stored store(List<Event> events, java.time.Instant receivedAt) {
        return events().store(events, receivedAt);
    }

    private DuckDbEvents events() {
        DuckDbEvents e = events;
        if (e == null) {
            throw new IllegalStateException("the embedded warehouse is closed");
        }
        return e;
    }

    @Override
    public void close() {
        DuckDbEvents posted = events;
        events = null;
        if (posted != null) {
            posted.close(); // moves what the journal holds into the table
        }
        try {
            database.close();
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "closing the embedded warehouse: " + e.getMessage());
        }
    }
}
