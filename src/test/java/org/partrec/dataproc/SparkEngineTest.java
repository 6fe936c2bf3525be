package org.partrec.dataproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.cloud.NoCredentials;
import com.google.cloud.dataproc.v1.Batch;
import com.google.cloud.dataproc.v1.BatchControllerClient;
import com.google.cloud.dataproc.v1.CreateBatchRequest;
import com.google.cloud.dataproc.v1.SparkBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.demo.DemoEvents;
import org.partrec.evaluate.HoldoutSplit;
import org.partrec.extract.TransformRules;
import org.partrec.extract.Window;
import org.partrec.features.Interactions;
import org.partrec.features.TrainingSet;
import org.partrec.index.IndexSpec;
import org.partrec.pipeline.RunListener;
import org.partrec.pipeline.RunLog;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.publish.GateThresholds;
import org.partrec.publish.ModelStore;
import org.partrec.serve.RankAhead;
import org.partrec.serve.ServingModel;
import org.partrec.storage.LocalBlobStore;
import org.partrec.train.AlsParams;
import org.partrec.warehouse.DemoWarehouses;
import org.partrec.warehouse.DuckDbWarehouse;

/**
 * The service's train step on {@code engine: spark}: the pipeline with the embedded warehouse
 * (a generated demo store), Google's Dataproc client speaking gRPC to {@link DataprocStandIn} on
 * loopback, and {@link TrainJobStandIn} in the place of the Spark job. A batch that succeeds gives
 * a model that is gated, stored and served; one that fails, is cancelled, times out or is stopped
 * with the service leaves the serving and stored model as they were, with the reason in the run
 * record; the Parquet the warehouse wrote holds exactly the pairs of the service's own fits.
 */
class SparkEngineTest {

    static final DemoEvents EVENTS = DemoWarehouses.demo(2_000, 800, 40_000, 3);
    static final DuckDbWarehouse DEMO = DemoWarehouses.loaded(EVENTS);
    static final Duration WINDOW = Duration.ofDays(3650);
    static final AlsParams PARAMS = AlsParams.defaults().withFactors(32).withRegularization(5).withAlpha(2)
            .withIterations(8).withThreads(2);
    static final GateThresholds LENIENT = new GateThresholds(0.01, 0.005, 0.0, 0.5, 0.1);
    static final String JAR = "gs://partrec-jobs/partrec-spark-job.jar";
    static final String PARENT = "projects/test-project/locations/us-central1";

