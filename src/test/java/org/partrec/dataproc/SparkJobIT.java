package org.partrec.dataproc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.NoCredentials;
import com.google.cloud.dataproc.v1.BatchControllerClient;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.index.IndexSpec;
import org.partrec.pipeline.RunListener;
import org.partrec.pipeline.RunLog;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.publish.ModelStore;
import org.partrec.serve.RankAhead;
import org.partrec.serve.ServingModel;
import org.partrec.storage.LocalBlobStore;
import org.partrec.extract.TransformRules;

/**
 * The service on {@code engine: spark} with the real Spark job: the pipeline and Google's Dataproc
 * client against {@link DataprocStandIn} on loopback, as in {@link SparkEngineTest}, but the batch
 * runs {@code org.partrec.spark.TrainJob} itself, the jar the nested build made
 * ({@code target/spark-job/partrec-spark-job.jar}) on Spark's own classpath
 * ({@code target/spark-job/classpath.txt}), in local mode in a process of its own, with the
 * arguments the service put in the batch. Its artifact must pass the service's pair-by-pair check
 * and the gate, and serve. An integration test: the nested build runs before it
 * ({@code pre-integration-test}).
 */
class SparkJobIT {

    private static final Path JOB = Path.of("target", "spark-job", "partrec-spark-job.jar");
    private static final Path CLASSPATH = Path.of("target", "spark-job", "classpath.txt");

    @TempDir
    Path dir;
    private DataprocStandIn dataproc;
    private BatchControllerClient client;
    private final ServingModel serving = new ServingModel();

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (dataproc != null) {
            dataproc.close();
        }
    }

    /** Runs the real job's main in local mode, as spark-submit would run it on a cluster; fails with its stderr. */
    private static void runTheJob(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-cp", JOB.toAbsolutePath() + File.pathSeparator
                        + Files.readString(CLASSPATH, StandardCharsets.UTF_8).strip(),
                "-Dspark.master=local[2]", "-Dspark.driver.bindAddress=127.0.0.1", "-Dspark.driver.host=127.0.0.1",
                "-Dspark.ui.enabled=false", "-Dspark.sql.shuffle.partitions=4", "org.partrec.spark.TrainJob"));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("the Spark job did not end in 10 minutes:\n" + out);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("the Spark job exited " + p.exitValue() + ":\n" + out);
        }
    }

    @Test
    void theRealJobFitsBothBatchesAndItsModelIsGatedStoredAndServed() throws Exception {
        assertThat(JOB).as("the nested build's job jar").isRegularFile();
        assertThat(CLASSPATH).as("the nested build's Spark classpath").isRegularFile();
        dataproc = DataprocStandIn.start(SparkJobIT::runTheJob);
        client = DataprocEngine.client("us-central1", dataproc.endpoint(), NoCredentials::getInstance);
        LocalBlobStore blobs = new LocalBlobStore(dir.resolve("store"));
        ModelStore store = new ModelStore(blobs, 5);
        DataprocEngine engine = new DataprocEngine(client, SparkEngineTest.DEMO, blobs,
                dir.resolve("store").toUri().toString(), new DataprocEngine.Settings("test-project", "us-central1",
                SparkEngineTest.JAR, "3.0", dir.resolve("input").toString(), Duration.ofMillis(200),
                Duration.ofMinutes(10), "trainer@test-project.iam.gserviceaccount.com", "", Map.of(), 0));
        try (TrainingPipeline p = new TrainingPipeline(SparkEngineTest.DEMO, SparkEngineTest.DEMO,
                new TrainingPipeline.Settings(SparkEngineTest.WINDOW, TransformRules.DEFAULT, SparkEngineTest.PARAMS,
                        SparkEngineTest.LENIENT, IndexSpec.NORM_ORDERED, 10, 0, 5, null, RankAhead.NONE), serving,
                Clock.systemUTC(), new TrainingPipeline.Outputs(store, RunLog.NONE, RunListener.NONE), engine)) {
            RunRecord.View run = p.runNow("test").orElseThrow();

            assertThat(run.status()).as(run.reasons().toString()).isEqualTo(RunRecord.Status.PROMOTED);
            assertThat(serving.current().orElseThrow().version()).isEqualTo(run.id());
            assertThat(store.latest()).contains(run.id());
            assertThat(dataproc.created()).as("the fit on the split, then the refit").hasSize(2);
            // Spark's ALS on the service's pairs beats the popular list on the service's own holdout
            assertThat(run.metrics().get("ndcg@10")).isGreaterThan(run.metrics().get("popular_ndcg@10"));
            assertThat(dir.resolve("store/candidates")).as("the job's artifacts, read and deleted").isEmptyDirectory();
        }
    }
}
