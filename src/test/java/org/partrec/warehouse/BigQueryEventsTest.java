package org.partrec.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.partrec.warehouse.StoredEventsTest.T;
import static org.partrec.warehouse.StoredEventsTest.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQueryOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.partrec.events.Event;
import org.partrec.events.EventSink;
import org.partrec.extract.Window;

/**
 * Posted events on BigQuery ({@link BigQueryWarehouse#store}): the real BigQuery client streams
 * them ({@code tabledata.insertAll}) to {@link BigQueryStandIn}, which drops a row whose
 * {@code insertId} it saw within its de-duplication window and stores it again after, as BigQuery
 * does at best. Whatever reaches the table, the extract run through the stand-in reads each event
 * id once, and gives the rows the embedded warehouse gives for the same batches. A request that
 * BigQuery refuses, or that cannot be made, is {@link EventSink.Unavailable}.
 */
class BigQueryEventsTest {

    static final String DATASET = "partrec";
    static final Window WINDOW = new Window(T.minus(Duration.ofDays(1)), T.plus(Duration.ofHours(1)));
    static final String EXTRACTED = "SELECT user_id, item_id, event_type, quantity, event_time"
            + " FROM partrec.extracted_events ORDER BY ALL";

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

    /** A loopback port that was free a moment ago: connections to it are refused. */
    static int deadPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static long count(DuckDbWarehouse w, String sql) {
        return (Long) w.query(sql).get(0)[0];
    }

    @Test
    void theExtractReadsEachEventIdOnceRepeatedWithinABatchAcrossBatchesAndAfterTheWindow() {
        DuckDbWarehouse reference = opened(DuckDbWarehouse.open(null, DATASET, WarehouseTables.DEFAULT));
        DuckDbWarehouse backing = opened(DuckDbWarehouse.open(null, DATASET, WarehouseTables.DEFAULT));
        BigQueryStandIn standIn = opened(new BigQueryStandIn(backing));
        BigQueryWarehouse bq = BigQueryWarehouseTest.bigQuery(standIn, DATASET);
        for (DuckDbWarehouse w : List.of(reference, backing)) {
            w.query("INSERT INTO partrec.events VALUES ('u1', 'A', 'purchase', 1, TIMESTAMP '2026-12-06 11:00:00')");
        }
        standIn.forgetRequests();

        // within a batch: an id given twice is sent once, and counted as a repeat
        List<Event> first = List.of(event("e1", "u1", "B", Event.Type.VIEW, 1, 0),
                event("e2r", "u1", "C", Event.Type.CART, 2, 1), event("e1", "u1", "B", Event.Type.VIEW, 1, 0));
        assertThat(bq.store(first, T.plusSeconds(600))).isEqualTo(new EventSink.Stored(2, 1));
        assertThat(reference.store(first, T.plusSeconds(600))).isEqualTo(new EventSink.Stored(2, 1));

        // across batches, within the window: the stand-in drops e2r by its insertId; the answer
        // cannot know it was a repeat (the embedded warehouse can)
        List<Event> retry = List.of(event("e2r", "u1", "C", Event.Type.CART, 2, 1),
                event("e3", "u2", "A", Event.Type.PURCHASE, 1, 2));
        assertThat(bq.store(retry, T.plusSeconds(700))).isEqualTo(new EventSink.Stored(2, 0));
        assertThat(reference.store(retry, T.plusSeconds(700))).isEqualTo(new EventSink.Stored(1, 1));
        assertThat(count(backing, "SELECT count(*) FROM partrec.storefront_events WHERE event_id = 'e2r'")).isEqualTo(1);

        // after the window: e3 is stored a second time
        standIn.forgetInsertIds();
        List<Event> late = List.of(event("e3", "u2", "A", Event.Type.PURCHASE, 1, 2),
                event("e4", "u2", "B", Event.Type.RETURN, 1, 3), event("e9", "u3", "C", Event.Type.VIEW, 1, 24 * 60));
        assertThat(bq.store(late, T.plusSeconds(900))).isEqualTo(new EventSink.Stored(3, 0));
        reference.store(late, T.plusSeconds(900));
        assertThat(backing.query("SELECT count(*), count(DISTINCT event_id) FROM partrec.storefront_events").get(0))
                .as("rows, ids").containsExactly(6L, 5L);

        // the extract, sent to the stand-in as a query job, reads each id once: the same rows as the embedded one
        long extracted = bq.extract(WINDOW);
        assertThat(extracted).isEqualTo(reference.extract(WINDOW)).isEqualTo(5);
        List<Object[]> expected = reference.query(EXTRACTED);
        List<Object[]> actual = backing.query(EXTRACTED);
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("row %d", i).containsExactly(expected.get(i));
        }
        assertThat(actual).extracting(r -> r[0] + " " + r[1] + " " + r[2]).containsExactly("u1 A purchase",
                "u1 B view", "u1 C add_to_cart", "u2 A purchase", "u2 B return");

