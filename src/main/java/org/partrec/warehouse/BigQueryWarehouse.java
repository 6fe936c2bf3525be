package org.partrec.warehouse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.RetryOption;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQuery.TableDataListOption;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.InsertAllRequest;
import com.google.cloud.bigquery.InsertAllResponse;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.JobStatus;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableDataWriteChannel;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import com.google.cloud.bigquery.WriteChannelConfiguration;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.Channels;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.partrec.events.Event;
import org.partrec.events.EventSink;
import org.partrec.export.ExportBatch;
import org.partrec.export.RecommendationSink;
import org.partrec.extract.CatalogSource;
import org.partrec.extract.InteractionSource;
import org.partrec.extract.ItemInfo;
import org.partrec.extract.TransformSink;
import org.partrec.extract.TransformRules;
import org.partrec.extract.Window;
import org.partrec.pipeline.RunLog;
import org.partrec.pipeline.RunRecord;

/**
 * The BigQuery warehouse: the SQL files of {@code sql/recommendations} run as Standard SQL query
 * jobs with named parameters ({@link BigQuerySql}), in the project of the {@link BigQuery}
 * client and the configured dataset. It behaves as {@link DuckDbWarehouse} does:
 * <ul>
 *   <li>extract: {@code extract/interactions} as a query job whose destination is
 *       {@code extracted_events} (WRITE_TRUNCATE, CREATE_IF_NEEDED); the count returned is that
 *       destination table's {@code totalRows} (a {@code tabledata.list} asking for no row);</li>
 *   <li>transform, catalogue, run records: query jobs whose result table is read a page at a
 *       time ({@code tabledata.list}, {@code pageSize} rows a page), never all in memory;</li>
 *   <li>stage: a load job of newline-delimited JSON written through {@code BigQuery.writer} (a
 *       resumable upload) into {@code <output>_staging}, WRITE_APPEND, CREATE_NEVER; all rows or
 *       none. Not streaming inserts: rows in the streaming buffer cannot be deleted, and
 *       {@code load/clear_staging} deletes;</li>
 *   <li>clear staging, merge, run record: DML query jobs; merge returns the run's rows in the
 *       output table (a COUNT with {@code @run_id}) and then clears the run's staged rows;</li>
 *   <li>posted events ({@link #store}): a streaming insert ({@code tabledata.insertAll}) into
 *       {@code storefront_events}, each row's {@code insertId} its event id; nothing ever deletes
 *       or merges into that table, so the streaming buffer's limits on DML do not arise, and the
 *       extract reads each {@code event_id} once.</li>
 * </ul>
 * Every job gets an id of ours ({@code partrec_<step>_<uuid>}, labels {@code app} and
 * {@code step}). Idempotent calls (reads, and {@code jobs.insert} with that id: a job whose
 * answer was lost is found again, not run twice) are tried again on HTTP 500/502/503/504, which
 * client 2.54 no longer retries itself; it still retries rate limits and connection failures.
 * A load job is never re-sent here: a failed batch fails the export attempt, and
 * {@code BatchExport} starts the table again from clearing its staging rows. What is left
 * becomes a {@link WarehouseException} naming the operation and the table and saying why
 * (quota exceeded, rate limit exceeded, backend error, a failed job's first error) with the
 * HTTP status.
 *
 * <p>Verified against a stand-in for BigQuery's REST API on loopback that runs the SQL it
 * receives on DuckDB ({@code BigQueryWarehouseTest}): the SQL text and typed parameters sent,
 * rows equal to {@link DuckDbWarehouse}'s on the same data, paging, the load jobs and their
 * NDJSON, an export equal to the embedded one and idempotent, 503 / quota / rate-limit answers,
 * a lost {@code jobs.insert} answer, failed load and query jobs; streaming inserts of posted
 * events with repeats in and across batches, lost answers and refused rows
 * ({@code BigQueryEventsTest}). Not verified (only BigQuery would show): BigQuery's own SQL
 * semantics and types, permissions, real quotas, jobs that run for a while (RUNNING, the
 * timeout), multi-chunk uploads, locations, the streaming buffer and how long BigQuery remembers
 * an {@code insertId}.
 */
