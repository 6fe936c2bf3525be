package org.partrec.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.index.IndexSpec;
import org.partrec.demo.DemoEvents;
import org.partrec.extract.InteractionSource;
import org.partrec.extract.TransformSink;
import org.partrec.extract.TransformRules;
import org.partrec.extract.Window;
import org.partrec.publish.BlobStore;
import org.partrec.publish.GateThresholds;
import org.partrec.publish.ModelStore;
import org.partrec.warehouse.DemoWarehouses;
import org.partrec.warehouse.DuckDbWarehouse;
import org.partrec.serve.RankAhead;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.train.AlsParams;

class TrainingPipelineTest {

    static final DemoEvents EVENTS = DemoWarehouses.demo(2_000, 800, 40_000, 3);
    static final DuckDbWarehouse DEMO = DemoWarehouses.loaded(EVENTS);
    /** Long enough for the demo's two years to stay inside it for years to come. */
    static final java.time.Duration WINDOW = java.time.Duration.ofDays(3650);
    static final AlsParams PARAMS = AlsParams.defaults().withFactors(32).withRegularization(5).withAlpha(2)
            .withThreads(2);
    static final GateThresholds LENIENT = new GateThresholds(0.01, 0.005, 0.0, 0.5, 0.1);

    static TrainingPipeline pipeline(InteractionSource source, GateThresholds gate, ServingModel serving) {
        return pipeline(source, gate, serving, null);
    }

    static TrainingPipeline pipeline(InteractionSource source, GateThresholds gate, ServingModel serving,
                                     TrainingPipeline.Tuning tuning) {
        return new TrainingPipeline(source, DEMO, new TrainingPipeline.Settings(WINDOW, TransformRules.DEFAULT, PARAMS, gate, IndexSpec.NORM_ORDERED,
                10, 0, 5, tuning, RankAhead.always(20)), serving, Clock.systemUTC());
    }

    /** The demo warehouse, but its extract counts {@code started} down and then waits for {@code release}. */
    static InteractionSource held(CountDownLatch started, CountDownLatch release) {
        return new InteractionSource() {
            @Override
            public long extract(Window window) {
                started.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return DEMO.extract(window);
            }

            @Override
            public long transform(Window window, TransformRules rules, TransformSink sink) {
                return DEMO.transform(window, rules, sink);
            }
        };
    }

    static TrainingPipeline pipeline(InteractionSource source, ServingModel serving, ModelStore store, RunLog log,
                                     RunListener listener) {
        return new TrainingPipeline(source, DEMO, new TrainingPipeline.Settings(WINDOW, TransformRules.DEFAULT, PARAMS,
                LENIENT, IndexSpec.NORM_ORDERED, 10, 0, 5, null, RankAhead.NONE), serving, Clock.systemUTC(),
                new TrainingPipeline.Outputs(store, log, listener));
    }

    /** A folder store whose moves fail while {@code broken} is set (a full disk, a revoked bucket grant). */
    static final class FailingMoves extends org.partrec.publish.ForwardingBlobStore {
        volatile boolean broken;

        FailingMoves(BlobStore to) {
            super(to);
        }

        @Override
        public void move(String from, String to) throws java.io.IOException {
            if (broken) {
                throw new java.io.IOException("No space left on device");
            }
            delegate.move(from, to);
        }
    }

