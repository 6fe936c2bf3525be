package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.PartrecApplication;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A rollback is the fleet's: two instances of the service share one model store, a trainer and a
 * serving-only replica, each looking at the store every second. A rollback asked of either one
 * makes both serve the earlier version, for good (further polls, a restart), until a later
 * training run promotes a new version, which both serve.
 */
class FleetRollbackTest {

    static final Duration POLL = Duration.ofSeconds(1);
    /** A poll interval, plus reading and swapping in a small model on a busy machine. */
    static final Duration FOLLOWS_WITHIN = POLL.plusSeconds(9);

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private ConfigurableApplicationContext start(boolean trains) {
        return start(dir, trains);
    }

    /**
     * A trainer, or a serving-only replica, of a small demo on the model store in {@code dir},
     * which it looks at every second; {@code more} arguments after those.
     */
    static ConfigurableApplicationContext start(Path dir, boolean trains, String... more) {
        String name = trains ? "trainer" : "replica";
        // as arguments: properties given to the builder are defaults, below configs/dev.yaml
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--server.port=0",
                "--management.server.port=0", "--partrec.warehouse.path=" + dir.resolve(name + ".duckdb"),
                "--partrec.demo.load=" + trains, "--partrec.demo.customers=1000", "--partrec.demo.parts=300",
                "--partrec.demo.events=20000", "--partrec.training.enabled=" + trains,
                "--partrec.training.threads=2", "--partrec.gate.max-drop=1", "--partrec.export.enabled=false",
                "--partrec.models.path=" + dir.resolve("models"), "--partrec.models.poll-every=" + POLL.toSeconds() + "s",
                "--logging.structured.format.console="));
        args.addAll(java.util.List.of(more));
        return new SpringApplicationBuilder(PartrecApplication.class).run(args.toArray(String[]::new));
    }

    @Test
    void aRollbackAskedOfEitherInstanceHoldsAcrossTheFleetUntilANewerVersionIsPromoted() throws Exception {
        ConfigurableApplicationContext trainer = start(true);
        ConfigurableApplicationContext replica = null;
        try {
            String v1 = awaitTrained(trainer, null);
            replica = start(false);
            awaitServing(replica, v1);

            post(trainer, "/actuator/retrain");
            String v2 = awaitTrained(trainer, v1);
            awaitServing(replica, v2);

            // asked of the replica (the management Service may pick either pod)
            List<String> replicaServed = heard(replica);
            List<String> trainerServed = heard(trainer);
            HttpResponse<String> rollback = delete(replica);
            assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);
            JsonNode answer = json.readTree(rollback.body());
            assertThat(answer.get("version").asText()).isEqualTo(v1);
            assertThat(answer.get("rolledBack").asText()).isEqualTo(v2);
            assertThat(answer.get("pollSeconds").asLong()).isEqualTo(1);
            assertThat(answer.get("detail").asText()).contains("the fleet now serves " + v1, "within its poll interval");
            assertThat(version(replica)).as("the replica asked serves it at once").isEqualTo(v1);
            awaitServing(trainer, v1);

            Thread.sleep(POLL.multipliedBy(3).toMillis()); // further polls of both
            assertThat(version(replica)).isEqualTo(v1);
            assertThat(version(trainer)).isEqualTo(v1);
            assertThat(replicaServed).as("no poll brings the retired version back").containsExactly(v2, v1);
            assertThat(trainerServed).containsExactly(v2, v1);
            JsonNode model = json.readTree(get(trainer, "/actuator/model").body());
            assertThat(model.at("/store/latest").asText()).isEqualTo(v1);
            assertThat(model.at("/store/retired/0").asText()).isEqualTo(v2);

            replica.close(); // a restart loads what the store names, never the retired version
            replica = start(false);
            List<String> restartedServed = heard(replica);
            awaitServing(replica, v1);
            Thread.sleep(POLL.multipliedBy(3).toMillis());
            assertThat(restartedServed).containsOnly(v1);
            JsonNode restarted = json.readTree(get(replica, "/actuator/model").body());
            assertThat(restarted.at("/serving/rankedAhead/perItem").asInt())
                    .as("the similar lists, read with the model").isPositive();
            assertThat(restarted.at("/serving/rankedAhead/perUser").asInt())
                    .as("the users' lists, ranked ahead after the restart").isPositive();

            HttpResponse<String> retried = delete(trainer, "?version=" + v2); // the same call again, on the trainer
            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(409);
            assertThat(json.readTree(retried.body()).get("detail").asText())
                    .contains("the fleet serves " + v1 + ", not " + v2, "nothing was changed");

            HttpResponse<String> nothing = delete(trainer); // only the retired version is newer than v1
            assertThat(nothing.statusCode()).as(nothing.body()).isEqualTo(409);
            assertThat(nothing.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(json.readTree(nothing.body()).get("detail").asText())
                    .contains("nothing to roll back to", "before " + v1, "nothing was changed");
            assertThat(version(trainer)).isEqualTo(v1);

            post(trainer, "/actuator/retrain"); // a later run promotes a new version, for the whole fleet
            String v3 = awaitTrained(trainer, v1);
            assertThat(v3).isNotEqualTo(v2);
            awaitServing(replica, v3);

            // asked of the trainer this time: back to v1, over the retired v2
            HttpResponse<String> again = delete(trainer, "?version=" + v3);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(json.readTree(again.body()).get("version").asText()).isEqualTo(v1);
            assertThat(version(trainer)).isEqualTo(v1);
            awaitServing(replica, v1);
        } finally {
            if (replica != null) {
                replica.close();
            }
            trainer.close();
        }
    }

    /** Waits for a trained model other than {@code other} on the trainer; its version. */
    private static String awaitTrained(ConfigurableApplicationContext trainer, String other) throws Exception {
        ServingModel serving = trainer.getBean(ServingModel.class);
        long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < until) {
            Snapshot s = serving.current().orElse(null);
            if (s != null && s.hasModel() && !s.version().equals(other)) {
                return s.version();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no trained model other than " + other + " within two minutes");
    }

    private static void awaitServing(ConfigurableApplicationContext context, String version) throws Exception {
        long until = System.nanoTime() + FOLLOWS_WITHIN.toNanos();
        while (System.nanoTime() < until && !version.equals(version(context))) {
            Thread.sleep(20);
        }
        assertThat(version(context)).as("serving within %s", FOLLOWS_WITHIN).isEqualTo(version);
    }

    private static String version(ConfigurableApplicationContext context) {
        return context.getBean(ServingModel.class).current().map(Snapshot::version).orElse(null);
    }

    /** The versions the instance serves from now on, the current one first. */
    private static List<String> heard(ConfigurableApplicationContext context) {
        List<String> versions = Collections.synchronizedList(new ArrayList<>());
        context.getBean(ServingModel.class).addListener(s -> {
            if (versions.isEmpty() || !versions.get(versions.size() - 1).equals(s.version())) {
                versions.add(s.version());
            }
        });
        return versions;
    }

    private HttpResponse<String> get(ConfigurableApplicationContext c, String path) throws Exception {
        return send(c, HttpRequest.newBuilder(ops(c, path)).GET().build());
    }

    private void post(ConfigurableApplicationContext c, String path) throws Exception {
        HttpResponse<String> r = send(c, HttpRequest.newBuilder(ops(c, path)).POST(HttpRequest.BodyPublishers.noBody())
                .build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private HttpResponse<String> delete(ConfigurableApplicationContext c) throws Exception {
        return delete(c, "");
    }

    private HttpResponse<String> delete(ConfigurableApplicationContext c, String query) throws Exception {
        return send(c, HttpRequest.newBuilder(ops(c, "/actuator/model" + query)).DELETE().build());
    }

    private HttpResponse<String> send(ConfigurableApplicationContext c, HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static URI ops(ConfigurableApplicationContext c, String path) {
        return URI.create("http://localhost:" + c.getEnvironment().getProperty("local.management.port") + path);
    }
}
