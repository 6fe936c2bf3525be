package org.partrec.dataproc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.dataproc.v1.CreateBatchRequest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.partrec.app.FirstModel;
import org.partrec.app.OnTempStore;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service with {@code partrec.training.engine: spark}, as configured: its first run at
 * start-up hands the fit and the refit to {@link DataprocStandIn} on loopback (the real Dataproc
 * client, {@link TrainJobStandIn} in the job's place), and serves the model that came back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "partrec.demo.customers=2000", "partrec.demo.parts=800", "partrec.demo.events=40000",
    "partrec.training.factors=16", "partrec.training.iterations=6", "partrec.training.threads=2",
    "partrec.training.engine=spark", "partrec.training.spark.project=test-project",
    "partrec.training.spark.region=us-central1",
    "partrec.training.spark.jar=gs://partrec-jobs/partrec-spark-job.jar",
    "partrec.training.spark.input=${java.io.tmpdir}/partrec-test-${random.uuid}/spark-input",
    "partrec.training.spark.poll-every=1s"})
class SparkServiceTest extends OnTempStore {

    static final DataprocStandIn DATAPROC = DataprocStandIn.start(new TrainJobStandIn());

    @DynamicPropertySource
    static void dataproc(DynamicPropertyRegistry registry) {
        registry.add("partrec.training.spark.endpoint", DATAPROC::endpoint);
    }

    @AfterAll
    static void stop() {
        DATAPROC.close();
    }

    @Autowired
    TrainingPipeline pipeline;

    @Test
    void theFirstRunFitsOnDataprocAndItsModelServes() throws Exception {
        FirstModel.await(serving, () -> pipeline.recent());
        long until = System.nanoTime() + 60_000_000_000L; // the model serves before its run ends
        while (pipeline.recent().isEmpty() && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(pipeline.recent()).as("the first run ended").isNotEmpty();

        RunRecord.View run = pipeline.recent().get(0);
        assertThat(run.status()).as(run.reasons().toString()).isEqualTo(RunRecord.Status.PROMOTED);
        assertThat(serving.current().orElseThrow().version()).isEqualTo(run.id());
        List<CreateBatchRequest> created = DATAPROC.created();
        assertThat(created).extracting(CreateBatchRequest::getBatchId).containsExactly(
                DataprocEngine.batchId(run.id() + "-fit"), DataprocEngine.batchId(run.id() + "-refit"));
        assertThat(created.get(0).getParent()).isEqualTo("projects/test-project/locations/us-central1");
        assertThat(created.get(0).getBatch().getSparkBatch().getJarFileUrisList())
                .containsExactly("gs://partrec-jobs/partrec-spark-job.jar");
        assertThat(created.get(0).getBatch().getSparkBatch().getArgsList()).containsSequence("--factors", "16")
                .containsSequence("--iterations", "6");
        assertThat(run.steps().stream().filter(s -> s.name().equals("train")).findFirst().orElseThrow().details())
                .containsEntry("engine", "spark").containsEntry("fit_state", "SUCCEEDED");
    }
}