        // three streaming inserts and no query job for them: rows keyed by event id, every row or none
        List<BigQueryStandIn.Request> inserts = standIn.requests("tabledata.insertAll");
        assertThat(inserts).hasSize(3).allSatisfy(r -> assertThat(r.uri())
                .contains("/projects/test-project/datasets/partrec/tables/storefront_events/insertAll"));
        JsonNode body = inserts.get(0).json();
        assertThat(body.get("skipInvalidRows").asBoolean()).isFalse();
        assertThat(body.get("ignoreUnknownValues").asBoolean()).isFalse();
        assertThat(body.get("rows")).extracting(r -> r.get("insertId").asText()).containsExactly("e1", "e2r");
        JsonNode cart = body.get("rows").get(1).get("json");
        assertThat(cart.fieldNames()).toIterable().containsExactlyInAnyOrder("event_id", "user_id", "item_id", "event_type",
                "quantity", "event_time", "recommendation_id", "received_at");
        assertThat(cart.get("event_type").asText()).isEqualTo("add_to_cart");
        assertThat(cart.get("quantity").asDouble()).isEqualTo(2.0);
        assertThat(cart.get("event_time").asText()).isEqualTo("2026-12-06 12:01:00.000000 UTC");
        assertThat(cart.get("received_at").asText()).isEqualTo("2026-12-06 12:10:00.000000 UTC");
        assertThat(body.get("rows").get(0).get("json").has("recommendation_id")).as("absent, so null").isFalse();
        assertThat(standIn.requests("jobs.insert")).as("only the extract's").hasSize(1);
        assertThat(standIn.requests("unknown")).isEmpty();

