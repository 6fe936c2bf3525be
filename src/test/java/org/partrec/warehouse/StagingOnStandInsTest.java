package org.partrec.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.gax.core.CredentialsProvider;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.partrec.demo.DemoEvents;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The whole service on the staging configuration ({@code configs/staging.yaml}: BigQuery and
 * GCS through the spring-cloud-gcp starters), with the real Google client libraries talking to
 * stand-ins on loopback: the BigQuery stand-in (the received SQL run on DuckDB, holding a demo
 * store in the staging dataset) and LocalStorageHelper's in-memory GCS. A first run extracts
 * and transforms through BigQuery, trains, saves the model to the bucket, serves it, exports to
 * BigQuery's output tables and writes its run record there. {@code POST /events} streams each
 * batch into BigQuery's {@code storefront_events}, and answers 503 while BigQuery refuses it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "PARTREC_ENV=staging", "GCP_PROJECT=" + BigQueryStandIn.PROJECT, "PARTREC_MODEL_BUCKET=" + StagingOnStandInsTest.BUCKET,
    "management.server.port=0", "partrec.ops.token=test-token", "partrec.training.factors=16",
    "partrec.training.threads=2", "partrec.training.parameters=config",
    "partrec.transform.min-user-items=1", "partrec.transform.min-item-users=1", "partrec.gate.min-ndcg=0.01",
    "partrec.gate.min-margin-over-popular=0", "partrec.export.top-n=3", "partrec.export.backoff=10ms",
    // logging is set up once per JVM: staging's JSON lines would leak into the tests that run after this one
    "logging.structured.format.console="})
class StagingOnStandInsTest {

    static final String BUCKET = "partrec-staging-models";
    static final DemoEvents DEMO = new DemoEvents(org.partrec.demo.DemoCatalog.generate(400, 9), 1_000, 20_000, 9,
            java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS));
    static final DuckDbWarehouse BACKING = DuckDbWarehouse.open(null, "partrec_staging", WarehouseTables.DEFAULT);
    static final BigQueryStandIn BIGQUERY;
    static final Storage GCS = StorageOptions.newBuilder().setProjectId(BigQueryStandIn.PROJECT)
            .setCredentials(NoCredentials.getInstance())
            .setServiceRpcFactory(com.google.cloud.storage.contrib.nio.testing.OptionsAcceptingStorage.factory()).build().getService();

    static {
        DemoLoad.loadIfEmpty(BACKING, DEMO);
        BIGQUERY = new BigQueryStandIn(BACKING);
    }

    @TestConfiguration
    static class StandIns {
        @Bean
        CredentialsProvider credentialsProvider() {
            return NoCredentials::getInstance;
        }

        @Bean
        @Primary
        BigQuery bigQuery() {
            return BIGQUERY.client();
        }

        @Bean
        @Primary
        Storage storage() {
            return GCS;
        }
    }

    @AfterAll
    static void stop() {
        BIGQUERY.close();
    }

    @Autowired
    ServingModel serving;
    @Autowired
    TrainingPipeline pipeline;
    @LocalServerPort
    int port;

    @Test
    void aRunGoesThroughBigQueryAndGcsAndIsServedExportedAndRecorded() throws Exception {
        org.partrec.app.FirstModel.await(serving, pipeline::recent);
        Snapshot s = serving.current().orElseThrow();
        assertThat(s.users().size()).isGreaterThan(900);

        // the model is in the bucket, under the configured prefix, with its pointer
        List<String> objects = StreamSupport.stream(GCS.list(BUCKET).iterateAll().spliterator(), false)
                .map(b -> b.getName()).toList();
        assertThat(objects).contains("partrec/models/LATEST", "partrec/models/models/" + s.version() + ".partrec");

        // the export and the run record end in BigQuery's tables
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        RunRecord.View run = null;
        while (System.nanoTime() < until) {
            run = pipeline.recent().stream().filter(r -> s.version().equals(r.modelVersion())).findFirst().orElse(null);
            if (run != null && "exported".equals(run.export().get("status"))) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(run).isNotNull();
        // the SQL went to BigQuery as parameterised jobs of the staging dataset
        assertThat(BIGQUERY.queryJobs("FROM `test-project.partrec_staging.events`")).hasSize(1);
        assertThat(BIGQUERY.queryJobs("MERGE INTO `test-project.partrec_staging.user_recommendations`")).hasSize(1);
        assertThat(BIGQUERY.executedJobs()).as("the steps, in order, as BigQuery jobs")
                .anyMatch(id -> id.startsWith("partrec_extract_")).anyMatch(id -> id.startsWith("partrec_transform_"))
                .anyMatch(id -> id.startsWith("partrec_stage_")).anyMatch(id -> id.startsWith("partrec_save_run_"));
        assertThat(run.export()).as(run.export().toString()).containsEntry("status", "exported");
        assertThat(run.artifact()).startsWith("gs://" + BUCKET + "/partrec/models/");
        assertThat(BACKING.query("SELECT count(*) FROM partrec_staging.user_recommendations WHERE run_id = '"
                + run.id() + "'").get(0)[0]).isEqualTo(3L * s.users().size());
        assertThat(BACKING.query("SELECT status, artifact FROM partrec_staging.training_runs WHERE run_id = '"
                + run.id() + "'")).singleElement().satisfies(r -> assertThat(r[0]).isEqualTo("promoted"));
    }

    HttpResponse<String> postEvents(String... events) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"events\":[" + String.join(",", events) + "]}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String event(String id, String type) {
        return "{\"eventId\":\"" + id + "\",\"userId\":\"C-1\",\"itemId\":\"HLY-0001\",\"type\":\"" + type
                + "\",\"timestamp\":\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\"}";
    }

    static List<String> stored(String idPrefix) {
        return BACKING.query("SELECT event_id, event_type FROM partrec_staging.storefront_events WHERE event_id LIKE '"
                + idPrefix + "%' ORDER BY event_id").stream().map(r -> r[0] + " " + r[1]).toList();
    }

    @Test
    void postedEventsAreStreamedIntoBigQueryAndA503SaysToSendThemAgain() throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpResponse<String> first = postEvents(event("s-1", "view"), event("s-2", "cart"), event("s-1", "view"));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode answer = json.readTree(first.body());
        assertThat(List.of(answer.get("received").asInt(), answer.get("added").asInt(), answer.get("repeated").asInt()))
                .containsExactly(3, 2, 1);
        assertThat(answer.get("stored").asBoolean()).isTrue();
        assertThat(stored("s-")).containsExactly("s-1 view", "s-2 add_to_cart");
        assertThat(BIGQUERY.requests("tabledata.insertAll")).isNotEmpty().allSatisfy(r -> assertThat(r.uri())
                .contains("/datasets/partrec_staging/tables/storefront_events/insertAll"));

        // BigQuery answers 503 to every try: the batch is refused, nothing of it stored; sent again, it is
        BIGQUERY.fail("tabledata.insertAll", 4, 503, "backendError", "The service is currently unavailable.");
        HttpResponse<String> refused = postEvents(event("s-3", "purchase"));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json.readTree(refused.body()).get("detail").asText()).contains("send")
                .contains("cannot store 1 posted events into storefront_events");
        assertThat(stored("s-3")).isEmpty();
        HttpResponse<String> again = postEvents(event("s-3", "purchase"));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(stored("s-3")).containsExactly("s-3 purchase");
    }
}
