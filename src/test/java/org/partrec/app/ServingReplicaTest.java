package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.partrec.index.IndexSpec;
import org.partrec.demo.DemoEvents;
import org.partrec.extract.TransformRules;
import org.partrec.publish.GateThresholds;
import org.partrec.publish.ModelStore;
import org.partrec.pipeline.RunListener;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.serve.RankAhead;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.storage.LocalBlobStore;
import org.partrec.train.AlsParams;
import org.partrec.warehouse.DemoWarehouses;
import org.partrec.warehouse.DemoLoad;
import org.partrec.warehouse.DuckDbWarehouse;
import org.partrec.warehouse.WarehouseTables;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A replica that does not train: it starts on the model a training replica saved to the store,
 * and is ready without training.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "management.server.port=0", "partrec.training.enabled=false", "partrec.demo.load=false",
    "partrec.export.enabled=false"})
class ServingReplicaTest {

    static final Path DIR;
    static final String TRAINED;

    static {
        try {
            DIR = Files.createTempDirectory("partrec-replica");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        DemoEvents demo = DemoWarehouses.demo(1_500, 600, 30_000, 5);
        ServingModel trainerSide = new ServingModel();
        try (DuckDbWarehouse w = DuckDbWarehouse.open(DIR.resolve("warehouse.duckdb"), "partrec",
                WarehouseTables.DEFAULT);
             TrainingPipeline p = new TrainingPipeline(w, w, new TrainingPipeline.Settings(Duration.ofDays(3650),
                     TransformRules.DEFAULT, AlsParams.defaults().withFactors(16).withThreads(2),
                     new GateThresholds(0, 0, 0, 1, 0), IndexSpec.NORM_ORDERED, 10, 0, 5, null, RankAhead.NONE), trainerSide, Clock.systemUTC(),
                     new TrainingPipeline.Outputs(new ModelStore(new LocalBlobStore(DIR.resolve("models")), 3),
                             w, RunListener.NONE))) {
            DemoLoad.loadIfEmpty(w, demo);
            RunRecord.View run = p.runNow("test").orElseThrow();
            assertThat(run.status()).isEqualTo(RunRecord.Status.PROMOTED);
            assertThat(run.artifact()).startsWith("file:").contains(run.id());
            TRAINED = run.id();
        }
    }

    @DynamicPropertySource
    static void paths(DynamicPropertyRegistry r) {
        r.add("partrec.models.path", () -> DIR.resolve("models").toString());
        r.add("partrec.warehouse.path", () -> DIR.resolve("warehouse.duckdb").toString());
    }

    @Autowired
    ServingModel serving;
    @LocalManagementPort
    int managementPort;

    @Test
    void startsOnTheStoredModelWithoutTraining() throws Exception {
        FirstModel.await(serving);
        Snapshot s = serving.current().orElseThrow();
        assertThat(s.version()).isEqualTo(TRAINED);
        assertThat(s.metrics()).containsKey("ndcg@10");
        assertThat(s.users().size()).isGreaterThan(1_000);
        assertThat(serving.previous()).as("nothing was trained here").isEmpty();
    }

    @Test
    void opsSeeTheTrainersRunsAndCannotStartOneHere() throws Exception {
        FirstModel.await(serving);
        HttpClient http = HttpClient.newHttpClient();
        URI retrain = URI.create("http://localhost:" + managementPort + "/actuator/retrain");
        HttpResponse<String> runs = http.send(HttpRequest.newBuilder(retrain).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode recent = new ObjectMapper().readTree(runs.body()).get("recent");
        assertThat(recent).hasSize(1);
        assertThat(recent.get(0).get("id").asText()).isEqualTo(TRAINED);
        assertThat(recent.get(0).get("status").asText()).isEqualTo("PROMOTED");
        assertThat(recent.get(0).get("artifact").asText()).contains(TRAINED);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(retrain).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(409);
        assertThat(post.body()).contains("training is switched off on this replica");
    }
}