    /**
     * Two trainers on one model store (two pipelines, each with a store object of its own, as two
     * pods on one bucket): while the first runs, the second's run is refused at its start step,
     * naming the holder, and changes nothing; once the first has ended, the second may run.
     */
    @Test
    void twoTrainersOnOneStoreNeverRunAtOnce(@TempDir java.nio.file.Path dir) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ServingModel firstServing = new ServingModel();
        ServingModel secondServing = new ServingModel();
        ModelStore firstStore = new ModelStore(new org.partrec.storage.LocalBlobStore(dir), 3);
        ModelStore secondStore = new ModelStore(new org.partrec.storage.LocalBlobStore(dir), 3);
        try (TrainingPipeline first = pipeline(held(started, release), firstServing, firstStore, RunLog.NONE,
                RunListener.NONE);
             TrainingPipeline second = pipeline(DEMO, secondServing, secondStore, RunLog.NONE, RunListener.NONE)) {
            String firstRun = first.trigger("test");
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue(); // the first holds the lease, in its extract
            RunRecord.View refused = second.runNow("test").orElseThrow();
            assertThat(refused.status()).isEqualTo(RunRecord.Status.FAILED);
            assertThat(refused.reasons()).singleElement().asString()
                    .contains("another trainer holds the model store's lease").contains("TRAINER");
            assertThat(refused.steps()).extracting(RunRecord.Step::name).containsExactly("start");
            assertThat(secondServing.current()).as("the refused run served nothing").isEmpty();
            release.countDown();
            long until = System.nanoTime() + java.time.Duration.ofSeconds(120).toNanos();
            while (first.current().isPresent() && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            RunRecord.View done = first.recent().get(0);
            assertThat(done.id()).isEqualTo(firstRun);
            assertThat(done.status()).isEqualTo(RunRecord.Status.PROMOTED);
            assertThat(done.steps().get(0).details()).containsKey("lease");
            RunRecord.View after = second.runNow("test").orElseThrow();
            assertThat(after.status()).as("the lease was given back").isEqualTo(RunRecord.Status.PROMOTED);
            assertThat(firstStore.loadLatest().orElseThrow().version()).isEqualTo(after.id());
        }
    }

    @Test
    void aStoreThatFailsOnWriteFailsTheRunAndKeepsTheServingAndStoredModel(@TempDir java.nio.file.Path dir)
            throws Exception {
        ServingModel serving = new ServingModel();
        FailingMoves blobs = new FailingMoves(new org.partrec.storage.LocalBlobStore(dir));
        ModelStore store = new ModelStore(blobs, 3);
        java.util.List<String> promoted = new java.util.ArrayList<>();
        RunListener hears = new RunListener() {
            @Override
            public void promoted(RunRecord run, Snapshot snapshot) {
                promoted.add(run.id());
            }
        };
        try (TrainingPipeline p = pipeline(DEMO, serving, store, RunLog.NONE, hears)) {
            RunRecord.View first = p.runNow("test").orElseThrow();
            assertThat(first.status()).isEqualTo(RunRecord.Status.PROMOTED);
            assertThat(first.artifact()).contains(first.id());
            blobs.broken = true;
            RunRecord.View second = p.runNow("test").orElseThrow();
            assertThat(second.status()).isEqualTo(RunRecord.Status.FAILED);
            assertThat(second.reasons()).singleElement().asString().contains("could not save the model")
                    .contains("No space left on device");
            assertThat(serving.current().orElseThrow().version()).isEqualTo(first.id());
            assertThat(store.versions()).containsExactly(first.id());
            assertThat(store.loadLatest().orElseThrow().version()).isEqualTo(first.id());
            assertThat(promoted).as("only the first run reached the export").containsExactly(first.id());
        }
    }

    @Test
    void everyEndedRunIsWrittenToTheRunLogAndALogThatFailsDoesNotFailTheRun() {
        java.util.List<RunRecord.View> written = new java.util.ArrayList<>();
        RunLog log = new RunLog() {
            @Override
            public void save(RunRecord.View run) {
                written.add(run);
                throw new IllegalStateException("warehouse unreachable");
            }

            @Override
            public java.util.List<RunRecord.View> recent(int limit) {
                throw new IllegalStateException("warehouse unreachable");
            }
        };
        ServingModel serving = new ServingModel();
        try (TrainingPipeline p = pipeline(DEMO, serving, null, log, RunListener.NONE)) {
            p.restoreHistory(); // logged, not thrown
            RunRecord.View run = p.runNow("test").orElseThrow();
            assertThat(run.status()).isEqualTo(RunRecord.Status.PROMOTED);
            assertThat(written).extracting(RunRecord.View::id).containsExactly(run.id());
            assertThat(written.get(0).dataStats()).containsKeys("events", "users", "items", "pairs");
            assertThat(p.recent()).extracting(RunRecord.View::id).containsExactly(run.id());
        }
    }

