package org.partrec.warehouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * A stand-in for the BigQuery REST API on loopback, for the real {@code google-cloud-bigquery}
 * client: it answers the calls that client makes for query jobs and load jobs, runs the SQL it
 * receives on the DuckDB database of a {@link DuckDbWarehouse}, and records every request.
 *
 * <p>What it answers, as BigQuery does (shapes taken from the REST reference and checked
 * against what the client sends and parses):
 * <ul>
 *   <li>{@code jobs.insert} of a query job: {@code `test-project.dataset.table`} becomes
 *       {@code `dataset`.`table`}, named parameters are bound positionally through
 *       {@link DuckDbSql}, and the statement runs at once. A SELECT's rows go to its destination
 *       table (WRITE_TRUNCATE only) or to an anonymous result table; DML reports
 *       {@code numDmlAffectedRows}; DDL just runs. A failing statement is a job that is DONE with
 *       an {@code errorResult} (reason {@code invalidQuery}, or {@code notFound} for a missing
 *       table); legacy SQL is refused. A job id used twice is a 409 "Already Exists";</li>
 *   <li>{@code jobs.get}, {@code jobs.getQueryResults} (a failed job answers its error, as
 *       BigQuery does) and {@code tabledata.list}, paged by {@code maxResults} and a page token;
 *       values as BigQuery's JSON sends them: strings in {@code {"f":[{"v":..}]}}, timestamps as
 *       floating-point seconds (or int64 microseconds when asked);</li>
 *   <li>the resumable upload of a load job (start, then PUTs with {@code Content-Range}, 308
 *       until the last): newline-delimited JSON into an existing table, WRITE_APPEND or
 *       WRITE_TRUNCATE, all rows or none; an unknown field or a value the table refuses (say a
 *       null in a NOT NULL column) makes the job fail with reason {@code invalid}. The tests'
 *       batches fit in the client's one 15 MB chunk, so the 308 path is written but not run;</li>
 *   <li>{@code tabledata.insertAll}, the streaming insert, into an existing table (404
 *       {@code notFound} otherwise): each row checked against the table (a field it lacks, unless
 *       {@code ignoreUnknownValues}; a missing or null value of a NOT NULL column; a value of the
 *       wrong type) and refused in {@code insertErrors} with reason {@code invalid}; with
 *       {@code skipInvalidRows} false one refused row keeps the whole request out, the others
 *       answered {@code stopped}. A row whose {@code insertId} was seen before is dropped, as
 *       BigQuery's best-effort de-duplication does within its window (at least a minute);
 *       {@link #forgetInsertIds} stands for that window passing, after which a repeat is stored
 *       again.</li>
 * </ul>
 * Anything else is answered 501 and recorded, so a test sees it. Faults are injected per call:
 * {@link #fail} answers the next matching requests with an HTTP error and BigQuery's JSON error
 * body instead of serving them; {@link #loseAnswer} serves one and then answers the error (the
 * client cannot tell whether the job ran).
 *
 * <p>What it does not do: BigQuery's SQL semantics beyond what DuckDB shares, query caching,
 * sessions, the {@code jobs.query} fast path, the Storage Read and Write APIs, the streaming
 * buffer's own behaviour (rows are in the table at once; BigQuery makes them visible to queries
 * within seconds, and to copies and DML later), template tables, authentication, job states other
 * than DONE and RUNNING (a job {@link #stall}ed runs until cancelled).
 */
final class BigQueryStandIn implements AutoCloseable {

    static final String PROJECT = "test-project";
    static final String LOCATION = "US";
    private static final String RESULTS = "_stand_in_results";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TABLE = Pattern.compile("`([^`.]+)\\.([^`.]+)\\.([^`.]+)`");
    private static final Pattern TIMESTAMP = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})[ T](\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?)\\s*(UTC|Z|[+-]\\d{2}:\\d{2})?");

    /**
     * One request as received.
     *
     * @param call the REST method it reached: {@code jobs.insert}, {@code jobs.get},
     *             {@code jobs.getQueryResults}, {@code tabledata.list}, {@code tabledata.insertAll},
     *             {@code upload.start}, {@code upload.put}, {@code jobs.cancel}, or {@code unknown}
     * @param body the body, un-gzipped
     */
    record Request(String call, String method, String uri, String body) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + body, e);
            }
        }
    }

    private record Fault(String call, String contains, boolean afterServing, int status, String reason,
                         String message, AtomicInteger left) {
    }

    /** A finished query job's result: where its rows are, how many, or none. */
    private record Result(String table, long totalRows, Long dmlRows) {
    }

    private static final class Upload {
        final JsonNode job;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Upload(JsonNode job) {
            this.job = job;
        }
    }

    /** An answer that is an HTTP error with BigQuery's error body. */
    private static final class HttpError extends Exception {
        final int status;
        final String reason;

        HttpError(int status, String reason, String message) {
            super(message);
            this.status = status;
            this.reason = reason;
        }
    }

    /** A job that ran and failed: DONE with this error. */
    private static final class JobError extends Exception {
        final String reason;

        JobError(String reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    private final DuckDbWarehouse warehouse;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<String> stalls = new CopyOnWriteArrayList<>();
    private final Map<String, ObjectNode> jobs = new ConcurrentHashMap<>();
    private final Map<String, Result> results = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final List<String> executed = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    /** Where {@code EXPORT DATA} writes {@code gs://bucket/path}: {@code <folder>/bucket/path}; null: refused. */
    private volatile java.nio.file.Path gcs;
    /** The {@code insertId}s of streamed rows, per table, within the de-duplication window. */
    private final Map<String, Set<String>> insertIds = new LinkedHashMap<>();

    /** Serves BigQuery's API over {@code warehouse}'s database: dataset {@code d} is its schema {@code d}. */
    BigQueryStandIn(DuckDbWarehouse warehouse) {
        this.warehouse = warehouse;
        try (Connection c = warehouse.connection(); var s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + RESULTS);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot start the BigQuery stand-in: " + e.getMessage(), e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * A real BigQuery client pointed at this stand-in: project {@link #PROJECT}, no credentials
     * (so no metadata server is asked), and retries a few milliseconds apart.
     */
    BigQuery client() {
        return BigQueryOptions.newBuilder()
                .setProjectId(PROJECT)
                .setHost("http://127.0.0.1:" + server.getAddress().getPort())
                .setCredentials(NoCredentials.getInstance())
                .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(4)
                        .setInitialRetryDelayDuration(Duration.ofMillis(5)).setRetryDelayMultiplier(2)
                        .setMaxRetryDelayDuration(Duration.ofMillis(40)).setTotalTimeoutDuration(Duration.ofSeconds(30))
                        .setInitialRpcTimeoutDuration(Duration.ofSeconds(20)).setRpcTimeoutMultiplier(1)
                        .setMaxRpcTimeoutDuration(Duration.ofSeconds(20)).build())
                .build().getService();
    }

    /** Creates an empty dataset (a schema of the database). */
    void createDataset(String dataset) {
        try (Connection c = warehouse.connection(); var s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + DuckDbSql.quote(dataset));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers the next {@code times} requests to {@code call} with an HTTP error instead of serving them. */
    void fail(String call, int times, int status, String reason, String message) {
        fail(call, "", times, status, reason, message);
    }

    /** As {@link #fail(String, int, int, String, String)}, for requests whose URI or body contains {@code contains}. */
    void fail(String call, String contains, int times, int status, String reason, String message) {
        faults.add(new Fault(call, contains, false, status, reason, message, new AtomicInteger(times)));
    }

    /**
     * Serves the next request to {@code call} whose URI or body contains {@code contains}, then
     * answers it with an HTTP error instead of the result: an answer lost on the way back.
     */
    void loseAnswer(String call, String contains, int status, String reason, String message) {
        faults.add(new Fault(call, contains, true, status, reason, message, new AtomicInteger(1)));
    }

    /**
     * Query jobs whose SQL contains {@code text} never finish: they stay RUNNING (a warehouse
     * that is slow, or stuck behind other work) until cancelled.
     */
    void stall(String text) {
        stalls.add(text);
    }

    /**
     * Lets query jobs run {@code EXPORT DATA OPTIONS (uri = 'gs://bucket/path/*.parquet',
     * format = 'PARQUET', overwrite = true) AS query}: the query's rows go to one Parquet file,
     * {@code <folder>/bucket/path/000000000000.parquet} (a folder standing in for Cloud Storage),
     * and the job's statistics count them ({@code exportDataStatistics}). Other formats, and a
     * URI without one {@code *}, are refused, as BigQuery refuses them.
     */
    void exportTo(java.nio.file.Path folder) {
        gcs = folder;
    }

    /** The ids of the jobs that ran, in order (a job asked for twice runs once). */
    List<String> executedJobs() {
        return List.copyOf(executed);
    }

    /** Every request so far, in order. */
    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests to {@code call}, in order. */
    List<Request> requests(String call) {
        return requests.stream().filter(r -> r.call().equals(call)).toList();
    }

    /** The query jobs inserted whose SQL contains {@code text}. */
    List<JsonNode> queryJobs(String text) {
        return requests("jobs.insert").stream().map(Request::json)
                .filter(j -> j.at("/configuration/query/query").asText("").contains(text)).toList();
    }

    void forgetRequests() {
        requests.clear();
    }

    /**
     * The de-duplication window of streaming inserts passes: the {@code insertId}s seen so far
     * are forgotten, and a row sent again with one of them is stored again.
     */
    void forgetInsertIds() {
        synchronized (insertIds) {
            insertIds.clear();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    // ---- HTTP ----

    private void handle(HttpExchange x) {
        try (x) {
            byte[] raw = x.getRequestBody().readAllBytes();
            if ("gzip".equalsIgnoreCase(x.getRequestHeaders().getFirst("Content-Encoding"))) {
                raw = new GZIPInputStream(new ByteArrayInputStream(raw)).readAllBytes();
            }
            String path = x.getRequestURI().getPath();
            Map<String, String> query = query(x.getRequestURI().getRawQuery());
            String call = call(x.getRequestMethod(), path, query);
            String body = new String(raw, StandardCharsets.UTF_8);
            requests.add(new Request(call, x.getRequestMethod(), x.getRequestURI().toString(), body));
            try {
                String uriAndBody = x.getRequestURI() + "\n" + body;
                injected(call, uriAndBody, false);
                String[] p = path.split("/");
                JsonNode answer = switch (call) {
                    case "jobs.insert" -> insert(JSON.readTree(raw));
                    case "jobs.get" -> job(p[6]);
                    case "jobs.cancel" -> JSON.createObjectNode().put("kind", "bigquery#jobCancelResponse")
                            .set("job", cancel(p[6]));
                    case "jobs.getQueryResults" -> queryResults(p[6], query);
                    case "tabledata.list" -> tableData(p[6], p[8], query);
                    case "tabledata.insertAll" -> insertAll(p[6], p[8], JSON.readTree(raw));
                    case "upload.start" -> startUpload(x, JSON.readTree(raw));
                    case "upload.put" -> putUpload(x, query.get("upload_id"), raw);
                    default -> throw new HttpError(501, "notImplemented", "the BigQuery stand-in does not answer "
                            + x.getRequestMethod() + " " + path);
                };
                if (answer != null) {
                    injected(call, uriAndBody, true);
                    send(x, 200, answer);
                }
            } catch (HttpError e) {
                sendError(x, e.status, e.reason, e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("BigQuery stand-in: " + e);
        }
    }

    private static String call(String method, String path, Map<String, String> query) {
        String[] p = path.split("/");
        if (path.startsWith("/upload/bigquery/v2/projects/") && p.length == 7 && p[6].equals("jobs")) {
            return method.equals("POST") ? "upload.start" : method.equals("PUT") && query.containsKey("upload_id")
                    ? "upload.put" : "unknown";
        }
        if (!path.startsWith("/bigquery/v2/projects/")) {
            return "unknown";
        }
        // /bigquery/v2/projects/{p}/jobs[/{id}[/cancel]] | queries/{id} | datasets/{d}/tables/{t}/data|insertAll
        if (p.length == 6 && p[5].equals("jobs") && method.equals("POST")) {
            return "jobs.insert";
        }
        if (p.length == 7 && p[5].equals("jobs") && method.equals("GET")) {
            return "jobs.get";
        }
        if (p.length == 8 && p[5].equals("jobs") && p[7].equals("cancel") && method.equals("POST")) {
            return "jobs.cancel";
        }
        if (p.length == 7 && p[5].equals("queries") && method.equals("GET")) {
            return "jobs.getQueryResults";
        }
        if (p.length == 10 && p[5].equals("datasets") && p[7].equals("tables") && p[9].equals("data")
                && method.equals("GET")) {
            return "tabledata.list";
        }
        if (p.length == 10 && p[5].equals("datasets") && p[7].equals("tables") && p[9].equals("insertAll")
                && method.equals("POST")) {
            return "tabledata.insertAll";
        }
        return "unknown";
    }

    private void injected(String call, String uriAndBody, boolean served) throws HttpError {
        for (Fault f : faults) {
            if (f.afterServing() == served && f.call().equals(call) && uriAndBody.contains(f.contains())
                    && f.left().getAndDecrement() > 0) {
                throw new HttpError(f.status(), f.reason(), f.message());
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
                out.put(k, eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void send(HttpExchange x, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** BigQuery's error body: {@code {"error": {"code", "message", "errors": [{reason, message}], "status"}}}. */
    private static void sendError(HttpExchange x, int status, String reason, String message) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        ObjectNode e = error.putObject("error").put("code", status).put("message", message);
        e.putArray("errors").addObject().put("message", message).put("domain", "global").put("reason", reason);
        e.put("status", switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ALREADY_EXISTS";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            default -> "INTERNAL";
        });
        send(x, status, error);
    }

    // ---- jobs ----

    /** A running job is stopped, as BigQuery does it: DONE with the error reason {@code stopped}. */
    private ObjectNode cancel(String id) throws HttpError {
        ObjectNode job = job(id);
        if (job.at("/status/state").asText().equals("RUNNING")) {
            failed(job, new JobError("stopped", "Job execution was cancelled: User requested cancellation"));
        }
        return job;
    }

    private ObjectNode job(String id) throws HttpError {
        ObjectNode job = jobs.get(id);
        if (job == null) {
            throw new HttpError(404, "notFound", "Not found: Job " + PROJECT + ":" + LOCATION + "." + id);
        }
        return job;
    }

    /** A new job resource for {@code request}, DONE, with its id, configuration and times. */
    private ObjectNode newJob(JsonNode request) throws HttpError {
        String id = request.at("/jobReference/jobId").asText("");
        if (id.isEmpty()) {
            id = "stand_in_job_" + ids.incrementAndGet();
        }
        if (jobs.containsKey(id)) {
            throw new HttpError(409, "duplicate", "Already Exists: Job " + PROJECT + ":" + LOCATION + "." + id);
        }
        String location = request.at("/jobReference/location").asText(LOCATION);
        ObjectNode job = JSON.createObjectNode().put("kind", "bigquery#job")
                .put("id", PROJECT + ":" + location + "." + id).put("user_email", "stand-in@" + PROJECT + ".test");
        job.putObject("jobReference").put("projectId", PROJECT).put("jobId", id).put("location", location);
        job.set("configuration", request.path("configuration").deepCopy());
        long now = System.currentTimeMillis();
        job.putObject("statistics").put("creationTime", String.valueOf(now)).put("startTime", String.valueOf(now))
                .put("endTime", String.valueOf(now));
        job.putObject("status").put("state", "DONE");
        return job;
    }

    private static void failed(ObjectNode job, JobError e) {
        ObjectNode status = job.putObject("status").put("state", "DONE");
        status.putObject("errorResult").put("reason", e.reason).put("message", e.getMessage());
        status.putArray("errors").addObject().put("reason", e.reason).put("message", e.getMessage());
    }

    private ObjectNode insert(JsonNode request) throws HttpError {
        ObjectNode job = newJob(request);
        String id = job.at("/jobReference/jobId").asText();
        JsonNode query = request.at("/configuration/query");
        if (query.isMissingNode()) {
            throw new HttpError(400, "invalid", "the BigQuery stand-in runs query jobs through jobs.insert,"
                    + " load jobs through the resumable upload, nothing else");
        }
        String sql = query.path("query").asText("");
        if (stalls.stream().anyMatch(sql::contains)) {
            job.putObject("status").put("state", "RUNNING");
            ((ObjectNode) job.get("statistics")).remove("endTime");
            jobs.put(id, job);
            return job;
        }
        executed.add(id);
        try {
            results.put(id, runQuery(id, query, (ObjectNode) job.at("/configuration/query"),
                    (ObjectNode) job.get("statistics")));
        } catch (JobError e) {
            failed(job, e);
        }
        jobs.put(id, job);
        return job;
    }

    private Result runQuery(String id, JsonNode query, ObjectNode config, ObjectNode statistics) throws JobError {
        if (query.path("useLegacySql").asBoolean(true)) {
            throw new JobError("invalidQuery", "the stand-in runs Standard SQL only; the job asked for legacy SQL");
        }
        SqlParams params = params(query.path("queryParameters"));
        if (!params.all().isEmpty() && !"NAMED".equals(query.path("parameterMode").asText("NAMED"))) {
            throw new JobError("invalidQuery", "positional parameters are not used here");
        }
        DuckDbSql.Rewritten sql = DuckDbSql.positional(local(query.path("query").asText()), "query");
        String kind = firstWord(sql.sql());
        ObjectNode stats = statistics.putObject("query").put("totalBytesProcessed", "0").put("cacheHit", false);
        try (Connection c = warehouse.connection()) {
            switch (kind) {
                case "SELECT", "WITH" -> {
                    String table;
                    if (query.has("destinationTable")) {
                        JsonNode d = query.get("destinationTable");
                        table = local(d);
                        String write = query.path("writeDisposition").asText("WRITE_EMPTY");
                        if (!write.equals("WRITE_TRUNCATE")) {
                            throw new JobError("invalid", "the stand-in writes query results with WRITE_TRUNCATE only,"
                                    + " not " + write);
                        }
                    } else {
                        String anon = "anon_" + id.replaceAll("[^A-Za-z0-9_]", "_");
                        table = RESULTS + "." + DuckDbSql.quote(anon);
                        config.putObject("destinationTable").put("projectId", PROJECT).put("datasetId", RESULTS)
                                .put("tableId", anon);
                    }
                    execute(c, new DuckDbSql.Rewritten("CREATE OR REPLACE TABLE " + table + " AS " + sql.sql(),
                            sql.parameters(), "query"), params);
                    stats.put("statementType", "SELECT");
                    return new Result(table, count(c, table), null);
                }
                case "MERGE", "DELETE", "INSERT", "UPDATE" -> {
                    long n = execute(c, sql, params);
                    stats.put("statementType", kind).put("numDmlAffectedRows", String.valueOf(n));
                    return new Result(null, 0, n);
                }
                case "CREATE" -> {
                    execute(c, sql, params);
                    stats.put("statementType", "CREATE_TABLE");
                    return new Result(null, 0, null);
                }
                case "EXPORT" -> {
                    long n = export(c, sql, params);
                    stats.put("statementType", "EXPORT_DATA");
                    stats.putObject("exportDataStatistics").put("fileCount", "1").put("rowCount", String.valueOf(n));
                    return new Result(null, 0, null);
                }
                default -> throw new JobError("invalidQuery", "the stand-in does not run '" + kind + "' statements");
            }
        } catch (SQLException e) {
            throw new JobError(e.getMessage().contains("does not exist") ? "notFound" : "invalidQuery",
                    e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new JobError("invalidQuery", e.getMessage());
        }
    }

    private static final java.util.regex.Pattern EXPORT = java.util.regex.Pattern.compile(
            "(?s).*?EXPORT\\s+DATA\\s+OPTIONS\\s*\\(\\s*uri\\s*=\\s*'gs://([^'*]+)/\\*\\.parquet'\\s*,"
            + "\\s*format\\s*=\\s*'PARQUET'\\s*,\\s*overwrite\\s*=\\s*true\\s*\\)\\s*AS\\s+(.*)");

    /** {@code EXPORT DATA} into the folder of {@link #exportTo}; the rows written. */
    private long export(Connection c, DuckDbSql.Rewritten sql, SqlParams params) throws SQLException, JobError {
        Matcher m = EXPORT.matcher(sql.sql());
        if (gcs == null || !m.matches()) {
            throw new JobError("invalidQuery", "the stand-in exports only with EXPORT DATA OPTIONS (uri ="
                    + " 'gs://.../*.parquet', format = 'PARQUET', overwrite = true) AS ..., once exportTo is set");
        }
        java.nio.file.Path folder = gcs.resolve(m.group(1));
        try {
            java.nio.file.Files.createDirectories(folder);
        } catch (IOException e) {
            throw new JobError("backendError", e.getMessage());
        }
        execute(c, new DuckDbSql.Rewritten("CREATE OR REPLACE TEMP TABLE exported AS " + m.group(2),
                sql.parameters(), "query"), params);
        try (var s = c.createStatement()) {
            s.execute("COPY exported TO '" + folder.resolve("000000000000.parquet") + "' (FORMAT PARQUET)");
        }
        return count(c, "exported");
    }

    private static long execute(Connection c, DuckDbSql.Rewritten sql, SqlParams params) throws SQLException {
        try (PreparedStatement ps = sql.prepare(c, params)) {
            ps.execute();
            return Math.max(0, ps.getUpdateCount());
        }
    }

    private static long count(Connection c, String table) throws SQLException {
        try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The received parameters as {@link SqlParams}, typed as they came. */
    private static SqlParams params(JsonNode list) throws JobError {
        SqlParams out = new SqlParams();
        for (JsonNode p : list) {
            String name = p.path("name").asText();
            String type = p.at("/parameterType/type").asText();
            JsonNode v = p.at("/parameterValue/value");
            String value = v.isMissingNode() || v.isNull() ? null : v.asText();
            switch (type) {
                case "STRING" -> out.string(name, value);
                case "TIMESTAMP" -> out.timestamp(name, value == null ? null : timestamp(value));
                case "INT64" -> out.int64(name, Long.parseLong(nonNull(name, value)));
                case "FLOAT64" -> out.float64(name, Double.parseDouble(nonNull(name, value)));
                case "BOOL" -> out.bool(name, Boolean.parseBoolean(nonNull(name, value)));
                default -> throw new JobError("invalidQuery", "the stand-in binds no " + type + " parameter (@" + name + ")");
            }
        }
        return out;
    }

    private static String nonNull(String name, String value) throws JobError {
        if (value == null) {
            throw new JobError("invalidQuery", "the stand-in binds no null number (@" + name + ")");
        }
        return value;
    }

    /** {@code `test-project.d.t`} as the database's {@code `d`.`t`}. */
    private static String local(String sql) throws JobError {
        Matcher m = TABLE.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            if (!m.group(1).equals(PROJECT)) {
                throw new JobError("notFound", "Not found: Project " + m.group(1));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(DuckDbSql.quote(m.group(2)) + "." + DuckDbSql.quote(m.group(3))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String local(JsonNode tableReference) throws JobError {
        if (!PROJECT.equals(tableReference.path("projectId").asText(PROJECT))) {
            throw new JobError("notFound", "Not found: Project " + tableReference.path("projectId").asText());
        }
        return DuckDbSql.quote(tableReference.path("datasetId").asText()) + "."
                + DuckDbSql.quote(tableReference.path("tableId").asText());
    }

    /** The statement's first word of code, upper case (comments skipped). */
    private static String firstWord(String sql) {
        SqlFile.Scanner s = new SqlFile.Scanner(sql);
        StringBuilder w = new StringBuilder();
        while (s.next()) {
            char ch = sql.charAt(s.at());
            if (s.code() && Character.isLetter(ch)) {
                w.append(ch);
            } else if (w.length() > 0) {
                break;
            }
        }
        return w.toString().toUpperCase(Locale.ROOT);
    }

    // ---- results ----

    private ObjectNode queryResults(String id, Map<String, String> query) throws HttpError {
        ObjectNode job = job(id);
        JsonNode error = job.at("/status/errorResult");
        if (!error.isMissingNode()) {
            String reason = error.path("reason").asText();
            throw new HttpError(reason.equals("notFound") ? 404 : 400, reason, error.path("message").asText());
        }
        if (job.at("/status/state").asText().equals("RUNNING")) {
            ObjectNode out = JSON.createObjectNode().put("kind", "bigquery#getQueryResultsResponse")
                    .put("jobComplete", false);
            out.set("jobReference", job.get("jobReference"));
            return out;
        }
        Result result = results.get(id);
        ObjectNode out = JSON.createObjectNode().put("kind", "bigquery#getQueryResultsResponse")
                .put("jobComplete", true).put("cacheHit", false);
        out.set("jobReference", job.get("jobReference"));
        out.put("totalRows", String.valueOf(result.totalRows()));
        if (result.dmlRows() != null) {
            out.put("numDmlAffectedRows", String.valueOf(result.dmlRows()));
        }
        if (result.table() != null) {
            page(result.table(), query, out);
        }
        return out;
    }

    private ObjectNode tableData(String dataset, String table, Map<String, String> query) throws HttpError {
        ObjectNode out = JSON.createObjectNode().put("kind", "bigquery#tableDataList");
        page(DuckDbSql.quote(dataset) + "." + DuckDbSql.quote(table), query, out);
        out.remove("schema");
        return out;
    }

    /** Schema, total rows, one page of rows and the next page's token (an offset), into {@code out}. */
    private void page(String table, Map<String, String> query, ObjectNode out) throws HttpError {
        // without maxResults BigQuery sends what fits in about 10 MB; the stand-in sends up to 100,000 rows
        long max = Long.parseLong(query.getOrDefault("maxResults", "100000"));
        long start = Long.parseLong(query.getOrDefault("pageToken", query.getOrDefault("startIndex", "0")));
        boolean int64 = Boolean.parseBoolean(query.get("formatOptions.useInt64Timestamp"));
        try (Connection c = warehouse.connection()) {
            long total = count(c, table);
            out.put("totalRows", String.valueOf(total));
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " ORDER BY rowid LIMIT ? OFFSET ?")) {
                ps.setLong(1, max);
                ps.setLong(2, start);
                try (ResultSet r = ps.executeQuery()) {
                    ResultSetMetaData m = r.getMetaData();
                    ArrayNode fields = out.putObject("schema").putArray("fields");
                    for (int i = 1; i <= m.getColumnCount(); i++) {
                        fields.addObject().put("name", m.getColumnName(i)).put("type", type(m.getColumnType(i)))
                                .put("mode", "NULLABLE");
                    }
                    if (max > 0) {
                        ArrayNode rows = out.putArray("rows");
                        while (r.next()) {
                            ArrayNode f = rows.addObject().putArray("f");
                            for (int i = 1; i <= m.getColumnCount(); i++) {
                                f.addObject().put("v", value(r, i, m.getColumnType(i), int64));
                            }
                        }
                    }
                }
            }
            if (max > 0 && start + max < total) {
                out.put("pageToken", String.valueOf(start + max));
            }
        } catch (SQLException e) {
            throw new HttpError(404, "notFound", "Not found: Table " + table + ": " + e.getMessage());
        }
    }

    private static String type(int sqlType) {
        return switch (sqlType) {
            case Types.VARCHAR -> "STRING";
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> "INTEGER";
            case Types.DOUBLE, Types.FLOAT, Types.REAL, Types.DECIMAL, Types.NUMERIC -> "FLOAT";
            case Types.BOOLEAN -> "BOOLEAN";
            case Types.TIMESTAMP -> "TIMESTAMP";
            default -> throw new IllegalStateException("the stand-in maps no SQL type " + sqlType + " to BigQuery");
        };
    }

    /** A value as BigQuery's JSON carries it: always a string, or null. */
    private static String value(ResultSet r, int i, int sqlType, boolean int64Timestamps) throws SQLException {
        if (sqlType == Types.TIMESTAMP) {
            LocalDateTime t = r.getObject(i, LocalDateTime.class);
            if (t == null) {
                return null;
            }
            long micros = BigQuerySql.micros(DuckDbSql.instant(t));
            return int64Timestamps ? String.valueOf(micros) : seconds(micros);
        }
        if (sqlType == Types.DOUBLE || sqlType == Types.FLOAT || sqlType == Types.REAL) {
            double d = r.getDouble(i);
            return r.wasNull() ? null : Double.toString(d);
        }
        return r.getString(i);
    }

    /** Microseconds as BigQuery's JSON sends a timestamp by default: seconds in E notation, {@code 1.7642016001E9}. */
    static String seconds(long micros) {
        BigDecimal s = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        String digits = s.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - s.scale();
        String mantissa = digits.charAt(0) + "." + (digits.length() > 1 ? digits.substring(1) : "0");
        return (micros < 0 ? "-" : "") + mantissa + "E" + exponent;
    }

    /** A timestamp as BigQuery accepts it in a parameter or a JSON load: {@code 2026-01-01 00:00:00.000000+00:00}, UTC, Z. */
    static Instant timestamp(String text) {
        Matcher m = TIMESTAMP.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid timestamp: '" + text + "'");
        }
        String zone = m.group(3) == null || m.group(3).equals("UTC") ? "Z" : m.group(3);
        return OffsetDateTime.parse(m.group(1) + "T" + m.group(2) + zone, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                .toInstant();
    }

    // ---- streaming inserts ----

    /** A column of a table: its name, JDBC type and whether it takes nulls. */
    private record Column(String name, int sqlType, boolean nullable) {
    }

    /** The table's columns in order, or a 404 as BigQuery answers for a table that does not exist. */
    private List<Column> columns(Connection c, String dataset, String table) throws HttpError, SQLException {
        Map<String, Boolean> nullable = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, is_nullable FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, dataset);
            ps.setString(2, table);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    nullable.put(r.getString(1), "YES".equals(r.getString(2)));
                }
            }
        }
        if (nullable.isEmpty()) {
            throw new HttpError(404, "notFound", "Not found: Table " + PROJECT + ":" + dataset + "." + table);
        }
        List<Column> out = new ArrayList<>();
        try (var s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT * FROM " + DuckDbSql.quote(dataset) + "." + DuckDbSql.quote(table)
                     + " LIMIT 0")) {
            ResultSetMetaData m = r.getMetaData();
            for (int i = 1; i <= m.getColumnCount(); i++) {
                out.add(new Column(m.getColumnName(i), m.getColumnType(i), nullable.get(m.getColumnName(i))));
            }
        }
        return out;
    }

    /**
     * {@code tabledata.insertAll}: the request's rows into the table, each checked first; with
     * {@code skipInvalidRows} false, all of them or none. Rows whose {@code insertId} was seen
     * (in this request or an earlier one, until {@link #forgetInsertIds}) are dropped without a
     * word, as BigQuery does.
     */
    private ObjectNode insertAll(String dataset, String table, JsonNode request) throws HttpError {
        if (request.hasNonNull("templateSuffix")) {
            throw new HttpError(400, "invalid", "the stand-in streams into existing tables only, not template tables");
        }
        boolean skipInvalid = request.path("skipInvalidRows").asBoolean(false);
        boolean ignoreUnknown = request.path("ignoreUnknownValues").asBoolean(false);
        JsonNode rows = request.path("rows");
        ObjectNode out = JSON.createObjectNode().put("kind", "bigquery#tableDataInsertAllResponse");
        synchronized (insertIds) {
            try (DuckDBConnection c = (DuckDBConnection) warehouse.connection()) {
                List<Column> columns = columns(c, dataset, table);
                Map<Integer, String[]> refused = new LinkedHashMap<>();   // row index: reason, location, message
                for (int i = 0; i < rows.size(); i++) {
                    String[] error = check(rows.get(i).path("json"), columns, ignoreUnknown);
                    if (error != null) {
                        refused.put(i, error);
                    }
                }
                if (!refused.isEmpty()) {
                    ArrayNode errors = out.putArray("insertErrors");
                    for (int i = 0; i < rows.size(); i++) {
                        String[] e = refused.get(i);
                        if (e == null && skipInvalid) {
                            continue;
                        }
                        ObjectNode error = errors.addObject().put("index", i).putArray("errors").addObject();
                        if (e == null) {
                            error.put("reason", "stopped").put("location", "").put("message", "");
                        } else {
                            error.put("reason", e[0]).put("location", e[1]).put("message", e[2]);
                        }
                    }
                    if (!skipInvalid) {
                        return out;
                    }
                }
                Set<String> seen = insertIds.computeIfAbsent(dataset + "." + table, k -> new HashSet<>());
                List<String> added = new ArrayList<>();
                c.setAutoCommit(false);
                try {
                    try (DuckDBAppender a = c.createAppender(dataset, table)) {
                        for (int i = 0; i < rows.size(); i++) {
                            String insertId = rows.get(i).path("insertId").asText(null);
                            if (refused.containsKey(i)
                                    || insertId != null && (seen.contains(insertId) || added.contains(insertId))) {
                                continue;
                            }
                            JsonNode json = rows.get(i).path("json");
                            a.beginRow();
                            for (Column col : columns) {
                                append(a, col.sqlType(), json.get(col.name()));
                            }
                            a.endRow();
                            if (insertId != null) {
                                added.add(insertId);
                            }
                        }
                        a.flush();   // close() of DuckDB JDBC 2.0.0.1 drops rows it cannot flush without a word
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw new HttpError(500, "backendError", "the stand-in could not store the rows: " + e.getMessage());
                }
                seen.addAll(added);
                return out;
            } catch (SQLException e) {
                throw new HttpError(500, "backendError", e.getMessage());
            }
        }
    }

    /** Why BigQuery would refuse a streamed row: {reason, location, message}, or null for a good row. */
    private static String[] check(JsonNode row, List<Column> columns, boolean ignoreUnknown) {
        if (!row.isObject()) {
            return new String[] {"invalid", "", "The row is not a JSON object."};
        }
        for (var names = row.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!ignoreUnknown && columns.stream().noneMatch(col -> col.name().equals(name))) {
                return new String[] {"invalid", name, "no such field: " + name + "."};
            }
        }
        for (Column col : columns) {
            JsonNode v = row.get(col.name());
            if (v == null || v.isNull()) {
                if (!col.nullable()) {
                    return new String[] {"invalid", col.name(), "Missing required field: " + col.name() + "."};
                }
                continue;
            }
            try {
                switch (col.sqlType()) {
                    case Types.BIGINT, Types.INTEGER -> Long.parseLong(v.asText());
                    case Types.DOUBLE, Types.FLOAT -> Double.parseDouble(v.asText());
                    case Types.TIMESTAMP -> timestamp(v.asText());
                    case Types.BOOLEAN -> {
                        if (!v.isBoolean() && !v.asText().matches("(?i)true|false")) {
                            throw new IllegalArgumentException(v.asText());
                        }
                    }
                    default -> {
                        if (!v.isValueNode()) {
                            throw new IllegalArgumentException("not a scalar");
                        }
                    }
                }
            } catch (RuntimeException e) {
                return new String[] {"invalid", col.name(), "Cannot convert value to " + type(col.sqlType()) + ": "
                        + e.getMessage() + "; field: " + col.name() + "; value: " + v.asText()};
            }
        }
        return null;
    }

    // ---- load jobs (resumable upload) ----

    /** Starts a resumable upload; answers itself (a {@code Location} header, no body), so returns null. */
    private JsonNode startUpload(HttpExchange x, JsonNode request) throws IOException, HttpError {
        if (request.at("/configuration/load").isMissingNode()) {
            throw new HttpError(400, "invalid", "an upload must carry a load job");
        }
        String id = "upload_" + ids.incrementAndGet();
        uploads.put(id, new Upload(request));
        x.getResponseHeaders().set("Location", "http://127.0.0.1:" + server.getAddress().getPort()
                + "/upload/bigquery/v2/projects/" + PROJECT + "/jobs?uploadType=resumable&upload_id=" + id);
        x.sendResponseHeaders(200, -1);
        return null;
    }

    /**
     * One chunk: {@code Content-Range: bytes a-b/total} (or {@code /*} while the total is unknown).
     * Returns the load job once the last byte is in; answers 308 itself (and returns null) before.
     */
    private JsonNode putUpload(HttpExchange x, String id, byte[] chunk) throws IOException, HttpError {
        Upload u = uploads.get(id);
        if (u == null) {
            throw new HttpError(404, "notFound", "no upload " + id);
        }
        Matcher m = Pattern.compile("bytes (?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)")
                .matcher(String.valueOf(x.getRequestHeaders().getFirst("Content-Range")));
        if (!m.matches()) {
            throw new HttpError(400, "invalid", "bad Content-Range " + x.getRequestHeaders().getFirst("Content-Range"));
        }
        synchronized (u) {
            if (m.group(1) != null) {
                long from = Long.parseLong(m.group(1));
                if (from > u.bytes.size()) {
                    throw new HttpError(400, "invalid", "a gap in the upload at " + u.bytes.size());
                }
                byte[] kept = u.bytes.toByteArray();
                u.bytes.reset();
                u.bytes.write(kept, 0, (int) from);   // a resent chunk replaces what came before
                u.bytes.write(chunk);
            }
            if (m.group(3).equals("*") || Long.parseLong(m.group(3)) > u.bytes.size()) {
                if (u.bytes.size() > 0) {
                    x.getResponseHeaders().set("Range", "bytes=0-" + (u.bytes.size() - 1));
                }
                x.sendResponseHeaders(308, -1);
                return null;
            }
            uploads.remove(id);
            return load(u);
        }
    }

    private ObjectNode load(Upload u) throws HttpError {
        ObjectNode job = newJob(u.job);
        String id = job.at("/jobReference/jobId").asText();
        executed.add(id);
        try {
            long rows = runLoad(u.job.at("/configuration/load"), u.bytes.toByteArray());
            ((ObjectNode) job.get("statistics")).putObject("load").put("inputFiles", "1")
                    .put("inputFileBytes", String.valueOf(u.bytes.size())).put("outputRows", String.valueOf(rows));
        } catch (JobError e) {
            failed(job, e);
        }
        jobs.put(id, job);
        return job;
    }

    /** Appends (or replaces with) the NDJSON rows, all or none; returns the rows loaded. */
    private long runLoad(JsonNode load, byte[] ndjson) throws JobError {
        if (!"NEWLINE_DELIMITED_JSON".equals(load.path("sourceFormat").asText())) {
            throw new JobError("invalid", "the stand-in loads NEWLINE_DELIMITED_JSON only");
        }
        JsonNode destination = load.path("destinationTable");
        String table = local(destination);
        String write = load.path("writeDisposition").asText("WRITE_APPEND");
        if (!write.equals("WRITE_APPEND") && !write.equals("WRITE_TRUNCATE")) {
            throw new JobError("invalid", "the stand-in loads with WRITE_APPEND or WRITE_TRUNCATE only");
        }
        try (DuckDBConnection c = (DuckDBConnection) warehouse.connection()) {
            List<String> columns = new ArrayList<>();
            List<Integer> types = new ArrayList<>();
            try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM " + table + " LIMIT 0")) {
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                    columns.add(r.getMetaData().getColumnName(i));
                    types.add(r.getMetaData().getColumnType(i));
                }
            } catch (SQLException e) {
                throw new JobError("notFound", "Not found: Table " + table + " (CREATE_NEVER)");
            }
            c.setAutoCommit(false);
            long n = 0;
            try {
                if (write.equals("WRITE_TRUNCATE")) {
                    try (var s = c.createStatement()) {
                        s.execute("DELETE FROM " + table);
                    }
                }
                try (DuckDBAppender a = c.createAppender(destination.path("datasetId").asText(),
                        destination.path("tableId").asText())) {
                    for (String line : new String(ndjson, StandardCharsets.UTF_8).split("\n")) {
                        if (line.isBlank()) {
                            continue;
                        }
                        n++;
                        JsonNode row;
                        try {
                            row = JSON.readTree(line);
                        } catch (IOException e) {
                            throw new JobError("invalid", "JSON parsing error in row " + n + ": " + e.getMessage());
                        }
                        for (var names = row.fieldNames(); names.hasNext(); ) {
                            String name = names.next();
                            if (!columns.contains(name)) {
                                throw new JobError("invalid", "No such field: " + name + " (row " + n + ")");
                            }
                        }
                        a.beginRow();
                        for (int i = 0; i < columns.size(); i++) {
                            append(a, types.get(i), row.get(columns.get(i)));
                        }
                        a.endRow();
                    }
                    a.flush();   // close() of DuckDB JDBC 2.0.0.1 drops rows it cannot flush without a word
                }
                c.commit();
                return n;
            } catch (SQLException | RuntimeException | JobError e) {
                c.rollback();
                if (e instanceof JobError j) {
                    throw j;
                }
                throw new JobError("invalid", e.getMessage());
            }
        } catch (SQLException e) {
            throw new JobError("backendError", e.getMessage());
        }
    }

    /** One JSON value into the appender, as the column's type takes it (BigQuery takes numbers as text too). */
    private static void append(DuckDBAppender a, int sqlType, JsonNode v) throws SQLException {
        if (v == null || v.isNull()) {
            a.appendNull();
            return;
        }
        switch (sqlType) {
            case Types.BIGINT, Types.INTEGER -> a.append(v.isNumber() ? v.asLong() : Long.parseLong(v.asText()));
            case Types.DOUBLE, Types.FLOAT -> a.append(v.isNumber() ? v.asDouble() : Double.parseDouble(v.asText()));
            case Types.BOOLEAN -> a.append(v.asBoolean());
            case Types.TIMESTAMP -> a.append(DuckDbSql.utc(timestamp(v.asText())));
            default -> a.append(v.asText());
        }
    }
}
