package org.partrec.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.demo.DemoEvents;
import org.partrec.extract.ItemInfo;
import org.partrec.extract.TrainingRow;
import org.partrec.extract.TransformRules;
import org.partrec.extract.Window;

/** The extract, transform and catalogue SQL files, run for real on DuckDB against hand-made rows. */
class DuckDbWarehouseTest {

    static final Instant UNTIL = Instant.parse("2026-06-01T00:00:00Z");
    static final Window WINDOW = new Window(Instant.parse("2026-01-01T00:00:00Z"), UNTIL);
    static final long DAY = 86_400;

    DuckDbWarehouse warehouse;

    @BeforeEach
    void open() {
        warehouse = DuckDbWarehouse.open(null, "shop", WarehouseTables.DEFAULT);
    }

    @AfterEach
    void close() {
        warehouse.close();
    }

    void event(String user, String item, String type, double quantity, Instant time) throws Exception {
        try (Connection c = warehouse.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO shop.events VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, user);
            ps.setString(2, item);
            ps.setString(3, type);
            ps.setDouble(4, quantity);
            ps.setObject(5, DuckDbSql.utc(time));
            ps.execute();
        }
    }

    List<TrainingRow> transform(TransformRules rules) {
        warehouse.extract(WINDOW);
        List<TrainingRow> rows = new ArrayList<>();
        warehouse.transform(WINDOW, rules, rows::add);
        rows.sort(Comparator.comparing(TrainingRow::userId).thenComparing(TrainingRow::itemId));
        return rows;
    }

    @Test
    void extractStagesOnlyTheWindowsEventsWithTypesInLowerCase() throws Exception {
        Instant in = UNTIL.minusSeconds(DAY);
        event("u1", "a", "VIEW", 1, in);
        event("u1", "b", "purchase", 1, WINDOW.since());          // the first instant is inside
        event("u1", "c", "view", 1, UNTIL);                       // the end is outside
        event("u1", "d", "view", 1, WINDOW.since().minusSeconds(1));
        event("", "e", "view", 1, in);                            // no user
        assertThat(warehouse.extract(WINDOW)).isEqualTo(2);
        assertThat(warehouse.query("SELECT item_id, event_type FROM shop.extracted_events ORDER BY item_id"))
                .extracting(r -> r[0] + ":" + r[1]).containsExactly("a:view", "b:purchase");
    }

    @Test
    void transformWeighsCapsDeduplicatesAndAggregatesPerUserAndItem() throws Exception {
        Instant t1 = UNTIL.minusSeconds(10 * DAY);
        Instant t2 = UNTIL.minusSeconds(5 * DAY);
        event("u1", "a", "view", 1, t1);
        event("u1", "a", "view", 1, t1);            // logged twice: counts once
        event("u1", "a", "add_to_cart", 2, t1);
        event("u1", "a", "purchase", 40, t2);       // capped at 10
        event("u1", "b", "wishlist", 1, t1);        // unknown type: left out
        event("u1", "c", "view", 0, t1);            // no quantity: left out
        event("u2", "a", "view", 3, t2);
        List<TrainingRow> rows = transform(TransformRules.DEFAULT);
        assertThat(rows).hasSize(2);
        TrainingRow u1a = rows.get(0);
        assertThat(u1a.userId() + u1a.itemId()).isEqualTo("u1a");
        assertThat(u1a.weight()).isCloseTo(1 * 1 + 3 * 2 + 5 * 10, within(1e-9));
        assertThat(u1a.purchased()).isEqualTo(40);
        assertThat(u1a.lastSeen()).isEqualTo(t2.getEpochSecond());
        TrainingRow u2a = rows.get(1);
        assertThat(u2a.weight()).isCloseTo(3, within(1e-9));
        assertThat(u2a.purchased()).isZero();
    }

    @Test
    void outOfRangeQuantitiesAreLeftOutAndLongIdsKept() throws Exception {
        Instant t = UNTIL.minusSeconds(DAY);
        event("u1", "nan", "view", Double.NaN, t);
        event("u1", "inf", "purchase", Double.POSITIVE_INFINITY, t);
        event("u1", "neg", "purchase", -3, t);
        event("u1", "ok", "view", 2, t);
        String longId = "x".repeat(10_000);
        event(longId, "ok", "view", 1, t);
        List<TrainingRow> rows = transform(TransformRules.DEFAULT);
        assertThat(rows).extracting(r -> r.userId().length() + ":" + r.itemId() + ":" + r.weight())
                .containsExactlyInAnyOrder("2:ok:2.0", "10000:ok:1.0");
    }

    @Test
    void timeDecayHalvesAnEventsWeightPerHalfLifeBeforeTheWindowsEnd() throws Exception {
        event("u1", "a", "view", 1, UNTIL.minusSeconds(30 * DAY));
        event("u1", "b", "view", 1, UNTIL.minusSeconds(60 * DAY));
        event("u1", "c", "view", 1, UNTIL.minusSeconds(1));
        List<TrainingRow> rows = transform(new TransformRules(1, 3, 5, 10, 30, 1, 1));
        assertThat(rows).extracting(TrainingRow::weight).satisfiesExactly(
                a -> assertThat(a).isCloseTo(0.5, within(1e-9)),
                b -> assertThat(b).isCloseTo(0.25, within(1e-9)),
                c -> assertThat(c).isCloseTo(1, within(1e-4)));
    }

    /**
     * Returns by hand, with the default rules (view 1, cart 3, purchase 5, return -10 a unit):
     * <ul>
     *   <li>u1 a, viewed, carted, bought and returned ("doesn't fit"): 1 + 3 + 5 - 10 = -1, a
     *   purchase taken back: a row, but none to train on;</li>
     *   <li>u1 b, two bought, one returned (logged as {@code RETURN}): 1 + 3x2 + 5x2 - 10 = 7;</li>
     *   <li>u1 c, bought and refunded: 5 - 10 = -5, a purchase taken back;</li>
     *   <li>u1 d, viewed twice and returned without a purchase in the window: 2 - 10 = -8, left out;</li>
     *   <li>u2 a, viewed 3: 3, no return; u2 c, viewed: 1 (so that part c has a pair to train on,
     *   without which it would be no item of the model).</li>
     * </ul>
     * Return weight 2: u1 a 9 - 2 = 7 and c 5 - 2 = 3 come back to training, u1 b 17 - 2 = 15,
     * u1 d 2 - 2 = 0 stays out. Return weight 0: nothing taken off.
     */
    @Test
    void aReturnTakesItsWeightOffItsPairAndAPurchaseTakenBackIsNoTrainingRow() throws Exception {
        Instant seen = UNTIL.minusSeconds(10 * DAY);
        Instant bought = UNTIL.minusSeconds(8 * DAY);
        Instant back = UNTIL.minusSeconds(2 * DAY);
        event("u1", "a", "view", 1, seen);
        event("u1", "a", "add_to_cart", 1, seen);
        event("u1", "a", "purchase", 1, bought);
        event("u1", "a", "return", 1, back);
        event("u1", "b", "view", 1, seen);
        event("u1", "b", "add_to_cart", 2, seen);
        event("u1", "b", "purchase", 2, bought);
        event("u1", "b", "RETURN", 1, back);
        event("u1", "c", "purchase", 1, bought);
        event("u1", "c", "refund", 1, back);
        event("u1", "d", "view", 1, seen);
        event("u1", "d", "view", 1, bought);
        event("u1", "d", "return", 1, back);
        event("u2", "a", "view", 3, seen);
        event("u2", "c", "view", 1, seen);
        assertThat(transform(TransformRules.DEFAULT)).extracting(DuckDbWarehouseTest::text).containsExactly(
                "u1:a w=-1.0 bought=1.0 returned=1.0 at=" + back.getEpochSecond(),
                "u1:b w=7.0 bought=2.0 returned=1.0 at=" + back.getEpochSecond(),
                "u1:c w=-5.0 bought=1.0 returned=1.0 at=" + back.getEpochSecond(),
                "u2:a w=3.0 bought=0.0 returned=0.0 at=" + seen.getEpochSecond(),
                "u2:c w=1.0 bought=0.0 returned=0.0 at=" + seen.getEpochSecond());
        assertThat(transform(TransformRules.DEFAULT.withReturnWeight(2))).extracting(DuckDbWarehouseTest::text).containsExactly(
                "u1:a w=7.0 bought=1.0 returned=1.0 at=" + back.getEpochSecond(),
                "u1:b w=15.0 bought=2.0 returned=1.0 at=" + back.getEpochSecond(),
                "u1:c w=3.0 bought=1.0 returned=1.0 at=" + back.getEpochSecond(),
                "u2:a w=3.0 bought=0.0 returned=0.0 at=" + seen.getEpochSecond(),
                "u2:c w=1.0 bought=0.0 returned=0.0 at=" + seen.getEpochSecond());
        assertThat(transform(TransformRules.DEFAULT.withReturnWeight(0))).extracting(r -> r.itemId() + "=" + r.weight())
                .containsExactly("a=9.0", "b=17.0", "c=5.0", "d=2.0", "a=3.0", "c=1.0");
    }

    /** The minimum counts count the pairs kept for training: a purchase taken back is none. */
    @Test
    void aPurchaseTakenBackDoesNotCountTowardsTheMinimumCounts() throws Exception {
        Instant t = UNTIL.minusSeconds(3 * DAY);
        event("u1", "a", "purchase", 1, t);
        event("u1", "a", "return", 1, t.plusSeconds(DAY));
        event("u1", "b", "view", 1, t);
        event("u2", "a", "view", 1, t);
        event("u2", "b", "view", 1, t);
        // u1 keeps one pair to train on (b): fewer than 2, so none of u1's rows is left
        assertThat(transform(new TransformRules(1, 3, 5, 10, 0, 2, 1))).extracting(r -> r.userId() + ":" + r.itemId())
                .containsExactly("u2:a", "u2:b");
    }

    /** A row as text, its numbers exact (every weight above is a sum of small integers). */
    static String text(TrainingRow r) {
        return r.userId() + ":" + r.itemId() + " w=" + r.weight() + " bought=" + r.purchased() + " returned="
                + r.returned() + " at=" + r.lastSeen();
    }

    @Test
    void minimumCountsDropRareUsersAndItems() throws Exception {
        Instant t = UNTIL.minusSeconds(DAY);
        for (String item : List.of("a", "b", "c")) {
            event("heavy", item, "view", 1, t);
        }
        event("light", "a", "view", 1, t);         // one item only: dropped by min_user_items 2
        event("other", "a", "view", 1, t);
        event("other", "b", "view", 1, t);
        List<TrainingRow> rows = transform(new TransformRules(1, 3, 5, 10, 0, 2, 2));
        // item c has one user (heavy): dropped by min_item_users 2
        assertThat(rows).extracting(r -> r.userId() + ":" + r.itemId())
                .containsExactly("heavy:a", "heavy:b", "other:a", "other:b");
    }

    @Test
    void theCatalogueComesBackAsWritten() throws Exception {
        try (Connection c = warehouse.connection(); var s = c.createStatement()) {
            s.execute("INSERT INTO shop.catalog VALUES ('0-80457S', '600 CFM Street Avenger', 'Holley', 'carburetors',"
                    + " 549.95, true, 'small-block Chevy', 0.31), ('19-1', 'Gauge', 'Holley', 'gauges', 99.5, false, 'universal',"
                    + " NULL)");
        }
        assertThat(warehouse.catalog()).hasSize(2).containsEntry("0-80457S",
                new ItemInfo("600 CFM Street Avenger", "Holley", "carburetors", 549.95, true, "small-block Chevy", 0.31))
                .containsEntry("19-1", new ItemInfo("Gauge", "Holley", "gauges", 99.5, false, "universal", null));
    }

    @Test
    void aCatalogueRowWithoutAnIdIsLeftOut(@TempDir Path dir) throws Exception {
        // the store's own catalogue may allow a null part number (the embedded one does not); a
        // catalogue from before margins gets the column, empty
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("w.duckdb"));
             var s = c.createStatement()) {
            s.execute("CREATE SCHEMA shop");
            s.execute("CREATE TABLE shop.catalog (part_number VARCHAR, name VARCHAR, brand VARCHAR, category VARCHAR,"
                    + " price DOUBLE, in_stock BOOLEAN, fitment VARCHAR)");
            s.execute("INSERT INTO shop.catalog VALUES ('19-1', 'Gauge', 'Holley', 'gauges', 99.5, false, 'universal'),"
                    + " (NULL, 'A part without a number', 'Holley', 'gauges', 10, true, 'universal')");
        }
        try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "shop", WarehouseTables.DEFAULT)) {
            assertThat(w.catalog()).containsOnlyKeys("19-1");
            assertThat(w.catalog().get("19-1").margin()).isNull();
        }
    }

    @Test
    void theDemoStoreIsLoadedOnceAndKeptInTheFile(@TempDir Path dir) {
        DemoEvents demo = DemoWarehouses.demo(200, 100, 3_000, 7);
        Path file = dir.resolve("w.duckdb");
        long loaded;
        try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "partrec", WarehouseTables.DEFAULT)) {
            loaded = DemoLoad.loadIfEmpty(w, demo);
            assertThat(loaded).isGreaterThan(2_000);
        }
        try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "partrec", WarehouseTables.DEFAULT)) {
            assertThat(DemoLoad.loadIfEmpty(w, demo)).as("already loaded").isZero();
            assertThat(w.query("SELECT count(*) FROM partrec.events").get(0)[0]).isEqualTo(loaded);
            assertThat(w.catalog()).hasSize(100);
            assertThat(w.extract(new Window(DemoWarehouses.END.minusSeconds(3 * 365 * DAY), DemoWarehouses.END)))
                    .isEqualTo(loaded);
        }
    }

    @Test
    void aBatchWithARowTheTableRefusesIsAnErrorNotASilentDrop() {
        var batch = new org.partrec.export.ExportBatch("run-1", "v1", UNTIL, new String[] {"u1", "u2"}, new int[] {1, 1},
                new String[] {"a", null}, new float[] {0.5f, 0.4f}, 2);
        assertThatThrownBy(() -> warehouse.stage(org.partrec.export.RecommendationSink.Table.USER_RECOMMENDATIONS, batch))
                .isInstanceOf(WarehouseException.class).hasMessageContaining("user_recommendations_staging");
    }

    @Test
    void anUnusableFileIsAClearError(@TempDir Path dir) throws Exception {
        Path notADatabase = dir.resolve("w.duckdb");
        java.nio.file.Files.writeString(notADatabase, "this is not a DuckDB file");
        assertThatThrownBy(() -> DuckDbWarehouse.open(notADatabase, "partrec", WarehouseTables.DEFAULT))
                .isInstanceOf(WarehouseException.class).hasMessageContaining("cannot open the embedded warehouse")
                .hasMessageContaining(notADatabase.toString());
    }
}
