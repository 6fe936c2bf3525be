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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.serve.Experiment;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Champion and challenger across a fleet: a trainer and a serving-only replica share one model
 * store, both configured with the same experiment. A model that passes the gate goes under test
 * instead of replacing the champion; both instances answer each customer with the same variant,
 * the challenger's share of them; outcomes posted at either instance add up in
 * {@code /actuator/experiment} at the other; a promotion asked of one is served by both, a stop
 * retires the challenger for good, and each outcome is kept in the challenger's run record.
 */
class ExperimentFleetTest {

    static final double SHARE = 0.3;
    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private ConfigurableApplicationContext start(boolean trains) {
        return FleetRollbackTest.start(dir, trains, "--partrec.events.store=false", "--partrec.experiment.id=exp-1",
                "--partrec.experiment.share=" + SHARE, "--partrec.experiment.tally-every=1s");
    }

    @Test
    void aChallengerServesItsShareOfCustomersOnEveryReplicaUntilPromotedOrStopped() throws Exception {
        ConfigurableApplicationContext trainer = start(true);
        ConfigurableApplicationContext replica = null;
        try {
            ServingModel trainerServing = trainer.getBean(ServingModel.class);
            FirstModel.await(trainerServing);
            String v1 = trainerServing.current().map(Snapshot::version).orElseThrow();
            assertThat(trainerServing.challenger()).as("no champion before it: the first model is promoted").isEmpty();
            replica = start(false);
            ServingModel replicaServing = replica.getBean(ServingModel.class);
            Await.until(() -> v1.equals(replicaServing.current().map(Snapshot::version).orElse(null)), "replica serves v1");
            JsonNode idle = json.readTree(get(replica, ops(replica, "/actuator/experiment")).body());
            assertThat(idle.get("running").asBoolean()).isFalse();
            assertThat(idle.get("detail").asText()).contains("no challenger under test");

            Await.retrain(trainer);
            Await.until(() -> trainerServing.challenger().isPresent(), "a challenger on the trainer");
            String v2 = trainerServing.challenger().get().version();
            assertThat(trainerServing.current().map(Snapshot::version)).as("the champion stays").contains(v1);
            Await.until(() -> replicaServing.challenger().map(s -> s.version().equals(v2)).orElse(false),
                    "the replica follows the store's challenger");
            assertThat(Files.readString(dir.resolve("models/LATEST"))).contains(v1).doesNotContain(v2);

            // both instances give every customer the same variant, the challenger to its share of them
            List<String> users = new ArrayList<>();
            Snapshot s = trainerServing.current().orElseThrow();
            for (int u = 0; u < s.users().size() && users.size() < 300; u++) {
                users.add(s.users().idOf(u));
            }
            Experiment experiment = new Experiment("exp-1", SHARE);
            Map<String, String> answerOf = new HashMap<>();
            int challengers = 0;
            for (String user : users) {
                JsonNode a = json.readTree(get(trainer, api(trainer, "/recommendations/" + user)).body());
                JsonNode b = json.readTree(get(replica, api(replica, "/recommendations/" + user)).body());
                String variant = a.get("recommendationId").asText().split("\\.")[2];
                assertThat(b.get("recommendationId").asText().split("\\.")[2]).as(user).isEqualTo(variant);
                assertThat(variant).isEqualTo(experiment.challenger(user) ? "challenger" : "champion");
                assertThat(a.get("modelVersion").asText()).isEqualTo(variant.equals("challenger") ? v2 : v1);
                assertThat(b.get("modelVersion").asText()).isEqualTo(a.get("modelVersion").asText());
                challengers += variant.equals("challenger") ? 1 : 0;
                answerOf.put(user, b.get("recommendationId").asText() + " " + b.at("/items/0/itemId").asText());
            }
            assertThat(challengers / 300.0).isBetween(SHARE - 0.1, SHARE + 0.1);

            // purchases from answers the replica gave, posted at the replica; counted at the trainer
            int bought = 0;
            int boughtChallenger = 0;
            StringBuilder events = new StringBuilder("{\"events\":[");
            for (String user : users.subList(0, 60)) {
                String[] idAndItem = answerOf.get(user).split(" ");
                events.append(bought == 0 ? "" : ",").append(String.format(
                        "{\"eventId\":\"e-%d\",\"userId\":\"%s\",\"itemId\":\"%s\",\"type\":\"purchase\",\"quantity\":1,"
                                + "\"timestamp\":\"%s\",\"recommendationId\":\"%s\"}", bought, user, idAndItem[1],
                        Instant.now(), idAndItem[0]));
                bought++;
                boughtChallenger += experiment.challenger(user) ? 1 : 0;
            }
            HttpResponse<String> posted = send(HttpRequest.newBuilder(api(replica, "/events"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(events.append("]}").toString())).build());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
            int expectChallenger = boughtChallenger;
            int champions = 300 - challengers;
            int challengerAnswers = challengers;
            Await.until(() -> {
                JsonNode e = json.readTree(get(trainer, ops(trainer, "/actuator/experiment")).body());
                return e.at("/variants/challenger/conversions").asInt() == expectChallenger
                        && e.at("/variants/champion/answers").asInt() == 2 * champions;
            }, "the replica's tally summed at the trainer");
            JsonNode e = json.readTree(get(trainer, ops(trainer, "/actuator/experiment")).body());
            assertThat(e.get("running").asBoolean()).isTrue();
            assertThat(e.at("/variants/challenger/modelVersion").asText()).isEqualTo(v2);
            assertThat(e.at("/variants/champion/modelVersion").asText()).isEqualTo(v1);
            assertThat(e.at("/variants/challenger/share").asDouble()).isEqualTo(SHARE);
            assertThat(e.at("/variants/challenger/answers").asInt()).isEqualTo(2 * challengerAnswers);
            assertThat(e.at("/variants/champion/conversions").asInt()).isEqualTo(bought - expectChallenger);
            double p1 = (bought - expectChallenger) / (2.0 * champions);
            double p2 = expectChallenger / (2.0 * challengerAnswers);
            assertThat(e.at("/difference/conversion").asDouble()).isCloseTo(p2 - p1,
                    org.assertj.core.data.Offset.offset(1e-9));
            assertThat(e.at("/difference/ci95/0").asDouble()).isLessThan(p2 - p1);
            assertThat(e.at("/difference/decided").asBoolean()).as("fewer answers than min-impressions").isFalse();

            // promoted, asked of the replica: both serve v2 to everyone; the store names it
            HttpResponse<String> bad = post(replica, "/actuator/experiment", "{\"action\":\"keep\"}");
            assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
            assertThat(bad.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            HttpResponse<String> promoted = post(replica, "/actuator/experiment", "{\"action\":\"promote\"}");
            assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
            assertThat(json.readTree(promoted.body()).get("challenger").asText()).isEqualTo(v2);
            assertThat(replicaServing.current().map(Snapshot::version)).as("at once where asked").contains(v2);
            Await.until(() -> trainerServing.current().map(x -> x.version().equals(v2)).orElse(false)
                    && trainerServing.challenger().isEmpty(), "the trainer follows the promotion");
            assertThat(Files.readString(dir.resolve("models/LATEST"))).contains(v2);
            String someChallenger = users.stream().filter(experiment::challenger).findFirst().orElseThrow();
            String someChampion = users.stream().filter(u -> !experiment.challenger(u)).findFirst().orElseThrow();
            for (String user : List.of(someChallenger, someChampion)) {
                JsonNode a = json.readTree(get(trainer, api(trainer, "/recommendations/" + user)).body());
                assertThat(a.get("modelVersion").asText()).isEqualTo(v2);
                assertThat(a.get("recommendationId").asText()).contains(".champion.");
            }
            HttpResponse<String> again = post(trainer, "/actuator/experiment", "{\"action\":\"promote\"}");
            assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
            assertThat(json.readTree(again.body()).get("detail").asText()).contains("no challenger under test",
                    "nothing was changed");
            TrainingPipeline pipeline = trainer.getBean(TrainingPipeline.class);
            Await.until(() -> run(pipeline, v2).status() == RunRecord.Status.PROMOTED,
                    "the trainer keeps the outcome, asked of the replica, in the challenger's run record");
            RunRecord.View run = run(pipeline, v2);
            RunRecord.Step step = run.steps().stream().filter(x -> x.name().equals("experiment")).findFirst()
                    .orElseThrow();
            assertThat(step.details()).containsEntry("outcome", "promoted").containsEntry("decidedBy", "ops")
                    .containsEntry("experiment", "exp-1").containsKey("ci95");

            // the next passing model is a new challenger; stopped, it is retired and never served
            Await.retrain(trainer);
            Await.until(() -> trainerServing.challenger().isPresent(), "a second challenger");
            String v3 = trainerServing.challenger().get().version();
            HttpResponse<String> stopped = post(trainer, "/actuator/experiment", "{\"action\":\"stop\"}");
            assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
            assertThat(trainerServing.challenger()).isEmpty();
            assertThat(trainerServing.current().map(Snapshot::version)).contains(v2);
            Await.until(() -> replicaServing.challenger().isEmpty(), "the replica drops the stopped challenger");
            assertThat(Files.readString(dir.resolve("models/RETIRED"))).contains(v3);
            // the run ends a moment after its model is under test; its record takes the outcome at the next tally
            Await.until(() -> pipeline.recent().stream().anyMatch(r -> r.id().equals(v3)
                    && r.steps().stream().anyMatch(x -> x.name().equals("experiment"))), "the stop in v3's run record");
            assertThat(run(pipeline, v3).status()).isEqualTo(RunRecord.Status.CHALLENGER);
            assertThat(run(pipeline, v3).steps()).filteredOn(x -> x.name().equals("experiment")).singleElement()
                    .satisfies(x -> assertThat(x.details()).containsEntry("outcome", "stopped"));
        } finally {
            if (replica != null) {
                replica.close();
            }
            trainer.close();
        }
    }

    private static RunRecord.View run(TrainingPipeline pipeline, String id) {
        return pipeline.recent().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    private HttpResponse<String> get(ConfigurableApplicationContext c, URI uri) throws Exception {
        return send(HttpRequest.newBuilder(uri).GET().build());
    }

    private HttpResponse<String> post(ConfigurableApplicationContext c, String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(ops(c, path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static URI ops(ConfigurableApplicationContext c, String path) {
        return URI.create("http://localhost:" + c.getEnvironment().getProperty("local.management.port") + path);
    }

    private static URI api(ConfigurableApplicationContext c, String path) {
        return URI.create("http://localhost:" + c.getEnvironment().getProperty("local.server.port") + path);
    }
}
