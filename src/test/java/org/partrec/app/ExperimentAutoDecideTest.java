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
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * With {@code auto-decide}, an experiment ends by itself: once both variants have
 * {@code min-impressions} answers and the interval of the difference in conversion excludes zero,
 * the better variant is kept. Here every challenger answer is followed by a purchase and no
 * champion answer is, so the challenger is promoted, in the store and in its run record.
 */
class ExperimentAutoDecideTest {

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aChallengerThatClearlyConvertsBetterIsPromotedOnceEachVariantHasItsAnswers() throws Exception {
        try (ConfigurableApplicationContext app = FleetRollbackTest.start(dir, true, "--partrec.events.store=false",
                "--partrec.experiment.id=auto-1", "--partrec.experiment.share=0.5",
                "--partrec.experiment.auto-decide=true", "--partrec.experiment.min-impressions=20",
                "--partrec.experiment.tally-every=1s")) {
            ServingModel serving = app.getBean(ServingModel.class);
            FirstModel.await(serving);
            String v1 = serving.current().map(Snapshot::version).orElseThrow();
            Await.retrain(app);
            Await.until(() -> serving.challenger().isPresent(), "a challenger");
            String v2 = serving.challenger().get().version();

            Snapshot s = serving.current().orElseThrow();
            StringBuilder events = new StringBuilder("{\"events\":[");
            int answers = 0;
            int purchases = 0;
            for (int u = 0; u < s.users().size() && answers < 80; u++, answers++) {
                String user = s.users().idOf(u);
                JsonNode a = json.readTree(send(HttpRequest.newBuilder(
                        uri(app, "local.server.port", "/recommendations/" + user)).GET().build()).body());
                String id = a.get("recommendationId").asText();
                // before the experiment's interval is decided, nothing has ended
                assertThat(serving.current().map(Snapshot::version)).contains(v1);
                if (id.contains(".challenger.")) {
                    events.append(purchases++ == 0 ? "" : ",").append(String.format(
                            "{\"eventId\":\"p-%d\",\"userId\":\"%s\",\"itemId\":\"%s\",\"type\":\"purchase\","
                                    + "\"quantity\":1,\"timestamp\":\"%s\",\"recommendationId\":\"%s\"}", u, user,
                            a.at("/items/0/itemId").asText(), Instant.now(), id));
                }
            }
            assertThat(purchases).as("challenger answers among 80").isBetween(20, 60);
            HttpResponse<String> posted = send(HttpRequest.newBuilder(uri(app, "local.server.port", "/events"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(events.append("]}").toString())).build());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);

            Await.until(() -> serving.challenger().isEmpty() && serving.current().map(x -> x.version().equals(v2))
                    .orElse(false), "the experiment decided by itself");
            assertThat(Files.readString(dir.resolve("models/LATEST"))).contains(v2);
            TrainingPipeline pipeline = app.getBean(TrainingPipeline.class);
            Await.until(() -> pipeline.recent().stream().anyMatch(r -> r.id().equals(v2)
                    && r.status() == RunRecord.Status.PROMOTED), "the outcome in the challenger's run record");
            RunRecord.Step step = pipeline.recent().stream().filter(r -> r.id().equals(v2)).findFirst().orElseThrow()
                    .steps().stream().filter(x -> x.name().equals("experiment")).findFirst().orElseThrow();
            assertThat(step.details()).containsEntry("decidedBy", "auto-decide").containsEntry("outcome", "promoted");
            // every challenger answer converted, no champion answer did: the difference is 1, its interval too
            assertThat(step.details().get("ci95")).isEqualTo(java.util.List.of(1.0, 1.0));
        }
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(ConfigurableApplicationContext c, String port, String path) {
        return URI.create("http://localhost:" + c.getEnvironment().getProperty(port) + path);
    }
}