    @TempDir
    Path dir;
    private DataprocStandIn dataproc;
    private BatchControllerClient client;
    private final ServingModel serving = new ServingModel();
    private ModelStore store;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (dataproc != null) {
            dataproc.close();
        }
    }

    private TrainingPipeline pipeline(DataprocStandIn.JobRunner job, Duration timeout) throws Exception {
        dataproc = DataprocStandIn.start(job);
        client = DataprocEngine.client("us-central1", dataproc.endpoint(), NoCredentials::getInstance);
        LocalBlobStore blobs = new LocalBlobStore(dir.resolve("store"));
        store = new ModelStore(blobs, 5);
        DataprocEngine engine = new DataprocEngine(client, DEMO, blobs, dir.resolve("store").toUri().toString(),
                new DataprocEngine.Settings("test-project", "us-central1", JAR, "3.0", dir.resolve("input").toString(),
                        Duration.ofMillis(20), timeout, "trainer@test-project.iam.gserviceaccount.com", "",
                        Map.of("spark.executor.instances", "2"), 0));
        return new TrainingPipeline(DEMO, DEMO, new TrainingPipeline.Settings(WINDOW, TransformRules.DEFAULT, PARAMS,
                LENIENT, IndexSpec.NORM_ORDERED, 10, 0, 5, null, RankAhead.NONE), serving, Clock.systemUTC(),
                new TrainingPipeline.Outputs(store, RunLog.NONE, RunListener.NONE), engine);
    }

    private static RunRecord.Step step(RunRecord.View run, String name) {
        return run.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aRegParamTunedForSparkIsPassedAsItIsAndTheModelsLambdaOtherwise() {
        DataprocEngine.Settings mapped = new DataprocEngine.Settings("p", "us-central1", JAR, "3.0", "in",
                Duration.ofSeconds(1), Duration.ofMinutes(1), "", "", Map.of(), 0);
        DataprocEngine.Settings tuned = new DataprocEngine.Settings("p", "us-central1", JAR, "3.0", "in",
                Duration.ofSeconds(1), Duration.ofMinutes(1), "", "", Map.of(), 0.5);
        List<String> byMapping = new DataprocEngine(null, null, null, "file:///s/", mapped)
                .batch(PARAMS, "in/v", "file:///s/v.partrec", "v").getSparkBatch().getArgsList();
        List<String> byTuning = new DataprocEngine(null, null, null, "file:///s/", tuned)
                .batch(PARAMS, "in/v", "file:///s/v.partrec", "v").getSparkBatch().getArgsList();
        // the job's default mapping (as-partrec) turns the model's lambda into Spark's count-scaled one
        assertThat(byMapping).containsSubsequence("--regularization", "5.0").doesNotContain("--lambda-scaling");
        assertThat(byTuning).containsSubsequence("--regularization", "0.5").containsSubsequence("--lambda-scaling", "spark");
        assertThat(byTuning.subList(0, byTuning.size() - 2)).hasSameSizeAs(byMapping);
    }

    @Test
    void aBatchThatSucceedsGivesAModelThatIsGatedStoredAndServed() throws Exception {
        try (TrainingPipeline p = pipeline(new TrainJobStandIn(), Duration.ofMinutes(2))) {
            RunRecord.View run = p.runNow("test").orElseThrow();

            assertThat(run.status()).as(run.reasons().toString()).isEqualTo(RunRecord.Status.PROMOTED);
            assertThat(serving.current().orElseThrow().version()).isEqualTo(run.id());
            assertThat(serving.current().orElseThrow().hasModel()).isTrue();
            assertThat(store.latest()).contains(run.id());
            assertThat(run.metrics().get("ndcg@10")).isGreaterThan(run.metrics().get("popular_ndcg@10"));

            List<CreateBatchRequest> created = dataproc.created();
            assertThat(created).as("the fit on the split, then the refit on every pair").hasSize(2);
            for (int b = 0; b < 2; b++) {
                String tag = run.id() + (b == 0 ? "-fit" : "-refit");
                CreateBatchRequest request = created.get(b);
                assertThat(request.getParent()).isEqualTo(PARENT);
                assertThat(request.getBatchId()).isEqualTo(DataprocEngine.batchId(tag)).matches("[a-z][a-z0-9-]{3,62}");
                SparkBatch job = request.getBatch().getSparkBatch();
                assertThat(job.getMainClass()).isEqualTo("org.partrec.spark.TrainJob");
                assertThat(job.getJarFileUrisList()).containsExactly(JAR);
                assertThat(job.getArgsList()).containsExactly("--input", dir.resolve("input").resolve(tag).toString(),
                        "--output", dir.resolve("store").toUri() + "candidates/" + tag + ".partrec", "--version", tag,
                        "--factors", "32", "--iterations", "8", "--regularization", "5.0", "--alpha", "2.0",
                        "--weighting", PARAMS.weighting().label(), "--seed", Long.toString(PARAMS.seed()));
                assertThat(request.getBatch().getRuntimeConfig().getVersion()).isEqualTo("3.0");
                assertThat(request.getBatch().getRuntimeConfig().getPropertiesMap())
                        .containsEntry("spark.executor.instances", "2");
                assertThat(request.getBatch().getEnvironmentConfig().getExecutionConfig().getServiceAccount())
                        .isEqualTo("trainer@test-project.iam.gserviceaccount.com");
                assertThat(dataproc.state(PARENT + "/batches/" + request.getBatchId())).isEqualTo(Batch.State.SUCCEEDED);
            }
            assertThat(step(run, "train").details()).containsEntry("engine", "spark")
                    .containsEntry("fit_state", "SUCCEEDED")
                    .containsEntry("fit_batch", PARENT + "/batches/" + DataprocEngine.batchId(run.id() + "-fit"));
            assertThat(step(run, "end").details()).containsEntry("refit_state", "SUCCEEDED")
                    .containsEntry("outcome", "promoted");
            assertThat(dir.resolve("store/candidates")).as("the job's artifacts, read and deleted").isEmptyDirectory();
        }
    }

    @Test
    void theParquetTheWarehouseWroteHoldsExactlyThePairsOfTheServicesOwnFits() throws Exception {
        try (TrainingPipeline p = pipeline(new TrainJobStandIn(), Duration.ofMinutes(2))) {
            RunRecord.View run = p.runNow("test").orElseThrow();
            assertThat(run.status()).as(run.reasons().toString()).isEqualTo(RunRecord.Status.PROMOTED);
            Map<String, Object> extract = step(run, "extract").details();
            Window window = new Window(Instant.parse((String) extract.get("since")),
                    Instant.parse((String) extract.get("until")));
            TrainingSet set = TrainingSet.transform(DEMO, window, TransformRules.DEFAULT);
            HoldoutSplit.Split split = HoldoutSplit.split(set.interactions(), PARAMS.seed());

            Map<String, Float> fit = parquet(dir.resolve("input").resolve(run.id() + "-fit"));
            Map<String, Float> refit = parquet(dir.resolve("input").resolve(run.id() + "-refit"));

            assertThat(split.holdout().size()).as("a holdout was split off").isGreaterThan(0);
            assertSamePairs(fit, pairs(split.train()));
            assertSamePairs(refit, pairs(set.interactions()));
            assertThat(step(run, "train").details()).containsEntry("fit_input_rows", (long) split.train().size());
        }
    }

    @Test
    void aFailedBatchKeepsTheServingAndStoredModelAndSaysWhy() throws Exception {
        try (TrainingPipeline p = pipeline(new TrainJobStandIn(), Duration.ofMinutes(2))) {
            String first = p.runNow("first").orElseThrow().id();
            dataproc.next(DataprocStandIn.Outcome.FAIL);

            RunRecord.View run = p.runNow("second").orElseThrow();

            assertThat(run.status()).isEqualTo(RunRecord.Status.FAILED);
            assertThat(String.join(" ", run.reasons())).contains("Dataproc batch " + PARENT + "/batches/"
                    + DataprocEngine.batchId(run.id() + "-fit") + " failed: Job failed with message [stand-in:");
            assertThat(step(run, "train").details()).containsEntry("fit_state", "FAILED")
                    .containsEntry("interrupted", true);
            assertThat(serving.current().orElseThrow().version()).isEqualTo(first);
            assertThat(store.latest()).contains(first);
        }
    }

    @Test
    void aBatchCancelledOutsideTheServiceKeepsTheServingModel() throws Exception {
        try (TrainingPipeline p = pipeline(new TrainJobStandIn(), Duration.ofMinutes(2))) {
            String first = p.runNow("first").orElseThrow().id();
            dataproc.next(DataprocStandIn.Outcome.SUCCEED, DataprocStandIn.Outcome.CANCEL);

            RunRecord.View run = p.runNow("second").orElseThrow();

            assertThat(run.status()).isEqualTo(RunRecord.Status.FAILED);
            assertThat(String.join(" ", run.reasons())).contains(DataprocEngine.batchId(run.id() + "-refit")
                    + " was cancelled: Batch cancelled by a user");
            assertThat(step(run, "end").details()).containsEntry("refit_state", "CANCELLED");
            assertThat(serving.current().orElseThrow().version()).isEqualTo(first);
            assertThat(store.latest()).contains(first);
        }
    }

    @Test
    void aBatchThatTimesOutIsCancelledAndTheRunFails() throws Exception {
        try (TrainingPipeline p = pipeline(new TrainJobStandIn(), Duration.ofMillis(500))) {
            dataproc.next(DataprocStandIn.Outcome.HANG);

            RunRecord.View run = p.runNow("test").orElseThrow();

            String batch = PARENT + "/batches/" + DataprocEngine.batchId(run.id() + "-fit");
            assertThat(run.status()).isEqualTo(RunRecord.Status.FAILED);
            assertThat(String.join(" ", run.reasons())).contains("Dataproc batch " + batch
                    + " did not finish within PT0.5S (last state RUNNING); cancelled");
            assertThat(dataproc.cancelled()).containsExactly(batch);
            assertThat(dataproc.state(batch)).isEqualTo(Batch.State.CANCELLED);
            assertThat(serving.current().orElseThrow().hasModel()).as("only the popularity list").isFalse();
            assertThat(store.latest()).isEmpty();
        }
    }

    @Test
    void aRunStoppedWithTheServiceCancelsItsBatch() throws Exception {
        TrainingPipeline p = pipeline(new TrainJobStandIn(), Duration.ofMinutes(10));
        dataproc.next(DataprocStandIn.Outcome.HANG);
        String id = p.trigger("test");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (dataproc.created().isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(dataproc.created()).hasSize(1);
        while (!running(p) && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(p.current().orElseThrow().steps()).as("the running run's record shows the batch's state")
                .last().satisfies(s -> {
                    assertThat(s.name()).isEqualTo("train");
                    assertThat(s.seconds()).isNull();
                    assertThat(s.details()).containsEntry("fit_state", "RUNNING");
                });

        p.close();

        String batch = PARENT + "/batches/" + DataprocEngine.batchId(id + "-fit");
        RunRecord.View run = p.recent().get(0);
        assertThat(run.status()).isEqualTo(RunRecord.Status.FAILED);
        assertThat(String.join(" ", run.reasons())).contains("Dataproc batch " + batch + " cancelled: the run was stopped");
        assertThat(dataproc.cancelled()).containsExactly(batch);
        assertThat(store.latest()).isEmpty();
    }

    @Test
    void aJobThatFittedOnOtherPairsFailsTheRun() throws Exception {
        try (TrainingPipeline p = pipeline(new TrainJobStandIn(1), Duration.ofMinutes(2))) {
            RunRecord.View run = p.runNow("test").orElseThrow();

            assertThat(run.status()).isEqualTo(RunRecord.Status.FAILED);
            assertThat(String.join(" ", run.reasons())).contains("the artifact of run " + run.id()
                    + "'s fit on spark does not match the service's training set");
            assertThat(store.latest()).isEmpty();
        }
    }

    private static boolean running(TrainingPipeline p) {
        return p.current().map(r -> r.steps().stream().anyMatch(s -> "RUNNING".equals(s.details().get("fit_state"))))
                .orElse(false);
    }

    /** The Parquet files of one fit's input, read with DuckDB: weight by "user item". */
    private static Map<String, Float> parquet(Path input) throws Exception {
        assertThat(input.resolve("interactions")).isDirectory();
        Map<String, Float> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT user_id, item_id, weight FROM read_parquet('"
                     + input.resolve("interactions") + "/*.parquet')")) {
            while (r.next()) {
                assertThat(out.put(r.getString(1) + " " + r.getString(2), (float) r.getDouble(3)))
                        .as("one row per pair").isNull();
            }
        }
        return out;
    }

    /**
     * The same pairs with the same weights, to a relative 1e-6: the warehouse sums doubles in
     * parallel, so two runs of the transform may differ in the last bits.
     */
    private static void assertSamePairs(Map<String, Float> actual, Map<String, Float> expected) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((pair, w) -> assertThat(actual.get(pair)).as(pair).isCloseTo(w, within(1e-6f * Math.abs(w))));
    }

    private static Map<String, Float> pairs(Interactions rows) {
        Map<String, Float> out = new HashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            out.put(rows.users().idOf(rows.user(r)) + " " + rows.items().idOf(rows.item(r)), rows.weight(r));
        }
        return out;
    }
}
