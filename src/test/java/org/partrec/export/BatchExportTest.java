package org.partrec.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.partrec.serve.DemoSnapshots;
import org.partrec.serve.Snapshot;
import org.partrec.warehouse.DuckDbWarehouse;
import org.partrec.warehouse.WarehouseTables;

/**
 * The batch export into the embedded warehouse for real: every user's and item's top-N with the
 * run and model version, nothing bought, idempotent, and whole after failures half way.
 */
class BatchExportTest {

    static final Snapshot SNAPSHOT = DemoSnapshots.exact("20261127T000000Z-1");
    static final BatchExport.Settings SETTINGS = new BatchExport.Settings(10, 4_096, 3, Duration.ofMillis(100));

    DuckDbWarehouse warehouse;
    final List<Duration> slept = new ArrayList<>();

    @BeforeEach
    void open() {
        warehouse = DuckDbWarehouse.open(null, "partrec", WarehouseTables.DEFAULT);
    }

    @AfterEach
    void close() {
        warehouse.close();
    }

    BatchExport export(RecommendationSink sink) {
        return new BatchExport(sink, SETTINGS, Clock.systemUTC(), slept::add);
    }

    long count(String sql) {
        return ((Number) warehouse.query(sql).get(0)[0]).longValue();
    }

    @Test
    void aStopBeforeTheFirstMergeLeavesNothingInTheTablesAndSaysStopped() {
        BatchExport[] export = new BatchExport[1];
        RecommendationSink stopsWhileStaging = new ForwardingSink(warehouse) {
            @Override
            public void stage(Table table, ExportBatch batch) {
                delegate.stage(table, batch);
                export[0].stop(); // the shutdown, while the first table is staged
            }
        };
        export[0] = new BatchExport(stopsWhileStaging, new BatchExport.Settings(10, 64, 3, Duration.ZERO),
                Clock.systemUTC(), slept::add);
        BatchExport.Outcome outcome = export[0].export(SNAPSHOT, "run-1");
        assertThat(outcome.stopped()).as(String.valueOf(outcome.error())).isTrue();
        assertThat(outcome.asMap()).containsEntry("status", "stopped");
        assertThat(count("SELECT count(*) FROM partrec.user_recommendations")).isZero();
        assertThat(count("SELECT count(*) FROM partrec.similar_items")).isZero();
        assertThat(count("SELECT count(*) FROM partrec.user_recommendations_staging")).as("staging emptied").isZero();
        assertThat(slept).as("a stop is not retried").isEmpty();
    }

    @Test
    void aStopAfterTheFirstMergeFinishesTheAttempt() {
        BatchExport[] export = new BatchExport[1];
        RecommendationSink stopsAfterFirstMerge = new ForwardingSink(warehouse) {
            @Override
            public long merge(Table table, String runId) {
                long rows = delegate.merge(table, runId);
                export[0].stop();
                return rows;
            }
        };
        export[0] = new BatchExport(stopsAfterFirstMerge, SETTINGS, Clock.systemUTC(), slept::add);
        BatchExport.Outcome outcome = export[0].export(SNAPSHOT, "run-1");
        assertThat(outcome.succeeded()).as(String.valueOf(outcome.error())).isTrue();
        assertThat(count("SELECT count(*) FROM partrec.similar_items")).isEqualTo(10L * SNAPSHOT.items().size());
    }

