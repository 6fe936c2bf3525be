package org.partrec.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.demo.DemoEvents;
import org.partrec.extract.TransformRules;
import org.partrec.index.IndexSpec;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.publish.GateThresholds;
import org.partrec.publish.ModelStore;
import org.partrec.serve.DemoSnapshots;
import org.partrec.serve.RankAhead;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.storage.LocalBlobStore;
import org.partrec.train.AlsParams;
import org.partrec.warehouse.DemoLoad;
import org.partrec.warehouse.DemoWarehouses;
import org.partrec.warehouse.DuckDbWarehouse;
import org.partrec.warehouse.WarehouseTables;

/**
 * An export stopped by the shutdown is done again by the next process, on the same embedded
 * warehouse (a DuckDB file) and model store: a first "process" trains, promotes and is closed
 * while its export stages; a second one serves the stored model, reads the run log, finds the
 * stopped export of the version it serves and completes it.
 */
class ExportOnPromotionTest {

    static final DemoEvents DEMO = DemoWarehouses.demo(1_500, 600, 30_000, 5);
    static final AlsParams PARAMS = AlsParams.defaults().withFactors(16).withRegularization(5).withAlpha(2)
            .withThreads(2);
    static final GateThresholds LENIENT = new GateThresholds(0.01, 0.005, 0.0, 0.5, 0.1);
    static final BatchExport.Settings SETTINGS = new BatchExport.Settings(10, 100, 3, Duration.ZERO);

    /** Export outcomes and resumptions as the service's metrics hear them. */
    static final class Heard implements ExportOnPromotion.Outcomes {
        final List<BatchExport.Outcome> outcomes = new CopyOnWriteArrayList<>();
        final AtomicInteger resumed = new AtomicInteger();

        @Override
        public void exported(BatchExport.Outcome outcome) {
            outcomes.add(outcome);
        }

        @Override
        public void resumed() {
            resumed.incrementAndGet();
        }
    }

    /** The warehouse, but its first staged batch counts {@code staging} down and waits for {@code release}. */
    static RecommendationSink heldAtFirstBatch(DuckDbWarehouse w, CountDownLatch staging, CountDownLatch release) {
        return new ForwardingSink(w) {
            @Override
            public void stage(Table table, ExportBatch batch) {
                delegate.stage(table, batch);
                if (staging.getCount() > 0) {
                    staging.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
    }

    static TrainingPipeline pipeline(DuckDbWarehouse w, ServingModel serving, ModelStore store,
                                     ExportOnPromotion export) {
        return new TrainingPipeline(w, w, new TrainingPipeline.Settings(Duration.ofDays(3650), TransformRules.DEFAULT,
                PARAMS, LENIENT, IndexSpec.NORM_ORDERED, 10, 0, 5, null, RankAhead.NONE), serving, Clock.systemUTC(),
                new TrainingPipeline.Outputs(store, w, export));
    }

    static long count(DuckDbWarehouse w, String sql) {
        return ((Number) w.query(sql).get(0)[0]).longValue();
    }

    @Test
    void anExportStoppedAtShutdownIsCompletedByTheNextStartForTheVersionItServes(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("warehouse.duckdb");
        ModelStore store = new ModelStore(new LocalBlobStore(dir.resolve("models")), 3);

        // the first process: promotes, and is shut down while its export stages the first table
        String runId;
        String version;
        try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "partrec", WarehouseTables.DEFAULT)) {
            DemoLoad.loadIfEmpty(w, DEMO);
            CountDownLatch staging = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Heard heard = new Heard();
            ExportOnPromotion export = new ExportOnPromotion(new BatchExport(heldAtFirstBatch(w, staging, release),
                    SETTINGS, Clock.systemUTC(), d -> { }), w, heard);
            ServingModel serving = new ServingModel();
            try (TrainingPipeline p = pipeline(w, serving, store, export)) {
                RunRecord.View run = p.runNow("test").orElseThrow();
                assertThat(run.status()).as(String.valueOf(run.reasons())).isEqualTo(RunRecord.Status.PROMOTED);
                runId = run.id();
                version = run.modelVersion();
                assertThat(staging.await(60, TimeUnit.SECONDS)).as("the export stages").isTrue();
                assertThat(w.recent(5).get(0).export()).as("what a process killed now leaves")
                        .containsEntry("status", "running");
            }
            Thread closer = new Thread(export::close, "closer");
            closer.start();
            long until = System.nanoTime() + 10_000_000_000L;
            while (closer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < until) {
                Thread.sleep(1); // close() has told the export to stop and waits for it
            }
            release.countDown();
            closer.join(30_000);
            assertThat(closer.isAlive()).isFalse();
            assertThat(heard.outcomes).singleElement().matches(BatchExport.Outcome::stopped);
            assertThat(w.recent(5).get(0).export()).containsEntry("status", "stopped");
            assertThat(count(w, "SELECT count(*) FROM partrec.user_recommendations")).isZero();
        }

        // the next process, on the same warehouse and store: serves the stored model, reads the run log
        try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "partrec", WarehouseTables.DEFAULT)) {
            Heard heard = new Heard();
            ExportOnPromotion export = new ExportOnPromotion(new BatchExport(w, SETTINGS, Clock.systemUTC(), d -> { }),
                    w, heard);
            ServingModel serving = new ServingModel();
            Snapshot served = Snapshot.from(store.loadLatest().orElseThrow(), IndexSpec.NORM_ORDERED, 2);
            serving.publish(served);
            assertThat(served.version()).isEqualTo(version);
            try (TrainingPipeline p = pipeline(w, serving, store, export)) {
                p.restoreHistory();
                RunRecord run = p.promotedEarlier().orElseThrow();
                assertThat(run.id()).isEqualTo(runId);
                assertThat(export.resume(run, DemoSnapshots.exact("20990101T000000Z-1")))
                        .as("a version that does not serve is not exported").isFalse();
                assertThat(heard.resumed).hasValue(0);

                assertThat(export.resume(run, served)).isTrue();
                long until = System.nanoTime() + 60_000_000_000L;
                while (!"exported".equals(run.view().export().get("status")) && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
                assertThat(p.recent().get(0).export()).as("the ops listing").containsEntry("status", "exported");
                assertThat(export.resume(run, served)).as("done: not again").isFalse();
            } finally {
                export.close();
            }
            assertThat(heard.resumed).hasValue(1);
            assertThat(heard.outcomes).singleElement().matches(BatchExport.Outcome::succeeded);

            List<RunRecord.View> log = w.recent(5);
            assertThat(log).extracting(RunRecord.View::id).containsExactly(runId);
            Map<String, Object> exported = log.get(0).export();
            assertThat(exported).containsEntry("status", "exported").containsKey("ended_at");
            assertThat(Instant.parse((String) exported.get("ended_at"))).isAfter(log.get(0).endedAt());
            String ofRun = " WHERE run_id = '" + runId + "' AND model_version = '" + version + "'";
            assertThat(count(w, "SELECT count(DISTINCT user_id) FROM partrec.user_recommendations" + ofRun))
                    .as("every user of the served model").isEqualTo(served.users().size());
            assertThat(count(w, "SELECT count(DISTINCT item_id) FROM partrec.similar_items" + ofRun))
                    .as("every item of the served model").isEqualTo(served.items().size());
            assertThat(count(w, "SELECT count(*) FROM partrec.user_recommendations" + ofRun))
                    .isEqualTo(((Number) exported.get("user_rows")).longValue());
            assertThat(count(w, "SELECT count(*) FROM partrec.user_recommendations"))
                    .as("only the served version's rows").isEqualTo(((Number) exported.get("user_rows")).longValue());
            assertThat(count(w, "SELECT count(*) FROM partrec.user_recommendations_staging")).isZero();
        }
    }