        // what the table holds, as the embedded warehouse holds it
        String rows = "SELECT event_id, user_id, item_id, event_type, quantity, event_time, recommendation_id, received_at"
                + " FROM partrec.storefront_events WHERE event_id IN ('e1', 'e2r', 'e4') ORDER BY event_id";
        List<Object[]> stored = backing.query(rows);
        List<Object[]> embedded = reference.query(rows);
        assertThat(stored).hasSize(3);
        for (int i = 0; i < embedded.size(); i++) {
            assertThat(stored.get(i)).as("row %d", i).containsExactly(embedded.get(i));
        }
    }

    @Test
    void aRequestWhoseAnswerWasLostOrRefusedWithA503IsSentAgainAndStoresEachRowOnce() {
        DuckDbWarehouse backing = opened(DuckDbWarehouse.open(null, DATASET, WarehouseTables.DEFAULT));
        BigQueryStandIn standIn = opened(new BigQueryStandIn(backing));
        BigQueryWarehouse bq = BigQueryWarehouseTest.bigQuery(standIn, DATASET);

        standIn.loseAnswer("tabledata.insertAll", "", 503, "backendError", "Visibility check was unavailable.");
        assertThat(bq.store(List.of(event("a1", "u1", "A", Event.Type.VIEW, 1, 0),
                event("a2", "u1", "B", Event.Type.VIEW, 1, 1)), T)).isEqualTo(new EventSink.Stored(2, 0));
        standIn.fail("tabledata.insertAll", 1, 503, "backendError", "The service is currently unavailable.");
        assertThat(bq.store(List.of(event("a3", "u2", "A", Event.Type.VIEW, 1, 2)), T))
                .isEqualTo(new EventSink.Stored(1, 0));

        List<BigQueryStandIn.Request> inserts = standIn.requests("tabledata.insertAll");
        assertThat(inserts).hasSize(4);
        assertThat(inserts.get(1).body()).as("the same rows and ids sent again").isEqualTo(inserts.get(0).body());
        assertThat(backing.query("SELECT count(*), count(DISTINCT event_id) FROM partrec.storefront_events").get(0))
                .containsExactly(3L, 3L);
    }

    @Test
    void aRowBigQueryRefusesKeepsTheWholeBatchOutAndIsUnavailableNamingTheEventAndWhy() {
        DuckDbWarehouse backing = opened(DuckDbWarehouse.open(null, DATASET, WarehouseTables.DEFAULT));
        BigQueryStandIn standIn = opened(new BigQueryStandIn(backing));
        BigQueryWarehouse bq = BigQueryWarehouseTest.bigQuery(standIn, DATASET);
        // a table made before recommendation_id existed: a row carrying one is refused
        backing.query("ALTER TABLE partrec.storefront_events DROP COLUMN recommendation_id");

        assertThatThrownBy(() -> bq.store(List.of(event("b1", "u1", "A", Event.Type.VIEW, 1, 0),
                event("b2r", "u1", "B", Event.Type.CART, 1, 1), event("b3", "u2", "A", Event.Type.VIEW, 1, 2)), T))
                .isInstanceOf(EventSink.Unavailable.class)
                .hasMessageContaining("BigQuery (test-project.partrec): cannot store 3 posted events into storefront_events")
                .hasMessageContaining("BigQuery refused 1 of 3 rows (first: event b2r: invalid data (invalid):"
                        + " no such field: recommendation_id.)")
                .hasMessageContaining("holding back the 2 others (stopped)");
        assertThat(count(backing, "SELECT count(*) FROM partrec.storefront_events")).as("none of the batch").isZero();
        assertThat(standIn.requests("tabledata.insertAll")).as("not sent again: it would fail the same way").hasSize(1);
    }

    @Test
    void aPersistent503AMissingTableAndADeadPortAreUnavailable() {
        DuckDbWarehouse backing = opened(DuckDbWarehouse.open(null, DATASET, WarehouseTables.DEFAULT));
        BigQueryStandIn standIn = opened(new BigQueryStandIn(backing));
        BigQueryWarehouse bq = BigQueryWarehouseTest.bigQuery(standIn, DATASET);
        List<Event> batch = List.of(event("c1", "u1", "A", Event.Type.VIEW, 1, 0));

        standIn.fail("tabledata.insertAll", 4, 503, "backendError", "The service is currently unavailable.");
        assertThatThrownBy(() -> bq.store(batch, T)).isInstanceOf(EventSink.Unavailable.class)
                .hasMessageContaining("cannot store 1 posted events into storefront_events")
                .hasMessageContaining("BigQuery backend error (backendError, HTTP 503)");
        assertThat(standIn.requests("tabledata.insertAll")).as("tried up to the client's attempts").hasSize(4);

        standIn.createDataset("empty");
        BigQueryWarehouse noTables = new BigQueryWarehouse(standIn.client(), "empty", WarehouseTables.DEFAULT,
                BigQueryWarehouseTest.SETTINGS);
        assertThatThrownBy(() -> noTables.store(batch, T)).isInstanceOf(EventSink.Unavailable.class)
                .hasMessageContaining("BigQuery (test-project.empty): cannot store 1 posted events into storefront_events")
                .hasMessageContaining("not found (notFound, HTTP 404)");

        BigQueryWarehouse down = new BigQueryWarehouse(BigQueryOptions.newBuilder()
                .setProjectId(BigQueryStandIn.PROJECT).setHost("http://127.0.0.1:" + deadPort())
                .setCredentials(NoCredentials.getInstance())
                .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(2).setTotalTimeoutDuration(Duration.ofSeconds(5))
                        .build()).build().getService(), DATASET, WarehouseTables.DEFAULT, BigQueryWarehouseTest.SETTINGS);
        assertThatThrownBy(() -> down.store(batch, T)).isInstanceOf(EventSink.Unavailable.class)
                .hasMessageContaining("cannot store 1 posted events into storefront_events")
                .hasCauseInstanceOf(WarehouseException.class);
        assertThat(count(backing, "SELECT count(*) FROM partrec.storefront_events")).isZero();
    }
}