    @Test
    void withTuningTheFirstRunSearchesAndTheNextReusesTheChoice() {
        ServingModel serving = new ServingModel();
        try (TrainingPipeline p = pipeline(DEMO, LENIENT, serving,
                new TrainingPipeline.Tuning(java.time.Duration.ofDays(7), 60))) {
            RunRecord.View first = p.runNow("test").orElseThrow();
            assertThat(first.status()).as(first.reasons().toString()).isEqualTo(RunRecord.Status.PROMOTED);
            java.util.Map<String, Object> train = first.steps().get(3).details();
            assertThat(train).containsEntry("parameters", "tuned now");
            assertThat((Integer) train.get("candidates")).isGreaterThan(10);
            RunRecord.View second = p.runNow("test").orElseThrow();
            assertThat(second.steps().get(3).details().get("parameters").toString()).startsWith("tuned at");
            assertThat(second.parameters()).isEqualTo(first.parameters());
        }
    }

    @Test
    void aModelThatPassesTheGateIsRefitOnEverythingAndPublished() {
        ServingModel serving = new ServingModel();
        try (TrainingPipeline p = pipeline(DEMO, LENIENT, serving)) {
            RunRecord.View run = p.runNow("test").orElseThrow();
            assertThat(run.status()).as(run.reasons().toString()).isEqualTo(RunRecord.Status.PROMOTED);
            assertThat(run.steps()).extracting(RunRecord.Step::name)
                    .containsExactly("start", "extract", "transform", "train", "evaluate", "end");
            assertThat(run.steps()).allMatch(s -> s.seconds() != null && s.seconds() >= 0);
            assertThat(run.metrics().get("ndcg@10")).isGreaterThan(run.metrics().get("popular_ndcg@10"));
            assertThat(run.parameters()).containsEntry("factors", 32);
            Snapshot s = serving.current().orElseThrow();
            assertThat(s.hasModel()).isTrue();
            assertThat(s.version()).isEqualTo(run.id()).isEqualTo(run.modelVersion());
            assertThat(s.metrics()).containsKey("ndcg@10");
            assertThat(serving.previous().orElseThrow().hasModel()).as("the popular snapshot before it").isFalse();
            assertThat(p.recent()).extracting(RunRecord.View::id).containsExactly(run.id());
        }
    }

    @Test
    void metricKeysFollowTheEvaluationsK() {
        ServingModel serving = new ServingModel();
        try (TrainingPipeline p = new TrainingPipeline(DEMO, DEMO, new TrainingPipeline.Settings(WINDOW,
                TransformRules.DEFAULT, PARAMS, new GateThresholds(0.99, 0, 0, 0.5, 0), IndexSpec.NORM_ORDERED, 5, 0, 5, null,
                RankAhead.NONE), serving, Clock.systemUTC())) {
            RunRecord.View run = p.runNow("test").orElseThrow();
            assertThat(run.metrics()).containsKeys("ndcg@5", "precision@5", "popular_ndcg@5")
                    .doesNotContainKey("ndcg@10");
            assertThat(run.reasons()).singleElement().asString().startsWith("ndcg@5 ");
            assertThat(run.parameters()).containsOnlyKeys(PARAMS.asMap().keySet());
        }
    }

    @Test
    void theGateMeasuresTheServingIndexsRecallAndRefusesAGraphSearchedWithATinyEf() {
        GateThresholds gate = new GateThresholds(0.01, 0.005, 0.99, 0.5, 0.1);
        IndexSpec tiny = IndexSpec.hnsw(new org.partrec.index.HnswParams(4, 4, 1, Double.POSITIVE_INFINITY));
        for (IndexSpec index : java.util.List.of(IndexSpec.NORM_ORDERED, tiny)) {
            ServingModel serving = new ServingModel();
            try (TrainingPipeline p = new TrainingPipeline(DEMO, DEMO, new TrainingPipeline.Settings(WINDOW,
                    TransformRules.DEFAULT, PARAMS, gate, index, 10, 0, 5, null, RankAhead.NONE), serving,
                    Clock.systemUTC())) {
                RunRecord.View run = p.runNow("test").orElseThrow();
                double recall = run.metrics().get("hnsw_recall@10");
                if (index == tiny) {
                    assertThat(recall).isLessThan(0.99);
                    assertThat(run.metrics().get("similar_recall@10")).as("the cosine graph, as tiny").isLessThan(0.99);
                    assertThat(run.status()).isEqualTo(RunRecord.Status.REJECTED);
                    assertThat(run.reasons()).hasSize(2).allSatisfy(r -> assertThat(r).endsWith("below the minimum 0.9900"));
                    assertThat(run.reasons().get(0)).startsWith("hnsw_recall@10 ");
                    assertThat(run.reasons().get(1)).startsWith("similar_recall@10 ");
                    assertThat(serving.current().orElseThrow().hasModel()).isFalse();
                } else {
                    assertThat(recall).as("exact answers, measured").isEqualTo(1.0);
                    assertThat(run.metrics()).as("its cosine search is the exact scan: nothing to measure")
                            .doesNotContainKey("similar_recall@10");
                    assertThat(run.status()).as(run.reasons().toString()).isEqualTo(RunRecord.Status.PROMOTED);
                    assertThat(run.steps().get(5).details()).containsEntry("index", "norm-ordered")
                            .containsKey("index_build_s");
                }
            }
        }
    }

