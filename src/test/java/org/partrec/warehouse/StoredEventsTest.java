package org.partrec.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.events.Event;
import org.partrec.events.EventSink;
import org.partrec.extract.Window;

/**
 * Posted events in the embedded warehouse: each event id stored once, across batches, within a
 * batch and across reopening the file; the extract reads each once beside the warehouse's own
 * events, in their vocabulary; and an acknowledged batch survives the process being killed.
 */
class StoredEventsTest {

    static final Instant T = Instant.parse("2026-12-06T12:00:00Z");

    @TempDir
    Path dir;

    static Event event(String id, String user, String item, Event.Type type, double quantity, int minutes) {
        return new Event(id, user, item, type, quantity, T.plusSeconds(60L * minutes), id.endsWith("r") ? "rec-1" : null);
    }

    static long count(DuckDbWarehouse w, String sql) {
        return (Long) w.query(sql).get(0)[0];
    }

    @Test
    void eachEventIdIsStoredOnceAcrossBatchesWithinABatchAndAcrossReopening() {
        Path file = dir.resolve("warehouse.duckdb");
        try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "partrec", WarehouseTables.DEFAULT)) {
            EventSink.Stored first = w.store(List.of(event("e1", "u1", "A", Event.Type.VIEW, 1, 0),
                    event("e2r", "u1", "B", Event.Type.CART, 2, 1), event("e1", "u1", "A", Event.Type.VIEW, 1, 0)),
                    T.plusSeconds(600));
            assertThat(first).isEqualTo(new EventSink.Stored(2, 1));
            EventSink.Stored retried = w.store(List.of(event("e2r", "u1", "B", Event.Type.CART, 2, 1),
                    event("e3", "u2", "A", Event.Type.PURCHASE, 1, 2)), T.plusSeconds(700));
            assertThat(retried).isEqualTo(new EventSink.Stored(1, 1));
        }
        try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "partrec", WarehouseTables.DEFAULT)) {
            assertThat(w.store(List.of(event("e3", "u2", "A", Event.Type.PURCHASE, 1, 2),
                    event("e4", "u2", "B", Event.Type.RETURN, 1, 3)), T.plusSeconds(800)))
                    .as("after a restart").isEqualTo(new EventSink.Stored(1, 1));
            assertThat(w.query("SELECT event_id, event_type, quantity, recommendation_id FROM partrec.storefront_events"
                    + " ORDER BY event_id")).extracting(r -> r[0] + " " + r[1] + " " + r[2] + " " + r[3])
                    .containsExactly("e1 view 1.0 null", "e2r add_to_cart 2.0 rec-1", "e3 purchase 1.0 null",
                            "e4 return 1.0 null");
        }
    }

    @Test
    void batchesPostedAtOnceAreWrittenTogetherAndStillEachIdOnceCountedForTheBatchThatGaveItFirst()
            throws Exception {
        try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("warehouse.duckdb"), "partrec",
                WarehouseTables.DEFAULT)) {
            // 8 threads, 40 batches each of 25 events; ids drawn from 2,000, so most repeat across batches
            int threads = 8;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            java.util.List<java.util.concurrent.Future<int[]>> done = new java.util.ArrayList<>();
            java.util.Set<String> sent = java.util.concurrent.ConcurrentHashMap.newKeySet();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                done.add(pool.submit(() -> {
                    java.util.Random random = new java.util.Random(seed);
                    int added = 0;
                    int repeated = 0;
                    for (int b = 0; b < 40; b++) {
                        java.util.List<Event> batch = new java.util.ArrayList<>();
                        for (int i = 0; i < 25; i++) {
                            String id = "e" + random.nextInt(2000);
                            sent.add(id);
                            batch.add(event(id, "u" + seed, "A", Event.Type.VIEW, 1, 0));
                        }
                        EventSink.Stored s = w.store(batch, T.plusSeconds(b));
                        assertThat(s.added() + s.repeated()).isEqualTo(25);
                        added += s.added();
                        repeated += s.repeated();
                    }
                    return new int[] {added, repeated};
                }));
            }
            int added = 0;
            int repeated = 0;
            for (var f : done) {
                int[] r = f.get();
                added += r[0];
                repeated += r[1];
            }
            pool.shutdown();
            assertThat(added).as("every id added once, by one batch").isEqualTo(sent.size());
            assertThat(added + repeated).isEqualTo(threads * 40 * 25);
            assertThat(count(w, "SELECT count(*) FROM partrec.storefront_events")).isEqualTo(sent.size());
            assertThat(count(w, "SELECT count(DISTINCT event_id) FROM partrec.storefront_events")).isEqualTo(sent.size());
        }
    }

    @Test
    void anIdRepeatedAfterADayIsStoredAgainAndTheExtractStillReadsItOnce() {
        try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("warehouse.duckdb"), "partrec",
                WarehouseTables.DEFAULT)) {
            Event e = event("late", "u1", "A", Event.Type.PURCHASE, 1, 0);
            assertThat(w.store(List.of(e), T)).isEqualTo(new EventSink.Stored(1, 0));
            assertThat(w.store(List.of(e), T.plus(DuckDbEvents.REPEATS_WITHIN).minusSeconds(1)))
                    .as("within a day of its first: a repeat").isEqualTo(new EventSink.Stored(0, 1));
            assertThat(w.store(List.of(e), T.plus(DuckDbEvents.REPEATS_WITHIN).plusSeconds(1)))
                    .as("a day after: not looked up").isEqualTo(new EventSink.Stored(1, 0));
            assertThat(count(w, "SELECT count(*) FROM partrec.storefront_events WHERE event_id = 'late'")).isEqualTo(2);
            w.extract(new Window(T.minusSeconds(3600), T.plusSeconds(3600)));
            assertThat(count(w, "SELECT count(*) FROM partrec.extracted_events WHERE user_id = 'u1'"))
                    .as("the extract reads each event id once").isEqualTo(1);
        }
    }

    @Test
    void theExtractReadsEachPostedEventOnceBesideTheWarehousesOwn() {
        try (DuckDbWarehouse w = DuckDbWarehouse.open(null, "partrec", WarehouseTables.DEFAULT)) {
            w.query("INSERT INTO partrec.events VALUES ('u1', 'A', 'purchase', 1, TIMESTAMP '2026-12-06 11:00:00')");
            w.store(List.of(event("e1", "u1", "B", Event.Type.CART, 1, 0), event("e2", "u2", "A", Event.Type.VIEW, 1, 5)),
                    T.plusSeconds(600));
            w.store(List.of(event("e1", "u1", "B", Event.Type.CART, 1, 0)), T.plusSeconds(900)); // a retry
            w.store(List.of(event("e9", "u3", "C", Event.Type.VIEW, 1, 24 * 60)), T.plusSeconds(1000)); // after the window
            long rows = w.extract(new Window(T.minus(Duration.ofDays(1)), T.plus(Duration.ofHours(1))));
            assertThat(rows).isEqualTo(3);
            assertThat(w.query("SELECT user_id, item_id, event_type FROM partrec.extracted_events ORDER BY user_id, item_id"))
                    .extracting(r -> r[0] + " " + r[1] + " " + r[2])
                    .containsExactly("u1 A purchase", "u1 B add_to_cart", "u2 A view");
        }
    }

    @Test
    void eventsAreInTheTableForAnyReaderWithoutWaitingForTheMover() {
        try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("read.duckdb"), "partrec", WarehouseTables.DEFAULT)) {
            w.store(List.of(event("m1", "u1", "A", Event.Type.VIEW, 1, 0), event("m2", "u2", "B", Event.Type.CART, 1, 0)),
                    T.plusSeconds(600));
            assertThat(count(w, "SELECT count(*) FROM partrec.storefront_events")).isEqualTo(2);
        }
    }

    @Test
    void aSegmentLeftBehindIsMovedAtOpeningAndWhatTheTableHoldsAlreadyIsNotStoredTwice() throws Exception {
        Path file = dir.resolve("left.duckdb");
        try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "partrec", WarehouseTables.DEFAULT)) {
            w.store(List.of(event("s1", "u1", "A", Event.Type.VIEW, 1, 0), event("s2", "u1", "B", Event.Type.VIEW, 1, 0)),
                    T.plusSeconds(600));
        } // closed: moved, the journal emptied
        assertThat(EventJournal.open(DuckDbWarehouse.journal(file)).closed()).isEmpty();
        // as if the process had died after the move's commit (s1, s2 in the table) but before deleting
        // the segment, which also held s3, acknowledged and not yet moved; a last record torn by the crash
        EventJournal j = EventJournal.open(DuckDbWarehouse.journal(file));
        Instant received = T.plusSeconds(600);
        j.append(DuckDbEvents.encode(List.of(row("s1", received), row("s2", received))));
        j.append(DuckDbEvents.encode(List.of(row("s3", received.plusSeconds(5)))));
        j.rotate();
        Path segment = j.closed().get(0);
        Files.write(segment, new byte[] {0, 0, 0, 40, 1, 2}, java.nio.file.StandardOpenOption.APPEND);

        try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "partrec", WarehouseTables.DEFAULT)) {
            assertThat(Files.exists(segment)).as("moved and deleted at opening").isFalse();
            assertThat(w.query("SELECT event_id, count(*) FROM partrec.storefront_events GROUP BY event_id ORDER BY 1"))
                    .extracting(r -> r[0] + " " + r[1]).containsExactly("s1 1", "s2 1", "s3 1");
            assertThat(w.store(List.of(event("s3", "u1", "C", Event.Type.PURCHASE, 1, 1)), T.plusSeconds(700)))
                    .as("a recovered id is a repeat").isEqualTo(new EventSink.Stored(0, 1));
        }
    }

    @Test
    void aBatchPostedAfterClosingIsRefusedAndNothingOfItIsWritten() {
        Path file = dir.resolve("closing.duckdb");
        DuckDbWarehouse w = DuckDbWarehouse.open(file, "partrec", WarehouseTables.DEFAULT);
        DuckDbEvents events = DuckDbEvents.open(w, DuckDbWarehouse.journal(file).resolveSibling("late.events"));
        events.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> events.store(
                        List.of(event("late", "u1", "A", Event.Type.VIEW, 1, 0)), T.plusSeconds(600)))
                .isInstanceOf(WarehouseException.class).hasMessageContaining("closed");
        assertThat(count(w, "SELECT count(*) FROM partrec.storefront_events")).isZero();
        w.close();
    }

    static DuckDbEvents.Row row(String id, Instant received) {
        return new DuckDbEvents.Row(id, "u1", "A", "view", 1, T, null, received);
    }

    /** Run by {@link #anAcknowledgedBatchSurvivesTheProcessBeingKilled} in a JVM of its own. */
    public static void main(String[] args) throws Exception {
        DuckDbWarehouse w = DuckDbWarehouse.open(Path.of(args[0]), "partrec", WarehouseTables.DEFAULT);
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(event("k" + i, "u" + i, "A", Event.Type.PURCHASE, 1, i));
        }
        EventSink.Stored s = w.store(batch, Instant.now());
        System.out.println("acknowledged " + s.added());
        System.out.flush();
        Thread.sleep(60_000); // killed before this ends, the warehouse never closed
    }

    @Test
    void anAcknowledgedBatchSurvivesTheProcessBeingKilled() throws Exception {
        Path file = dir.resolve("killed.duckdb");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StoredEventsTest.class.getName(),
                file.toString()).redirectErrorStream(true).start();
        String line;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("acknowledged"));
            assertThat(line).as("the child stored the batch").isEqualTo("acknowledged 50");
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no checkpoint
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "partrec", WarehouseTables.DEFAULT)) {
            assertThat(count(w, "SELECT count(DISTINCT event_id) FROM partrec.storefront_events")).isEqualTo(50);
        }
    }
}
