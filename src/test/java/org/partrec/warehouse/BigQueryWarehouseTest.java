package org.partrec.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.partrec.index.IndexSpec;
import org.partrec.demo.DemoEvents;
import org.partrec.export.BatchExport;
import org.partrec.export.ExportBatch;
import org.partrec.export.RecommendationSink;
import org.partrec.extract.TrainingRow;
import org.partrec.extract.TransformRules;
import org.partrec.extract.Window;
import org.partrec.publish.GateThresholds;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.serve.DemoSnapshots;
import org.partrec.serve.RankAhead;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.train.AlsParams;

/**
 * {@link BigQueryWarehouse} through the real BigQuery client against {@link BigQueryStandIn}, a
 * local server that answers as BigQuery's REST API does and runs the SQL it receives on DuckDB:
 * the SQL and parameters sent, the rows back compared with {@link DuckDbWarehouse} on the same
 * data, the load jobs of an export, and how 5xx, quota and rate-limit answers and failed jobs end.
 */
class BigQueryWarehouseTest {

    static final String DATASET = "partrec";
    static final long DAY = 86_400;
    static final Window YEAR = new Window(DemoWarehouses.END.minusSeconds(365 * DAY), DemoWarehouses.END);
    static final TransformRules RULES = new TransformRules(1, 3, 5, 10, 30, 2, 2);
    static final BigQueryWarehouse.Settings SETTINGS = new BigQueryWarehouse.Settings(BigQueryStandIn.LOCATION,
            Duration.ofMinutes(1), 500);
    static final ObjectMapper JSON = new ObjectMapper();

    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    <T extends AutoCloseable> T opened(T c) {
        open.add(c);
        return c;
    }

    /** A stand-in serving {@code backing}, and the adapter on a client pointed at it, its tables created. */
    BigQueryStandIn standIn(DuckDbWarehouse backing) {
        return opened(new BigQueryStandIn(opened(backing)));
    }

    static BigQueryWarehouse bigQuery(BigQueryStandIn standIn, String dataset) {
        BigQueryWarehouse w = new BigQueryWarehouse(standIn.client(), dataset, WarehouseTables.DEFAULT, SETTINGS);
        w.createTables();
        return w;
    }

    static List<TrainingRow> sorted(List<TrainingRow> rows) {
        rows.sort(Comparator.comparing(TrainingRow::userId).thenComparing(TrainingRow::itemId));
        return rows;
    }