    @Test
    void everyUserGetsTenRankedItemsNoneBoughtAndEveryItemTenOthers() {
        BatchExport.Outcome outcome = export(warehouse).export(SNAPSHOT, "run-1");
        assertThat(outcome.succeeded()).as(String.valueOf(outcome.error())).isTrue();
        int users = SNAPSHOT.users().size();
        int items = SNAPSHOT.items().size();
        assertThat(outcome.userRows()).isEqualTo(10L * users);
        assertThat(outcome.itemRows()).isEqualTo(10L * items);
        assertThat(count("SELECT count(*) FROM partrec.user_recommendations WHERE run_id = 'run-1'"
                + " AND model_version = '20261127T000000Z-1'")).isEqualTo(10L * users);
        assertThat(count("SELECT count(DISTINCT user_id) FROM partrec.user_recommendations")).isEqualTo(users);
        assertThat(count("SELECT count(*) FROM (SELECT user_id FROM partrec.user_recommendations GROUP BY user_id"
                + " HAVING min(rank) != 1 OR max(rank) != 10 OR count(DISTINCT item_id) != 10)")).isZero();
        assertThat(count("SELECT count(*) FROM partrec.similar_items WHERE item_id = similar_item_id")).isZero();
        assertThat(count("SELECT count(*) FROM partrec.user_recommendations_staging")).as("staging emptied").isZero();
        // nothing a user bought is recommended to them
        Set<String> bought = new HashSet<>();
        for (int u = 0; u < SNAPSHOT.users().size(); u++) {
            for (int p = DemoSnapshots.PURCHASED.start(u); p < DemoSnapshots.PURCHASED.end(u); p++) {
                bought.add(SNAPSHOT.users().idOf(u) + "|" + SNAPSHOT.items().idOf(DemoSnapshots.PURCHASED.index(p)));
            }
        }
        assertThat(bought).isNotEmpty();
        List<Object[]> rows = warehouse.query("SELECT user_id, item_id FROM partrec.user_recommendations");
        assertThat(rows).noneMatch(r -> bought.contains(r[0] + "|" + r[1]));
        // scores fall with rank
        assertThat(count("SELECT count(*) FROM partrec.user_recommendations a JOIN partrec.user_recommendations b"
                + " ON a.user_id = b.user_id AND b.rank = a.rank + 1 WHERE b.score > a.score")).isZero();
    }

    @Test
    void exportingTheSameRunAgainNeitherDuplicatesNorDropsARow() {
        export(warehouse).export(SNAPSHOT, "run-1");
        List<Object[]> first = warehouse.query("SELECT user_id, rank, item_id FROM partrec.user_recommendations"
                + " ORDER BY user_id, rank");
        BatchExport.Outcome again = export(warehouse).export(SNAPSHOT, "run-1");
        assertThat(again.succeeded()).isTrue();
        List<Object[]> second = warehouse.query("SELECT user_id, rank, item_id FROM partrec.user_recommendations"
                + " ORDER BY user_id, rank");
        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i)).containsExactly(first.get(i));
        }
    }

    @Test
    void anExportThatFailsHalfWayIsRetriedAndEndsWhole() {
        AtomicInteger staged = new AtomicInteger();
        RecommendationSink flaky = new ForwardingSink(warehouse) {
            @Override
            public void stage(Table table, ExportBatch batch) {
                if (staged.incrementAndGet() == 3) {
                    throw new IllegalStateException("quota exceeded");
                }
                super.stage(table, batch);
            }
        };
        BatchExport.Outcome outcome = export(flaky).export(SNAPSHOT, "run-2");
        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.retries()).isEqualTo(1); // users: 2 tries, items: 1
        assertThat(slept).containsExactly(Duration.ofMillis(100));
        assertThat(count("SELECT count(*) FROM partrec.user_recommendations WHERE run_id = 'run-2'"))
                .isEqualTo(10L * SNAPSHOT.users().size());
        assertThat(count("SELECT count(*) FROM (SELECT user_id, rank FROM partrec.user_recommendations"
                + " GROUP BY user_id, rank HAVING count(*) > 1)")).isZero();
    }

    @Test
    void aSinkThatKeepsFailingGivesUpAfterTheAttemptsWithDoublingWaitsAndSaysWhy() {
        RecommendationSink down = new ForwardingSink(warehouse) {
            @Override
            public long merge(Table table, String runId) {
                throw new IllegalStateException("503 backend error");
            }
        };
        BatchExport.Outcome outcome = export(down).export(SNAPSHOT, "run-3");
        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.retries()).as("3 attempts on the first table, then given up").isEqualTo(2);
        assertThat(outcome.error()).contains("503 backend error");
        assertThat(outcome.asMap()).containsEntry("status", "failed");
        assertThat(slept).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(count("SELECT count(*) FROM partrec.user_recommendations")).isZero();
    }
}
