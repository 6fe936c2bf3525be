package org.partrec.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.partrec.demo.DemoEvents;
import org.partrec.extract.TransformRules;
import org.partrec.index.IndexSpec;
import org.partrec.pipeline.RunListener;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.publish.GateThresholds;
import org.partrec.publish.ModelStore;
import org.partrec.serve.RankAhead;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.storage.GcsBlobStore;
import org.partrec.train.AlsParams;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * A serving replica on the staging configuration (BigQuery and GCS) while BigQuery cannot be
 * reached: its client points at a loopback port where nothing listens. The replica starts, is
 * ready and serves the model the bucket holds (a trainer saved it there), because nothing it
 * needs to serve comes from BigQuery and no table DDL runs at its start; the run list it shows ops
 * is empty, the unread run log counted as a background failure, not an error of the service.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "PARTREC_ENV=staging", "GCP_PROJECT=" + BigQueryStandIn.PROJECT,
    "PARTREC_MODEL_BUCKET=" + ServingWithoutBigQueryTest.BUCKET, "management.server.port=0",
    "partrec.ops.token=test-token", "partrec.training.enabled=false", "partrec.export.enabled=false",
    // logging is set up once per JVM: staging's JSON lines would leak into the tests that run after this one
    "logging.structured.format.console="})
class ServingWithoutBigQueryTest {

    static final String BUCKET = "partrec-replica-models";
    static final Storage GCS = StorageOptions.newBuilder().setProjectId(BigQueryStandIn.PROJECT)
            .setCredentials(NoCredentials.getInstance())
            .setServiceRpcFactory(com.google.cloud.storage.contrib.nio.testing.OptionsAcceptingStorage.factory()).build().getService();
    static final String TRAINED;

    static {
        // the trainer's side: a model trained on a DuckDB warehouse and saved to the bucket
        DemoEvents demo = new DemoEvents(org.partrec.demo.DemoCatalog.generate(300, 4), 800, 12_000, 4,
                java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS));
        try (DuckDbWarehouse w = DuckDbWarehouse.open(null, "partrec", WarehouseTables.DEFAULT);
             TrainingPipeline p = new TrainingPipeline(w, w, new TrainingPipeline.Settings(Duration.ofDays(3650),
                     TransformRules.DEFAULT, AlsParams.defaults().withFactors(8).withThreads(2),
                     new GateThresholds(0, 0, 0, 1, 0), IndexSpec.NORM_ORDERED, 10, 0, 5, null, RankAhead.NONE),
                     new ServingModel(), Clock.systemUTC(), new TrainingPipeline.Outputs(
                             new ModelStore(new GcsBlobStore(GCS, BUCKET, "partrec/models"), 3), w, RunListener.NONE))) {
            DemoLoad.loadIfEmpty(w, demo);
            RunRecord.View run = p.runNow("test").orElseThrow();
            assertThat(run.status()).isEqualTo(RunRecord.Status.PROMOTED);
            TRAINED = run.id();
        }
    }

    /** A loopback port that was free a moment ago: connections to it are refused. */
    static int deadPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TestConfiguration
    static class Clients {
        @Bean
        CredentialsProvider credentialsProvider() {
            return NoCredentials::getInstance;
        }

        @Bean
        @Primary
        BigQuery bigQuery() {
            return BigQueryOptions.newBuilder().setProjectId(BigQueryStandIn.PROJECT)
                    .setHost("http://127.0.0.1:" + deadPort()).setCredentials(NoCredentials.getInstance())
                    .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(2)
                            .setTotalTimeoutDuration(Duration.ofSeconds(5)).build())
                    .build().getService();
        }

        @Bean
        @Primary
        Storage storage() {
            return GCS;
        }
    }

    @Autowired
    ServingModel serving;
    @Autowired
    MeterRegistry meters;
    @LocalServerPort
    int port;
    @LocalManagementPort
    int managementPort;

    @Test
    void servesTheBucketsModelAndIsReadyWhileBigQueryIsDown() throws Exception {
        org.partrec.app.FirstModel.await(serving);
        Snapshot s = serving.current().orElseThrow();
        assertThat(s.version()).isEqualTo(TRAINED);

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        String user = s.users().idOf(0);
        HttpResponse<String> recs = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/recommendations/" + user + "?limit=5")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(recs.statusCode()).as(recs.body()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(recs.body());
        assertThat(body.get("source").asText()).isEqualTo("model");
        assertThat(body.get("items")).hasSize(5);
        assertThat(recs.headers().firstValue("X-Model-Version")).hasValue(TRAINED);

        // ops ask for the runs: BigQuery is refused, the list is empty and the failure is counted
        HttpResponse<String> runs = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + managementPort + "/actuator/retrain"))
                .header("Authorization", "Bearer test-token").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(runs.statusCode()).as(runs.body()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(runs.body()).get("recent")).isEmpty();
        assertThat(meters.get("partrec.background.failures").tag("task", TrainingPipeline.RUN_LOG).counter().count())
                .isGreaterThanOrEqualTo(1);
    }
}