    @Test
    void aRejectedModelLeavesTheServingSnapshotAndSaysWhy() {
        ServingModel serving = new ServingModel();
        try (TrainingPipeline p = pipeline(DEMO, new GateThresholds(0.99, 0, 0, 0.5, 0), serving)) {
            RunRecord.View run = p.runNow("test").orElseThrow();
            assertThat(run.status()).isEqualTo(RunRecord.Status.REJECTED);
            assertThat(run.reasons()).singleElement().asString().contains("ndcg@10").contains("below the minimum 0.99");
            assertThat(run.modelVersion()).isNull();
            Snapshot s = serving.current().orElseThrow();
            assertThat(s.hasModel()).as("still the popularity list").isFalse();
        }
    }

    @Test
    void aFailingSourceIsAFailedRunAndNothingIsPublished() {
        ServingModel serving = new ServingModel();
        InteractionSource broken = new InteractionSource() {
            @Override
            public long extract(Window window) {
                throw new IllegalStateException("warehouse unreachable");
            }

            @Override
            public long transform(Window window, TransformRules rules, TransformSink sink) {
                throw new AssertionError("never reached");
            }
        };
        try (TrainingPipeline p = pipeline(broken, LENIENT, serving)) {
            RunRecord.View run = p.runNow("test").orElseThrow();
            assertThat(run.status()).isEqualTo(RunRecord.Status.FAILED);
            assertThat(run.reasons()).containsExactly("warehouse unreachable");
            assertThat(serving.current()).isEmpty();
        }
    }

    @Test
    void closingDuringARunStopsItAtTheNextStepBoundaryWithNothingPublished() throws Exception {
        CountDownLatch extracting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InteractionSource slow = held(extracting, release);
        ServingModel serving = new ServingModel();
        java.util.List<RunRecord.View> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        RunLog log = new RunLog() {
            @Override
            public void save(RunRecord.View run) {
                logged.add(run);
            }

            @Override
            public java.util.List<RunRecord.View> recent(int limit) {
                return java.util.List.of();
            }
        };
        TrainingPipeline p = pipeline(slow, serving, null, log, RunListener.NONE);
        p.trigger("schedule");
        assertThat(extracting.await(10, TimeUnit.SECONDS)).isTrue();
        Thread closer = new Thread(p::close);
        closer.start();
        Thread.sleep(200); // close() has set the flag and waits for the boundary
        release.countDown();
        closer.join(20_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(logged).singleElement().satisfies(run -> {
            assertThat(run.status()).isEqualTo(RunRecord.Status.FAILED);
            assertThat(run.reasons()).containsExactly("stopped before step transform: the service is shutting down");
            assertThat(run.steps()).extracting(RunRecord.Step::name).containsExactly("start", "extract");
        });
        assertThat(serving.current()).as("nothing published").isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.trigger("late"))
                .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
    }

    @Test
    void aTriggerDuringARunReturnsTheRunningRunsId() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InteractionSource slow = held(started, release);
        ServingModel serving = new ServingModel();
        try (TrainingPipeline p = pipeline(slow, LENIENT, serving)) {
            String first = p.trigger("schedule");
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.trigger("ops")).isEqualTo(first);
            assertThat(p.runNow("ops")).isEmpty();
            assertThat(p.current().orElseThrow().currentStep()).isEqualTo("extract");
            release.countDown();
            long until = System.nanoTime() + 60_000_000_000L;
            while (p.current().isPresent() && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(p.recent()).extracting(RunRecord.View::id).containsExactly(first);
            assertThat(p.recent().get(0).status()).isEqualTo(RunRecord.Status.PROMOTED);
        }
    }
}