public final class BigQueryWarehouse implements InteractionSource, CatalogSource, RecommendationSink, RunLog,
        EventSink, org.partrec.extract.FitInput, AutoCloseable {

    private static final Logger LOG = System.getLogger(BigQueryWarehouse.class.getName());
    private static final JsonFactory JSON = new JsonFactory();
    /** How timestamps are written into the NDJSON of a load job (BigQuery's canonical form). */
    private static final DateTimeFormatter LOAD_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /**
     * @param location  where the dataset lives ({@code EU}, {@code us-central1}...), or null to let
     *                  BigQuery infer it
     * @param jobTimeout how long one job may run before it is cancelled (BigQuery's
     *                  {@code jobTimeoutMs}) and given up on
     * @param pageSize  rows per page when reading a query's result
     */
    public record Settings(String location, Duration jobTimeout, int pageSize) {

        public static final Settings DEFAULTS = new Settings(null, Duration.ofMinutes(30), 10_000);

        public Settings {
            if (jobTimeout.isNegative() || jobTimeout.isZero() || pageSize < 1) {
                throw new IllegalArgumentException("the job timeout must be positive and the page size >= 1");
            }
        }
    }

    private final BigQuery bigquery;
    private final String project;
    private final String dataset;
    private final WarehouseTables tables;
    private final Settings settings;
    private final BigQuerySql sql;

    /**
     * @param bigquery the client; its project holds the dataset
     * @param dataset  the dataset holding every table of {@code tables}
     */
    public BigQueryWarehouse(BigQuery bigquery, String dataset, WarehouseTables tables, Settings settings) {
        this.bigquery = bigquery;
        this.project = bigquery.getOptions().getProjectId();
        this.dataset = dataset;
        this.tables = tables;
        this.settings = settings;
        this.sql = new BigQuerySql(project, dataset, tables.placeholders());
    }

    /**
     * Creates the tables the service writes ({@code load/tables}: outputs, staging, run records)
     * where missing, one DDL job per table. Not the source tables: those belong to the data team.
     */
    public void createTables() {
        for (BigQuerySql.Statement s : sql.statements(SqlFile.load("load/tables"))) {
            run("create_tables", "run load/tables: " + s.sql().lines().findFirst().orElse(""), s, new SqlParams(),
                    UnaryOperator.identity());
        }
    }

    @Override
    public long extract(Window window) {
        String what = "extract the interactions into " + tables.extractedEvents();
        run("extract", what, sql.statement(SqlFile.load("extract/interactions")),
                new SqlParams().timestamp("since", window.since()).timestamp("until", window.until()),
                q -> q.setDestinationTable(table(tables.extractedEvents()))
                        .setWriteDisposition(JobInfo.WriteDisposition.WRITE_TRUNCATE)
                        .setCreateDisposition(JobInfo.CreateDisposition.CREATE_IF_NEEDED));
        try {
            // the destination table's rows as BigQuery counts them (tabledata.list, no row asked for)
            return retried(() -> bigquery.listTableData(table(tables.extractedEvents()), TableDataListOption.pageSize(0)))
                    .getTotalRows();
        } catch (BigQueryException e) {
            throw failure(what, e);
        } catch (InterruptedException e) {
            throw interrupted(what, e);
        }
    }

    @Override
    public long transform(Window window, TransformRules rules, TransformSink sink) {
        long[] n = {0};
        read("transform", "transform the interactions of " + tables.extractedEvents(),
                sql.statement(SqlFile.load("transform/training_interactions")), SqlParams.transform(window, rules), r -> {
                    sink.add(sink.user(r.get(0).getStringValue()), sink.item(r.get(1).getStringValue()),
                            r.get(2).getDoubleValue(), r.get(3).getDoubleValue(), r.get(4).getDoubleValue(),
                            r.get(5).getLongValue());
                    n[0]++;
                });
        return n[0];
    }

    /** A {@code gs://} prefix the fit's input may be exported under: a bucket and plain path segments. */
    static final java.util.regex.Pattern GCS_PREFIX =
            java.util.regex.Pattern.compile("gs://[a-z0-9][a-z0-9._-]{1,221}[a-z0-9](/[A-Za-z0-9._=-]+)*/?");

    /**
     * Exports the fit's interactions ({@code transform/fit_input_bigquery}) as Parquet to
     * {@code <location>/interactions/*.parquet} ({@code EXPORT DATA}, overwriting), as one query job
     * with the same timeout and cancel as every other.
     *
     * @param location a {@code gs://bucket/prefix}
     * @return the rows exported, as the job's export statistics count them (-1 when not given)
     */
    @Override
    public long write(Window window, TransformRules rules, Part part, String location) {
        if (!GCS_PREFIX.matcher(location).matches()) {
            throw new IllegalArgumentException("the fit's input must be a gs://bucket/prefix of plain names, not '"
                    + location + "'");
        }
        String uri = location.replaceAll("/+$", "") + "/interactions/*.parquet";
        SqlFile file = SqlFile.fitInput("bigquery", uri);
        Job job = run("fit_input", "export the fit's interactions to " + uri, sql.statement(file),
                SqlParams.fitInput(window, rules, part), UnaryOperator.identity());
        com.google.cloud.bigquery.JobStatistics.QueryStatistics stats = job.getStatistics();
        if (stats != null && stats.getExportDataStats() != null && stats.getExportDataStats().getRowCount() != null) {
            return stats.getExportDataStats().getRowCount();
        }
        return -1;
    }

    @Override
    public Map<String, ItemInfo> catalog() {
        Map<String, ItemInfo> out = new HashMap<>();
        read("catalog", "read the catalogue " + tables.catalog(), sql.statement(SqlFile.load("extract/catalog")),
                new SqlParams(), r -> out.put(r.get(0).getStringValue(), new ItemInfo(string(r.get(1)),
                        string(r.get(2)), string(r.get(3)), r.get(4).isNull() ? 0 : r.get(4).getDoubleValue(),
                        !r.get(5).isNull() && r.get(5).getBooleanValue(), string(r.get(6)),
                        r.get(7).isNull() ? null : r.get(7).getDoubleValue())));
        return out;
    }


    @Override
    public void clearStaging(Table table, String runId) {
        String staging = tables.staging(table);
        run("clear_staging", "clear run " + runId + " from " + staging,
                new BigQuerySql(project, dataset, Map.of("staging", staging)).statement(SqlFile.load("load/clear_staging")),
                new SqlParams().string("run_id", runId), UnaryOperator.identity());
    }

    /**
     * One load job per batch: the rows as newline-delimited JSON through a resumable upload,
     * appended to the staging table once the job succeeds (a load job is all or nothing).
     */
    @Override
    public void stage(Table table, ExportBatch b) {
        String staging = tables.staging(table);
        String what = "stage a batch of " + b.size() + " rows into " + staging;
        boolean users = table == Table.USER_RECOMMENDATIONS;
        String keyColumn = users ? "user_id" : "item_id";
        String valueColumn = users ? "item_id" : "similar_item_id";
        WriteChannelConfiguration load = WriteChannelConfiguration.newBuilder(table(staging))
                .setFormatOptions(FormatOptions.json())
                .setWriteDisposition(JobInfo.WriteDisposition.WRITE_APPEND)
                .setCreateDisposition(JobInfo.CreateDisposition.CREATE_NEVER)
                .setLabels(Map.of("app", "partrec", "step", "stage"))
                .build();
        JobId id = jobId("stage");
        String exportedAt = LOAD_TIMESTAMP.format(b.exportedAt());
        try {
            TableDataWriteChannel writer = bigquery.writer(id, load);
            try (OutputStream out = Channels.newOutputStream(writer); JsonGenerator g = JSON.createGenerator(out)) {
                for (int r = 0; r < b.size(); r++) {
                    g.writeStartObject();
                    g.writeStringField("run_id", b.runId());
                    g.writeStringField("model_version", b.modelVersion());
                    g.writeStringField(keyColumn, b.keys()[r]);
                    g.writeNumberField("rank", b.ranks()[r]);
                    g.writeStringField(valueColumn, b.values()[r]);
                    g.writeNumberField("score", (double) b.scores()[r]);
                    g.writeStringField("exported_at", exportedAt);
                    g.writeEndObject();
                    g.writeRaw('\n');
                }
            }
            finished(what, writer.getJob(), "load job");
        } catch (IOException e) {
            throw new WarehouseException(where() + ": cannot " + what + ": " + e.getMessage(), e);
        } catch (BigQueryException e) {
            throw failure(what, e);
        }
    }

    @Override
    public long merge(Table table, String runId) {
        String file = WarehouseTables.mergeFile(table);
        String output = tables.output(table);
        run("merge", "merge run " + runId + " into " + output, sql.statement(SqlFile.load(file)),
                new SqlParams().string("run_id", runId), UnaryOperator.identity());
        long[] rows = {0};
        String count = "SELECT COUNT(*) AS n FROM " + BigQuerySql.qualified(project, dataset, output)
                + " WHERE run_id = @run_id";
        read("count", "count run " + runId + " in " + output,
                new BigQuerySql.Statement(count, List.of("run_id"), "merge"), new SqlParams().string("run_id", runId),
                r -> rows[0] = r.get(0).getLongValue());
        clearStaging(table, runId);
        return rows[0];
    }

    @Override
    public void save(RunRecord.View run) {
        run("save_run", "record run " + run.id() + " in " + tables.trainingRuns(),
                sql.statement(SqlFile.load("load/merge_training_run")), RunRows.params(run, Instant.now()),
                UnaryOperator.identity());
    }

    @Override
    public List<RunRecord.View> recent(int limit) {
        List<RunRecord.View> out = new ArrayList<>();
        read("recent_runs", "read the run records of " + tables.trainingRuns(),
                sql.statement(SqlFile.load("load/recent_training_runs")), new SqlParams().int64("limit", limit),
                r -> out.add(RunRows.view(string(r.get(0)), string(r.get(1)), string(r.get(2)), instant(r.get(3)),
                        instant(r.get(4)), string(r.get(5)), string(r.get(6)), string(r.get(7)), string(r.get(8)),
                        string(r.get(9)), string(r.get(10)), string(r.get(11)), string(r.get(12)))));
        return out;
    }

    /**
     * Stores a batch of posted events by a streaming insert ({@code tabledata.insertAll}) into
     * {@code storefront_events}: one row per distinct event id of the batch (its first event, as
     * the embedded warehouse keeps), with the event id as the row's {@code insertId}, so that
     * BigQuery drops the rows of a request sent again within its de-duplication window (best
     * effort, at least a minute). The request asks for every row or none
     * ({@code skipInvalidRows=false}) and refuses fields the table lacks. Returns once BigQuery
     * has accepted the rows: they are then in its streaming buffer, kept by BigQuery, and queries
     * read them within seconds.
     *
     * <p>What is counted: BigQuery does not say which rows it dropped as repeats, and a repeat
     * from an earlier batch is not looked up (a query per batch, at least 10 MB billed and a
     * second or more of latency). So {@code added} is the batch's distinct event ids and
     * {@code repeated} the ids given twice within it. A repeat stored again is harmless: the
     * extract ({@code extract/interactions.sql}) reads each {@code event_id} once.
     *
     * <p>HTTP 5xx answers are tried again with the same rows and ids (the client itself retries
     * rate limits and connection failures, since every row has an id). What still fails, a row
     * refused or a call that cannot be made, is an {@link EventSink.Unavailable} naming the
     * table and why: the batch should be sent again, and each event still counts once.
     */
    @Override
    public Stored store(List<Event> events, Instant receivedAt) {
        Map<String, Event> distinct = new LinkedHashMap<>();
        for (Event e : events) {
            distinct.putIfAbsent(e.eventId(), e);
        }
        String received = LOAD_TIMESTAMP.format(receivedAt);
        InsertAllRequest.Builder rows = InsertAllRequest.newBuilder(table(tables.storefrontEvents()))
                .setSkipInvalidRows(false).setIgnoreUnknownValues(false);
        List<String> ids = new ArrayList<>(distinct.keySet());
        for (Event e : distinct.values()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("event_id", e.eventId());
            row.put("user_id", e.userId());
            row.put("item_id", e.itemId());
            row.put("event_type", e.type().warehouse());
            row.put("quantity", e.quantity());
            row.put("event_time", LOAD_TIMESTAMP.format(e.timestamp()));
            if (e.recommendationId() != null) {
                row.put("recommendation_id", e.recommendationId());
            }
            row.put("received_at", received);
            rows.addRow(e.eventId(), row);
        }
        InsertAllRequest request = rows.build();
        String what = "store " + events.size() + " posted events into " + tables.storefrontEvents();
        InsertAllResponse response;
        try {
            response = retried(() -> bigquery.insertAll(request));
        } catch (BigQueryException e) {
            WarehouseException w = failure(what, e);
            throw new EventSink.Unavailable(w.getMessage(), w);
        } catch (InterruptedException e) {
            WarehouseException w = interrupted(what, e);
            throw new EventSink.Unavailable(w.getMessage(), w);
        }
        if (response.hasErrors()) {
            throw new EventSink.Unavailable(where() + ": cannot " + what + ": " + refused(response, ids), null);
        }
        return new Stored(distinct.size(), events.size() - distinct.size());
    }

    /**
     * A refused streaming insert in words: how many rows BigQuery refused, the first of them (its
     * event id and error), and how many it did not store because of them ({@code stopped}).
     */
    private static String refused(InsertAllResponse response, List<String> ids) {
        int refused = 0;
        int stopped = 0;
        String first = null;
        for (Map.Entry<Long, List<BigQueryError>> row : new TreeMap<>(response.getInsertErrors()).entrySet()) {
            BigQueryError error = row.getValue().isEmpty() ? null : row.getValue().get(0);
            if (error != null && "stopped".equals(error.getReason())) {
                stopped++;
                continue;
            }
            refused++;
            if (first == null) {
                int i = row.getKey().intValue();
                first = "event " + (i >= 0 && i < ids.size() ? ids.get(i) : "#" + i) + ": "
                        + (error == null ? "no error given" : explain(error));
            }
        }
        return "BigQuery refused " + refused + " of " + ids.size() + " rows (first: " + first + ")"
                + (stopped > 0 ? ", holding back the " + stopped + " others (stopped)" : "");
    }

    /**
     * Runs a query job and passes each row of its result to {@code row}, a page at a time:
     * {@code tabledata.list} on the job's result table with the page size and the page token on
     * every call (client 2.54's own next-page fetcher sends the page size on the first page only).
     */
    private void read(String step, String what, BigQuerySql.Statement s, SqlParams params,
                      Consumer<FieldValueList> row) {
        Job job = run(step, what, s, params, UnaryOperator.identity());
        TableId result = ((QueryJobConfiguration) job.getConfiguration()).getDestinationTable();
        TableDataListOption pageSize = TableDataListOption.pageSize(settings.pageSize());
        try {
            String token = null;
            do {
                TableDataListOption[] options = token == null ? new TableDataListOption[] {pageSize}
                        : new TableDataListOption[] {pageSize, TableDataListOption.pageToken(token)};
                TableResult page = retried(() -> bigquery.listTableData(result, options));
                for (FieldValueList r : page.getValues()) {
                    row.accept(r);
                }
                token = page.getNextPageToken();
            } while (token != null && !token.isEmpty());
        } catch (BigQueryException e) {
            throw failure(what, e);
        } catch (InterruptedException e) {
            throw interrupted(what, e);
        }
    }

    /** Runs one statement as a query job of ours and waits until it is done; a failed job is an error. */
    private Job run(String step, String what, BigQuerySql.Statement s, SqlParams params,
                    UnaryOperator<QueryJobConfiguration.Builder> more) {
        JobInfo job = JobInfo.of(jobId(step), more.apply(s.query(params)
                .setJobTimeoutMs(settings.jobTimeout().toMillis())
                .setLabels(Map.of("app", "partrec", "step", step))).build());
        try {
            // the same job id on every try: a job created by a try whose answer was lost is found (409), not run again
            return finished(what, retried(() -> bigquery.create(job)), "job");
        } catch (BigQueryException e) {
            throw failure(what, e);
        } catch (InterruptedException e) {
            throw interrupted(what, e);
        }
    }

    /** Waits for {@code job}; returns it done and without error, or throws saying why not. */
    private Job finished(String what, Job job, String kind) {
        if (job == null) {
            throw new WarehouseException(where() + ": cannot " + what + ": the " + kind + " was not created", null);
        }
        JobId id = job.getJobId();
        Job done;
        try {
            done = retried(() -> job.waitFor(RetryOption.totalTimeoutDuration(settings.jobTimeout())));
        } catch (BigQueryException e) {
            if (e.getCode() <= 0 && e.getErrors() != null && !e.getErrors().isEmpty()) {
                // Job.reload() throws the errors of a job that failed
                throw new WarehouseException(where() + ": cannot " + what + ": " + kind + " " + id.getJob()
                        + " failed: " + describe(e.getError(), e.getErrors()), e);
            }
            throw failure(what, e);
        } catch (InterruptedException e) {
            throw interrupted(what, e);
        }
        if (done == null) {
            throw new WarehouseException(where() + ": cannot " + what + ": " + kind + " " + id.getJob()
                    + " no longer exists", null);
        }
        JobStatus status = done.getStatus();
        if (status == null || status.getState() != JobStatus.State.DONE) {
            cancel(id);
            throw new WarehouseException(where() + ": cannot " + what + ": " + kind + " " + id.getJob()
                    + " did not finish within " + settings.jobTimeout() + "; cancelled", null);
        }
        if (status.getError() != null) {
            throw new WarehouseException(where() + ": cannot " + what + ": " + kind + " " + id.getJob() + " failed: "
                    + describe(status.getError(), status.getExecutionErrors()), null);
        }
        return done;
    }

    /** An idempotent call to BigQuery. */
    @FunctionalInterface
    private interface Call<T> {
        T call() throws InterruptedException;
    }

    /**
     * Calls {@code call}, and again after a wait while BigQuery answers HTTP 500, 502, 503 or 504:
     * client 2.54 retries connection failures and rate limits itself but not these. Waits and
     * attempts follow the client's {@code RetrySettings}. Only for idempotent calls (reads, and
     * {@code jobs.insert} with a job id of ours).
     */
    private <T> T retried(Call<T> call) throws InterruptedException {
        RetrySettings r = bigquery.getOptions().getRetrySettings();
        int attempts = r.getMaxAttempts() > 0 ? r.getMaxAttempts() : 6;
        long delay = Math.max(1, r.getInitialRetryDelayDuration().toMillis());
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (BigQueryException e) {
                if (attempt >= attempts || e.getCode() < 500 || e.getCode() > 504) {
                    throw e;
                }
                LOG.log(Level.WARNING, "BigQuery answered HTTP " + e.getCode() + " (" + e.getMessage() + "); try "
                        + (attempt + 1) + " of " + attempts + " in " + delay + " ms");
                Thread.sleep(delay);
                delay = Math.min((long) (delay * r.getRetryDelayMultiplier()),
                        Math.max(delay, r.getMaxRetryDelayDuration().toMillis()));
            }
        }
    }

    private void cancel(JobId id) {
        try {
            bigquery.cancel(id);
        } catch (BigQueryException e) {
            LOG.log(Level.WARNING, "could not cancel BigQuery job " + id.getJob() + ": " + e.getMessage());
        }
    }

    private JobId jobId(String step) {
        return JobId.newBuilder().setProject(project).setLocation(settings.location())
                .setJob("partrec_" + step + "_" + UUID.randomUUID()).build();
    }

    private TableId table(String name) {
        return TableId.of(project, dataset, name);
    }

    private String where() {
        return "BigQuery (" + project + "." + dataset + ")";
    }

    /** The warehouse error for a failed call: operation, table, why in words, reason and HTTP status. */
    private WarehouseException failure(String what, BigQueryException e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof InterruptedException) {
                // the client's retry helper wraps an interruption (and so clears the thread's flag)
                Thread.currentThread().interrupt();
                return new WarehouseException(where() + ": cannot " + what + ": interrupted", e);
            }
        }
        BigQueryError error = e.getError();
        String reason = error == null ? null : error.getReason();
        StringBuilder m = new StringBuilder(where()).append(": cannot ").append(what).append(": ");
        String gloss = gloss(reason, e.getCode());
        if (gloss != null) {
            m.append(gloss).append(' ');
        }
        m.append('(');
        if (reason != null) {
            m.append(reason).append(", ");
        }
        m.append(e.getCode() > 0 ? "HTTP " + e.getCode() : "no HTTP status").append("): ").append(e.getMessage());
        return new WarehouseException(m.toString(), e);
    }

    private WarehouseException interrupted(String what, InterruptedException e) {
        Thread.currentThread().interrupt();
        return new WarehouseException(where() + ": cannot " + what + ": interrupted", e);
    }

    /** A job's error in words: its summary, the first of its errors when that says more, and how many. */
    private static String describe(BigQueryError summary, List<BigQueryError> errors) {
        if (summary == null) {
            return "no error given";
        }
        StringBuilder m = new StringBuilder(explain(summary));
        if (errors != null && !errors.isEmpty()) {
            if (!errors.get(0).equals(summary)) {
                m.append("; first error: ").append(explain(errors.get(0)));
            }
            if (errors.size() > 1) {
                m.append(" (").append(errors.size()).append(" errors)");
            }
        }
        return m.toString();
    }

    private static String explain(BigQueryError e) {
        String gloss = gloss(e.getReason(), 0);
        return (gloss == null ? "" : gloss + " ") + "(" + e.getReason() + "): " + e.getMessage();
    }

    /** BigQuery's error reasons (and HTTP statuses) that call for a word to the operator. */
    private static String gloss(String reason, int code) {
        String word = reason == null ? null : switch (reason) {
            case "quotaExceeded" -> "quota exceeded";
            case "rateLimitExceeded" -> "rate limit exceeded";
            case "backendError", "internalError" -> "BigQuery backend error";
            case "notFound" -> "not found";
            case "accessDenied" -> "access denied";
            case "invalidQuery" -> "invalid query";
            case "invalid" -> "invalid data";
            default -> null;
        };
        return word != null ? word : switch (code) {
            case 429 -> "rate limit exceeded";
            case 500, 502, 504 -> "BigQuery backend error";
            case 503 -> "service unavailable";
            default -> null;
        };
    }

    private static String string(FieldValue v) {
        return v.isNull() ? null : v.getStringValue();
    }

    private static Instant instant(FieldValue v) {
        return v.isNull() ? null : v.getTimestampInstant();
    }

    /** Nothing to close: the client belongs to the GCP starter. */
    @Override
    public void close() {
    }
}