    /** A record as the run log gives it back, its export in {@code status}. */
    static RunRecord logged(String version, String status) {
        Instant t = Instant.parse("2026-11-27T00:00:00Z");
        return RunRecord.of(new RunRecord.View("20261127T000000Z-1", "schedule", RunRecord.Status.PROMOTED, null, t,
                t.plusSeconds(60), List.of(), Map.of(), Map.of(), List.of(), version, Map.of(), null,
                status == null ? Map.of() : Map.of("status", status)));
    }

    @Test
    void everyExportThatDidNotEndInExportedIsDoneAgainAndOnlyThose() throws Exception {
        Snapshot served = DemoSnapshots.exact("20261127T000000Z-1");
        try (DuckDbWarehouse w = DuckDbWarehouse.open(null, "partrec", WarehouseTables.DEFAULT)) {
            Heard heard = new Heard();
            ExportOnPromotion export = new ExportOnPromotion(new BatchExport(w, SETTINGS, Clock.systemUTC(), d -> { }),
                    w, heard);
            try {
                assertThat(export.resume(logged(served.version(), "exported"), served)).isFalse();
                for (String status : new String[] {"stopped", "failed", "running", null}) {
                    RunRecord run = logged(served.version(), status);
                    assertThat(export.resume(run, served)).as(String.valueOf(status)).isTrue();
                    long until = System.nanoTime() + 60_000_000_000L;
                    while (!"exported".equals(run.view().export().get("status")) && System.nanoTime() < until) {
                        Thread.sleep(20);
                    }
                    assertThat(run.view().export()).as(String.valueOf(status)).containsEntry("status", "exported");
                }
            } finally {
                export.close();
            }
            assertThat(heard.resumed).hasValue(4);
            assertThat(count(w, "SELECT count(*) FROM partrec.training_runs")).as("one record, updated").isEqualTo(1);
            assertThat(count(w, "SELECT count(DISTINCT user_id) FROM partrec.user_recommendations"))
                    .isEqualTo(served.users().size());
            assertThat(heard.outcomes).hasSize(4).allMatch(BatchExport.Outcome::succeeded)
                    .extracting(BatchExport.Outcome::userRows).containsOnly(heard.outcomes.get(0).userRows());
            assertThat(count(w, "SELECT count(*) FROM partrec.user_recommendations"))
                    .as("exported four times, the rows once").isEqualTo(heard.outcomes.get(0).userRows());
        }
    }
}