    /**
     * The same rows: keys, purchases and times exactly, weights to 1e-12 relative (DuckDB sums
     * doubles in parallel, so two runs of one query may differ in the last bits).
     */
    static void assertSameTrainingRows(List<TrainingRow> actual, List<TrainingRow> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            TrainingRow a = actual.get(i);
            TrainingRow e = expected.get(i);
            assertThat(List.of(a.userId(), a.itemId(), a.purchased(), a.returned(), a.lastSeen())).as("row %d", i)
                    .isEqualTo(List.of(e.userId(), e.itemId(), e.purchased(), e.returned(), e.lastSeen()));
            assertThat(a.weight()).as("row %d", i).isCloseTo(e.weight(), within(1e-12 * Math.abs(e.weight())));
        }
    }

    static String file(String name, String... placeholderTable) {
        String text = SqlFile.load(name).text();
        for (int i = 0; i < placeholderTable.length; i += 2) {
            text = text.replace("{{" + placeholderTable[i] + "}}",
                    "`" + BigQueryStandIn.PROJECT + "." + DATASET + "." + placeholderTable[i + 1] + "`");
        }
        return text.strip();
    }

    /** The parameters of a sent query job: name to "TYPE value" (value "null" when absent). */
    static Map<String, String> parameters(JsonNode job) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode p : job.at("/configuration/query/queryParameters")) {
            JsonNode v = p.at("/parameterValue/value");
            out.put(p.get("name").asText(), p.at("/parameterType/type").asText() + " "
                    + (v.isMissingNode() ? "null" : v.asText()));
        }
        return out;
    }

    // ---- extract, transform, catalogue: the same answers as the embedded warehouse ----

    @Test
    void extractTransformAndCatalogueAnswerAsTheEmbeddedWarehouseDoesOnTheSameData() {
        DemoEvents demo = DemoWarehouses.demo(300, 120, 6_000, 7);
        DuckDbWarehouse reference = opened(DemoWarehouses.loaded(demo));
        BigQueryStandIn standIn = standIn(DemoWarehouses.loaded(demo));
        BigQueryWarehouse bq = bigQuery(standIn, DATASET);

        long extracted = bq.extract(YEAR);
        assertThat(extracted).isEqualTo(reference.extract(YEAR)).isGreaterThan(1_000);

        List<TrainingRow> expected = new ArrayList<>();
        reference.transform(YEAR, RULES, expected::add);
        standIn.forgetRequests();
        List<TrainingRow> rows = new ArrayList<>();
        long n = bq.transform(YEAR, RULES, rows::add);
        assertThat(n).isEqualTo(rows.size()).isGreaterThan(1_000);
        assertSameTrainingRows(sorted(rows), sorted(expected));
        // read a page at a time: tabledata.list on the job's result table, the page size on every page
        List<BigQueryStandIn.Request> pages = standIn.requests("tabledata.list");
        assertThat(pages).hasSize((int) ((n + 499) / 500))
                .allSatisfy(r -> assertThat(r.uri()).contains("/datasets/_stand_in_results/").contains("maxResults=500"));
        assertThat(pages.get(1).uri()).contains("pageToken=500");
        assertThat(pages.get(2).uri()).contains("pageToken=1000");

        assertThat(bq.catalog()).hasSize(120).isEqualTo(reference.catalog());
    }

    @Test
    void theSqlSentIsTheFileWithTablesFilledInAndEveryValueATypedNamedParameter() {
        BigQueryStandIn standIn = standIn(DemoWarehouses.loaded(DemoWarehouses.demo(50, 30, 500, 3)));
        BigQueryWarehouse bq = bigQuery(standIn, DATASET);
        Window window = new Window(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-06-01T12:30:00.25Z"));
        bq.extract(window);
        bq.transform(window, new TransformRules(1, 3, 5, 10, 14, 2, 3), r -> { });

        JsonNode extract = standIn.queryJobs("FROM `test-project.partrec.events`").get(0);
        JsonNode q = extract.at("/configuration/query");
        assertThat(q.get("query").asText()).as("the file with every placeholder filled (its comment names one too)")
                .isEqualTo(file("extract/interactions", "events", "events", "extracted_events", "extracted_events",
                        "storefront_events", "storefront_events"));
        assertThat(q.get("useLegacySql").asBoolean()).isFalse();
        assertThat(parameters(extract)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "since", "TIMESTAMP 2026-01-01 00:00:00.000000+00:00",
                "until", "TIMESTAMP 2026-06-01 12:30:00.250000+00:00"));
        assertThat(q.at("/destinationTable/projectId").asText()).isEqualTo("test-project");
        assertThat(q.at("/destinationTable/datasetId").asText()).isEqualTo("partrec");
        assertThat(q.at("/destinationTable/tableId").asText()).isEqualTo("extracted_events");
        assertThat(q.get("writeDisposition").asText()).isEqualTo("WRITE_TRUNCATE");
        assertThat(q.get("createDisposition").asText()).isEqualTo("CREATE_IF_NEEDED");
        assertThat(extract.at("/configuration/jobTimeoutMs").asText()).isEqualTo("60000");
        assertThat(extract.at("/jobReference/location").asText()).isEqualTo("US");
        assertThat(extract.at("/jobReference/jobId").asText()).startsWith("partrec_extract_");

        JsonNode transform = standIn.queryJobs("FROM `test-project.partrec.extracted_events`").get(0);
        assertThat(transform.at("/configuration/query/query").asText())
                .isEqualTo(file("transform/training_interactions", "extracted_events", "extracted_events"));
        assertThat(parameters(transform)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "until", "TIMESTAMP 2026-06-01 12:30:00.250000+00:00",
                "view_weight", "FLOAT64 1.0", "cart_weight", "FLOAT64 3.0", "purchase_weight", "FLOAT64 5.0",
                "return_weight", "FLOAT64 10.0",
                "quantity_cap", "FLOAT64 10.0", "decay_per_day", "FLOAT64 " + (1 / 14.0),
                "min_user_items", "INT64 2", "min_item_users", "INT64 3"));
        assertThat(transform.at("/configuration/query/destinationTable").isMissingNode()).isTrue();
        assertThat(standIn.requests("unknown")).isEmpty();
    }

    @Test
    void createTablesRunsOneDdlJobPerTableOfTheLoadFileIntoAnEmptyDataset() {
        DuckDbWarehouse backing = DuckDbWarehouse.open(null, "unused", WarehouseTables.DEFAULT);
        BigQueryStandIn standIn = standIn(backing);
        standIn.createDataset("fresh");
        BigQueryWarehouse bq = bigQuery(standIn, "fresh");
        bq.createTables();   // again: IF NOT EXISTS
        List<JsonNode> ddl = standIn.queryJobs("CREATE TABLE IF NOT EXISTS");
        assertThat(ddl).hasSize(12).allSatisfy(j -> assertThat(j.at("/configuration/query/queryParameters")
                .isMissingNode()).isTrue());
        assertThat(ddl.get(0).at("/configuration/query/query").asText())
                .contains("CREATE TABLE IF NOT EXISTS `test-project.fresh.user_recommendations` (");
        assertThat(backing.query("SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = 'fresh' ORDER BY table_name"))
                .extracting(r -> r[0]).containsExactly("similar_items", "similar_items_staging", "storefront_events",
                        "training_runs", "user_recommendations", "user_recommendations_staging");
        assertThatThrownBy(bq::catalog).as("the source tables are not ours to create")
                .isInstanceOf(WarehouseException.class)
                .hasMessageContaining("BigQuery (test-project.fresh): cannot read the catalogue catalog")
                .hasMessageContaining("not found (notFound");
    }

    // ---- export: load jobs, then MERGE; the same rows as on the embedded warehouse ----

    static final Snapshot SNAPSHOT = DemoSnapshots.exact("20261127T000000Z-1");
    static final BatchExport.Settings EXPORT = new BatchExport.Settings(3, 2_000, 3, Duration.ofMillis(100));
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T01:02:03.456789Z"), ZoneOffset.UTC);
    static final String USER_ROWS = "SELECT run_id, model_version, user_id, rank, item_id, score, exported_at"
            + " FROM partrec.user_recommendations ORDER BY user_id, rank";
    static final String ITEM_ROWS = "SELECT run_id, model_version, item_id, rank, similar_item_id, score, exported_at"
            + " FROM partrec.similar_items ORDER BY item_id, rank";

    static void assertSameRows(List<Object[]> actual, List<Object[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("row %d", i).containsExactly(expected.get(i));
        }
    }

    @Test
    void aBatchExportEndsWithTheSameRowsAsOnTheEmbeddedWarehouseAndRepeatingItChangesNothing() throws Exception {
        DuckDbWarehouse reference = opened(DuckDbWarehouse.open(null, DATASET, WarehouseTables.DEFAULT));
        DuckDbWarehouse backing = DuckDbWarehouse.open(null, DATASET, WarehouseTables.DEFAULT);
        BigQueryStandIn standIn = standIn(backing);
        BigQueryWarehouse bq = bigQuery(standIn, DATASET);
        List<Duration> slept = new ArrayList<>();

        BatchExport.Outcome expected = new BatchExport(reference, EXPORT, CLOCK, slept::add).export(SNAPSHOT, "run-1");
        BatchExport.Outcome outcome = new BatchExport(bq, EXPORT, CLOCK, slept::add).export(SNAPSHOT, "run-1");
        assertThat(outcome.succeeded()).as(String.valueOf(outcome.error())).isTrue();
        assertThat(outcome.userRows()).isEqualTo(expected.userRows()).isEqualTo(3L * SNAPSHOT.users().size());
        assertThat(outcome.itemRows()).isEqualTo(expected.itemRows()).isEqualTo(3L * SNAPSHOT.items().size());
        assertThat(outcome.retries()).isZero();
        assertSameRows(backing.query(USER_ROWS), reference.query(USER_ROWS));
        assertSameRows(backing.query(ITEM_ROWS), reference.query(ITEM_ROWS));
        assertThat(backing.query("SELECT count(*) FROM partrec.user_recommendations_staging").get(0)[0])
                .as("staging emptied").isEqualTo(0L);

        // one load job per batch, NDJSON appended to the staging table; no streaming insert
        List<BigQueryStandIn.Request> loads = standIn.requests("upload.start");
        int batches = (int) ((outcome.userRows() + 1_999) / 2_000 + (outcome.itemRows() + 1_999) / 2_000);
        assertThat(loads).hasSize(batches);
        JsonNode load = loads.get(0).json().at("/configuration/load");
        assertThat(load.get("sourceFormat").asText()).isEqualTo("NEWLINE_DELIMITED_JSON");
        assertThat(load.get("writeDisposition").asText()).isEqualTo("WRITE_APPEND");
        assertThat(load.get("createDisposition").asText()).isEqualTo("CREATE_NEVER");
        assertThat(load.at("/destinationTable/tableId").asText()).isEqualTo("user_recommendations_staging");
        String ndjson = standIn.requests("upload.put").get(0).body();
        assertThat(ndjson.lines()).hasSize(2_000);
        JsonNode first = JSON.readTree(ndjson.lines().findFirst().orElseThrow());
        assertThat(first.fieldNames()).toIterable().containsExactly("run_id", "model_version", "user_id", "rank",
                "item_id", "score", "exported_at");
        assertThat(first.get("exported_at").asText()).isEqualTo("2026-11-27 01:02:03.456789 UTC");
        assertThat(standIn.requests("unknown")).as("no call the stand-in does not know").isEmpty();
        assertThat(standIn.requests("tabledata.insertAll")).as("no streaming insert").isEmpty();
        List<JsonNode> merges = standIn.queryJobs("MERGE INTO");
        assertThat(merges).hasSize(2);
        assertThat(merges.get(0).at("/configuration/query/query").asText()).isEqualTo(file(
                "load/merge_user_recommendations", "user_recommendations", "user_recommendations",
                "user_recommendations_staging", "user_recommendations_staging"));
        assertThat(parameters(merges.get(0))).containsExactly(Map.entry("run_id", "STRING run-1"));

        BatchExport.Outcome again = new BatchExport(bq, EXPORT, CLOCK, slept::add).export(SNAPSHOT, "run-1");
        assertThat(again.succeeded()).isTrue();
        assertThat(again.userRows()).isEqualTo(outcome.userRows());
        assertSameRows(backing.query(USER_ROWS), reference.query(USER_ROWS));
        assertSameRows(backing.query(ITEM_ROWS), reference.query(ITEM_ROWS));
        assertThat(slept).isEmpty();
    }

    @Test
    void aQuotaErrorOnTheMergeIsRetriedByTheExportWhichEndsWhole() {
        DuckDbWarehouse backing = DuckDbWarehouse.open(null, DATASET, WarehouseTables.DEFAULT);
        BigQueryStandIn standIn = standIn(backing);
        BigQueryWarehouse bq = bigQuery(standIn, DATASET);
        standIn.fail("jobs.insert", "MERGE INTO", 1, 403, "quotaExceeded",
                "Quota exceeded: Your table exceeded quota for imports or query appends per table.");
        List<Duration> slept = new ArrayList<>();
        BatchExport.Outcome outcome = new BatchExport(bq, EXPORT, CLOCK, slept::add).export(SNAPSHOT, "run-2");
        assertThat(outcome.succeeded()).as(String.valueOf(outcome.error())).isTrue();
        assertThat(outcome.retries()).isEqualTo(1);   // users: 2 tries, items: 1
        assertThat(slept).containsExactly(Duration.ofMillis(100));
        assertThat(backing.query("SELECT count(*), count(DISTINCT (user_id, rank)) FROM partrec.user_recommendations")
                .get(0)).containsExactly(3L * SNAPSHOT.users().size(), 3L * SNAPSHOT.users().size());
    }

    @Test
    void aLoadJobThatFailsIsRefusedWithTheTableAndItsFirstErrorAndLoadsNothing() {
        DuckDbWarehouse backing = DuckDbWarehouse.open(null, DATASET, WarehouseTables.DEFAULT);
        BigQueryWarehouse bq = bigQuery(standIn(backing), DATASET);
        ExportBatch noVersion = new ExportBatch("run-3", null, CLOCK.instant(), new String[] {"u1", "u2"},
                new int[] {1, 1}, new String[] {"a", "b"}, new float[] {0.5f, 0.25f}, 2);
        assertThatThrownBy(() -> bq.stage(RecommendationSink.Table.USER_RECOMMENDATIONS, noVersion))
                .isInstanceOf(WarehouseException.class)
                .hasMessageContaining("cannot stage a batch of 2 rows into user_recommendations_staging")
                .hasMessageContaining("load job partrec_stage_")
                .hasMessageContaining("invalid data (invalid)")
                .hasMessageContaining("model_version");
        assertThat(backing.query("SELECT count(*) FROM partrec.user_recommendations_staging").get(0)[0]).isEqualTo(0L);
    }

    // ---- run records ----

    @Test
    void aRunRecordWrittenTwiceIsOneRowAndReadsBackWhole() {
        DuckDbWarehouse backing = DuckDbWarehouse.open(null, DATASET, WarehouseTables.DEFAULT);
        BigQueryStandIn standIn = standIn(backing);
        BigQueryWarehouse bq = bigQuery(standIn, DATASET);
        Instant t = Instant.parse("2026-11-27T10:00:00.123456Z");
        bq.save(DuckDbRunLogTest.view("r1", RunRecord.Status.PROMOTED, t, Map.of("status", "running")));
        bq.save(DuckDbRunLogTest.view("r2", RunRecord.Status.REJECTED, t.plusSeconds(3600), Map.of()));
        RunRecord.View exported = DuckDbRunLogTest.view("r1", RunRecord.Status.PROMOTED, t,
                Map.of("status", "exported", "user_rows", 300000));
        bq.save(exported);
        assertThat(backing.query("SELECT count(*) FROM partrec.training_runs").get(0)[0]).isEqualTo(2L);

        List<RunRecord.View> recent = bq.recent(10);
        assertThat(recent).extracting(RunRecord.View::id).containsExactly("r2", "r1");
        RunRecord.View back = recent.get(1);
        assertThat(back.startedAt()).isEqualTo(t);
        assertThat(back.endedAt()).isEqualTo(t.plusSeconds(12));
        assertThat(back.export()).containsEntry("status", "exported").containsEntry("user_rows", 300000);
        assertThat(back.steps()).isEqualTo(exported.steps());
        assertThat(back.parameters()).isEqualTo(exported.parameters());
        assertThat(back.metrics()).isEqualTo(exported.metrics());
        assertThat(back.reasons()).isEqualTo(exported.reasons());
        assertThat(back.modelVersion()).isEqualTo("r1");
        assertThat(recent.get(0).modelVersion()).isNull();
        assertThat(bq.recent(1)).hasSize(1);

        // a null travels as a typed parameter without a value
        JsonNode rejected = standIn.queryJobs("MERGE INTO `test-project.partrec.training_runs`").get(1);
        assertThat(parameters(rejected)).containsEntry("model_version", "STRING null")
                .containsEntry("run_id", "STRING r2").containsEntry("started_at", "TIMESTAMP 2026-11-27 11:00:00.123456+00:00")
                .hasSize(14);
    }

    // ---- 5xx, quota and rate limits ----

    @Test
    void a503AnsweredOnceIsTriedAgainAndTheCallSucceedsWithNothingTwice() {
        DemoEvents demo = DemoWarehouses.demo(200, 60, 3_000, 5);
        DuckDbWarehouse reference = opened(DemoWarehouses.loaded(demo));
        BigQueryStandIn standIn = standIn(DemoWarehouses.loaded(demo));
        BigQueryWarehouse bq = bigQuery(standIn, DATASET);
        standIn.forgetRequests();
        standIn.fail("jobs.insert", 1, 503, "backendError",
                "Error encountered during execution. Retrying may solve the problem.");
        assertThat(bq.extract(YEAR)).isEqualTo(reference.extract(YEAR));
        List<BigQueryStandIn.Request> inserts = standIn.requests("jobs.insert");
        assertThat(inserts).hasSize(2);
        assertThat(inserts.get(1).json().at("/jobReference/jobId")).as("the same job id sent again")
                .isEqualTo(inserts.get(0).json().at("/jobReference/jobId"));

        // the second page of the transform's result lost once: fetched again, and no row comes twice
        standIn.forgetRequests();
        List<TrainingRow> expected = new ArrayList<>();
        reference.transform(YEAR, TransformRules.DEFAULT, expected::add);
        assertThat(expected.size()).as("two pages at least").isGreaterThan(500);
        standIn.fail("tabledata.list", "pageToken=500", 1, 503, "backendError", "The service is currently unavailable.");
        List<TrainingRow> rows = new ArrayList<>();
        bq.transform(YEAR, TransformRules.DEFAULT, rows::add);
        assertSameTrainingRows(sorted(rows), sorted(expected));
        assertThat(standIn.requests("tabledata.list")).hasSize((expected.size() + 499) / 500 + 1);
    }

    @Test
    void anInterruptedCallIsAWarehouseExceptionSayingSoAndTheThreadStaysInterrupted() {
        BigQueryStandIn standIn = standIn(DuckDbWarehouse.open(null, DATASET, WarehouseTables.DEFAULT));
        BigQueryWarehouse bq = bigQuery(standIn, DATASET);
        standIn.fail("jobs.insert", 1, 503, "backendError", "Service unavailable");
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> bq.save(DuckDbRunLogTest.view("r9", RunRecord.Status.FAILED,
                    Instant.parse("2026-11-27T10:00:00Z"), Map.of())))
                    .isInstanceOf(WarehouseException.class)
                    .hasMessageContaining("cannot record run r9 in training_runs: interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aJobsInsertWhoseAnswerIsLostIsSentAgainAndFoundNotRunTwice() {
        DuckDbWarehouse backing = DuckDbWarehouse.open(null, DATASET, WarehouseTables.DEFAULT);
        BigQueryStandIn standIn = standIn(backing);
        BigQueryWarehouse bq = bigQuery(standIn, DATASET);
        ExportBatch batch = new ExportBatch("run-5", "v5", CLOCK.instant(), new String[] {"u1", "u2"},
                new int[] {1, 1}, new String[] {"a", "b"}, new float[] {0.5f, 0.25f}, 2);
        bq.clearStaging(RecommendationSink.Table.USER_RECOMMENDATIONS, "run-5");
        bq.stage(RecommendationSink.Table.USER_RECOMMENDATIONS, batch);
        standIn.loseAnswer("jobs.insert", "MERGE INTO", 503, "backendError", "Visibility check was unavailable.");
        assertThat(bq.merge(RecommendationSink.Table.USER_RECOMMENDATIONS, "run-5")).isEqualTo(2);
        List<JsonNode> merges = standIn.queryJobs("MERGE INTO");
        assertThat(merges).hasSize(2);
        String id = merges.get(0).at("/jobReference/jobId").asText();
        assertThat(merges.get(1).at("/jobReference/jobId").asText()).isEqualTo(id);
        assertThat(standIn.executedJobs()).as("the MERGE ran once").containsOnlyOnce(id);
        assertThat(standIn.requests("jobs.get")).anySatisfy(r -> assertThat(r.uri()).contains(id));
    }

    @Test
    void aQuotaErrorIsAWarehouseExceptionSayingQuotaAndTheOperation() {
        BigQueryStandIn standIn = standIn(DuckDbWarehouse.open(null, DATASET, WarehouseTables.DEFAULT));
        BigQueryWarehouse bq = bigQuery(standIn, DATASET);
        standIn.forgetRequests();
        standIn.fail("jobs.insert", 100, 403, "quotaExceeded",
                "Quota exceeded: Your project exceeded quota for free query bytes scanned.");
        assertThatThrownBy(() -> bq.extract(YEAR)).isInstanceOf(WarehouseException.class)
                .hasMessageContaining("BigQuery (test-project.partrec): cannot extract the interactions into extracted_events")
                .hasMessageContaining("quota exceeded (quotaExceeded, HTTP 403)")
                .hasMessageContaining("Your project exceeded quota for free query bytes scanned");
        assertThat(standIn.requests("jobs.insert")).as("a quota error is not retried by the client").hasSize(1);
    }

    @Test
    void aRateLimitThatPersistsIsAWarehouseExceptionAfterTheClientsRetries() {
        BigQueryStandIn standIn = standIn(DuckDbWarehouse.open(null, DATASET, WarehouseTables.DEFAULT));
        BigQueryWarehouse bq = bigQuery(standIn, DATASET);
        standIn.forgetRequests();
        standIn.fail("jobs.insert", 100, 429, "rateLimitExceeded",
                "Exceeded rate limits: too many table dml insert operations for this table.");
        assertThatThrownBy(() -> bq.merge(RecommendationSink.Table.USER_RECOMMENDATIONS, "run-4"))
                .isInstanceOf(WarehouseException.class)
                .hasMessageContaining("cannot merge run run-4 into user_recommendations")
                .hasMessageContaining("rate limit exceeded (rateLimitExceeded, HTTP 429)");
        assertThat(standIn.requests("jobs.insert")).as("retried by the client up to its attempts").hasSize(4);
    }

    @Test
    void anExtractStuckPastTheJobTimeoutIsCancelledAndFailsTheRunWhileTheServingModelStays() {
        BigQueryStandIn standIn = standIn(DemoWarehouses.loaded(DemoWarehouses.demo(50, 30, 500, 3)));
        standIn.stall("FROM `test-project.partrec.events`");
        BigQueryWarehouse bq = new BigQueryWarehouse(standIn.client(), DATASET, WarehouseTables.DEFAULT,
                new BigQueryWarehouse.Settings(BigQueryStandIn.LOCATION, Duration.ofSeconds(2), 500));
        bq.createTables();
        ServingModel serving = new ServingModel();
        Snapshot before = DemoSnapshots.exact("before");
        serving.publish(before);
        try (TrainingPipeline p = new TrainingPipeline(bq, bq, new TrainingPipeline.Settings(Duration.ofDays(3650),
                TransformRules.DEFAULT, AlsParams.defaults().withFactors(8).withThreads(2),
                new GateThresholds(0, 0, 0, 1, 0), IndexSpec.NORM_ORDERED, 10, 0, 5, null, RankAhead.NONE), serving, Clock.systemUTC())) {
            RunRecord.View run = p.runNow("test").orElseThrow();
            assertThat(run.status()).isEqualTo(RunRecord.Status.FAILED);
            assertThat(run.reasons()).singleElement().asString()
                    .contains("cannot extract").contains("did not finish within PT2S; cancelled");
            assertThat(run.steps()).extracting(RunRecord.Step::name).containsExactly("start", "extract");
        }
        assertThat(standIn.requests().stream().map(BigQueryStandIn.Request::call)
                .filter(c -> c.equals("jobs.get") || c.equals("jobs.getQueryResults")))
                .as("asked whether the job had finished before giving up on it").isNotEmpty();
        assertThat(serving.current()).containsSame(before);
        assertThat(standIn.requests("jobs.cancel")).hasSize(1);
        assertThat(standIn.executedJobs()).as("the stuck job never ran").noneMatch(id -> id.startsWith("partrec_extract_"));
    }
}
