package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.gax.core.CredentialsProvider;
import com.google.cloud.NoCredentials;
import com.google.protobuf.util.Durations;
import com.google.pubsub.v1.Subscription;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.partrec.PartrecApplication;
import org.partrec.demo.DemoEvents;
import org.partrec.extract.TransformRules;
import org.partrec.index.IndexSpec;
import org.partrec.messaging.PubSubFanout;
import org.partrec.messaging.PubSubStandIn;
import org.partrec.pipeline.RunListener;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.publish.GateThresholds;
import org.partrec.publish.ModelStore;
import org.partrec.serve.RankAhead;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.storage.LocalBlobStore;
import org.partrec.train.AlsParams;
import org.partrec.warehouse.DemoLoad;
import org.partrec.warehouse.DemoWarehouses;
import org.partrec.warehouse.DuckDbWarehouse;
import org.partrec.warehouse.WarehouseTables;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Issue 15's "an event at one changes the answer at the other": two instances of the service,
 * serving replicas on one model store, fan posted events out through Pub/Sub
 * ({@code partrec.events.fanout.type=pubsub}), the real Pub/Sub client of spring-cloud-gcp
 * speaking to {@link PubSubStandIn} on loopback (its emulator mode). A purchase posted at one
 * leaves that customer's list at the other within moments, both ways; each replica applies the
 * other's batch once (delivered twice, too) and its own not again, and the purchase is attributed to the answer it came
 * from where it was posted only; each replica has a subscription of its own, deleted when it
 * stops. First, one replica starts while nothing answers at Pub/Sub's address: it is ready and
 * serves, a batch posted to it is stored, answered and applied there, the publish that fails is
 * counted, and once Pub/Sub answers the replica subscribes by itself.
 */
class EventsOnSeveralReplicasTest {

    static final String TOPIC = "partrec-events";
    /** Posted at one replica, seen at the other: Pub/Sub's delivery, on a busy 2-core machine. */
    static final Duration FANS_OUT_WITHIN = Duration.ofSeconds(10);

    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("partrec-fanout");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DemoEvents demo = DemoWarehouses.demo(1_500, 600, 30_000, 5);
        try (DuckDbWarehouse w = DuckDbWarehouse.open(null, "partrec", WarehouseTables.DEFAULT);
             TrainingPipeline p = new TrainingPipeline(w, w, new TrainingPipeline.Settings(Duration.ofDays(3650),
                     TransformRules.DEFAULT, AlsParams.defaults().withFactors(16).withThreads(2),
                     new GateThresholds(0, 0, 0, 1, 0), IndexSpec.NORM_ORDERED, 10, 0, 5, null, RankAhead.NONE),
                     new ServingModel(), Clock.systemUTC(), new TrainingPipeline.Outputs(
                             new ModelStore(new LocalBlobStore(DIR.resolve("models")), 3), w, RunListener.NONE))) {
            DemoLoad.loadIfEmpty(w, demo);
            assertThat(p.runNow("test").orElseThrow().status()).isEqualTo(RunRecord.Status.PROMOTED);
        }
    }

    /** No Google credentials in tests (the emulator mode of the Pub/Sub client asks for none anyway). */
    @Configuration(proxyBeanMethods = false)
    static class NoGoogleCredentials {
        @Bean
        CredentialsProvider credentialsProvider() {
            return NoCredentials::getInstance;
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private static final List<ConfigurableApplicationContext> STARTED = new ArrayList<>();

    @AfterAll
    static void stopAll() {
        STARTED.forEach(ConfigurableApplicationContext::close);
    }

    /** A serving replica of the shared store, its own warehouse file for the events it stores, Pub/Sub at {@code pubsub}. */
    static ConfigurableApplicationContext start(String name, String pubsub) {
        ConfigurableApplicationContext c = new SpringApplicationBuilder(PartrecApplication.class, NoGoogleCredentials.class)
                .run("--server.port=0", "--management.server.port=0",
                        "--partrec.warehouse.path=" + DIR.resolve(name + ".duckdb"), "--partrec.demo.load=false",
                        "--partrec.training.enabled=false", "--partrec.export.enabled=false",
                        "--partrec.models.path=" + DIR.resolve("models"), "--logging.structured.format.console=",
                        "--partrec.events.fanout.type=pubsub", "--partrec.events.fanout.topic=" + TOPIC,
                        "--spring.cloud.gcp.core.enabled=true", "--spring.cloud.gcp.project-id=" + PubSubStandIn.PROJECT,
                        "--spring.cloud.gcp.pubsub.enabled=true", "--spring.cloud.gcp.pubsub.emulator-host=" + pubsub,
                        // a publish that cannot reach Pub/Sub is given up after 10 s here (the client's least; a
                        // minute in the configs)
                        "--spring.cloud.gcp.pubsub.publisher.retry.total-timeout-seconds=10");
        STARTED.add(c);
        return c;
    }

    @Test
    void aPurchasePostedAtOneReplicaLeavesTheCustomersListAtTheOther() throws Exception {
        int port = PubSubStandIn.freePort();
        ConfigurableApplicationContext a = start("a", "127.0.0.1:" + port); // nothing listens there yet
        FirstModel.await(a.getBean(ServingModel.class));
        Snapshot s = a.getBean(ServingModel.class).current().orElseThrow();
        assertThat(get(a, "/readyz").statusCode()).as("ready without Pub/Sub").isEqualTo(200);
        assertThat(fanout(a).state().subscribed()).isFalse();
        assertThat(health(a)).isEqualTo(Status.DOWN);

        String u1 = s.users().idOf(1);
        String bought = top(a, u1);
        HttpResponse<String> posted = purchase(a, u1, bought, "e-1");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        assertThat(json.readTree(posted.body()).get("added").asInt()).as("stored").isEqualTo(1);
        assertThat(items(a, u1)).as("read-your-writes on the replica that took it").doesNotContain(bought);
        await(() -> count(a, PubSubFanout.Outcomes.PUBLISH_FAILED) == 1, Duration.ofSeconds(30),
                "the publish that found no Pub/Sub, counted");
        assertThat(a.getBean(MeterRegistry.class).get("partrec.background.failures").tag("task", "events-fanout")
                .counter().count()).isPositive();

        try (PubSubStandIn pubsub = PubSubStandIn.start(port)) {
            pubsub.createTopic(TOPIC);
            await(() -> fanout(a).state().subscribed(), Duration.ofSeconds(60), "replica a subscribed, once Pub/Sub answers");
            ConfigurableApplicationContext b = start("b", pubsub.host());
            FirstModel.await(b.getBean(ServingModel.class));
            await(() -> fanout(b).state().subscribed(), Duration.ofSeconds(30), "replica b subscribed");
            assertThat(health(b)).isEqualTo(Status.UP);

            // each replica's own subscription, made as the settings say
            Map<String, Subscription> subs = pubsub.subscriptions();
            assertThat(subs).containsOnlyKeys(PubSubStandIn.subscriptionName(fanout(a).state().subscription()),
                    PubSubStandIn.subscriptionName(fanout(b).state().subscription()));
            assertThat(fanout(a).state().subscription()).startsWith(TOPIC + "-")
                    .isNotEqualTo(fanout(b).state().subscription());
            for (Subscription sub : subs.values()) {
                assertThat(sub.getTopic()).isEqualTo(PubSubStandIn.topicName(TOPIC));
                assertThat(Durations.toSeconds(sub.getExpirationPolicy().getTtl())).isEqualTo(86_400);
                assertThat(Durations.toSeconds(sub.getMessageRetentionDuration())).isEqualTo(600);
            }

            // a purchase at a, of the first item of an answer b gave, leaves b's list for that customer
            String u2 = s.users().idOf(2);
            JsonNode shown = answer(b, u2);
            String item2 = shown.get("items").get(0).get("itemId").asText();
            long t0 = System.nanoTime();
            assertThat(purchase(a, u2, item2, "e-2", shown.get("recommendationId").asText()).statusCode()).isEqualTo(200);
            await(() -> !items(b, u2).contains(item2), FANS_OUT_WITHIN, "the purchase at a, seen at b");
            System.out.printf("a purchase posted at replica a left the list at replica b after %d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(answer(b, u2).get("source").asText()).isEqualTo("realtime");
            assertThat(attributed(a)).as("attributed where the purchase was posted").isEqualTo(1);

            // and one at b leaves a's
            String u3 = s.users().idOf(3);
            String item3 = top(a, u3);
            assertThat(purchase(b, u3, item3, "e-3").statusCode()).isEqualTo(200);
            await(() -> !items(a, u3).contains(item3), FANS_OUT_WITHIN, "the purchase at b, seen at a");

            // every delivery acknowledged; each replica applied the other's batch once and its own not again
            await(() -> pubsub.outstanding() == 0 && count(a, PubSubFanout.Outcomes.OWN) == 1
                    && count(b, PubSubFanout.Outcomes.OWN) == 1, FANS_OUT_WITHIN, "own batches back, acknowledged");
            assertThat(pubsub.published()).hasSize(2).allSatisfy(m -> assertThat(m.getAttributesMap())
                    .containsKey(PubSubFanout.ORIGIN));
            for (ConfigurableApplicationContext c : List.of(a, b)) {
                assertThat(count(c, PubSubFanout.Outcomes.PUBLISHED)).isEqualTo(1);
                assertThat(count(c, PubSubFanout.Outcomes.APPLIED)).isEqualTo(1);
                assertThat(count(c, PubSubFanout.Outcomes.UNREADABLE)).isZero();
            }
            assertThat(pubsub.acknowledged()).as("two batches, each to two subscriptions").isEqualTo(4);
            assertThat(attributed(a)).isEqualTo(1);
            assertThat(attributed(b)).as("and only there, though b applied the purchase too").isZero();

            // Pub/Sub delivers at least once: a batch delivered again is acknowledged, not applied again
            pubsub.deliverAgain(pubsub.published().get(0), TOPIC);
            await(() -> count(b, PubSubFanout.Outcomes.REPEATED) == 1 && count(a, PubSubFanout.Outcomes.OWN) == 2
                    && pubsub.outstanding() == 0, FANS_OUT_WITHIN, "the batch delivered again, acknowledged");
            assertThat(count(b, PubSubFanout.Outcomes.APPLIED)).isEqualTo(1);

            // a replica that stops deletes its subscription; the other's stays
            String bSubscription = PubSubStandIn.subscriptionName(fanout(b).state().subscription());
            b.close();
            assertThat(pubsub.subscriptions()).doesNotContainKey(bSubscription).hasSize(1);
            a.close();
            assertThat(pubsub.subscriptions()).isEmpty();
        }
    }

    /** The health component {@code fanout} (readiness does not include it). */
    static Status health(ConfigurableApplicationContext c) {
        return c.getBean("fanout", HealthIndicator.class).health().getStatus();
    }

    static PubSubFanout fanout(ConfigurableApplicationContext c) {
        return c.getBean(PubSubFanout.class);
    }

    /** Purchases attributed to an answer, counted at this replica. */
    static double attributed(ConfigurableApplicationContext c) {
        return c.getBean(MeterRegistry.class).find("partrec.attributed.events").tag("type", "purchase").counters()
                .stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    static double count(ConfigurableApplicationContext c, String outcome) {
        return c.getBean(MeterRegistry.class).get("partrec.events.fanout").tag("outcome", outcome).counter().count();
    }

    static void await(BooleanSupplier condition, Duration within, String what) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as("%s within %s", what, within).isTrue();
    }

    private HttpResponse<String> get(ConfigurableApplicationContext c, String path) {
        String port = c.getEnvironment().getProperty("local.server.port");
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode answer(ConfigurableApplicationContext c, String user) {
        HttpResponse<String> r = get(c, "/recommendations/" + user + "?limit=10");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            return json.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> items(ConfigurableApplicationContext c, String user) {
        List<String> out = new ArrayList<>();
        answer(c, user).get("items").forEach(i -> out.add(i.get("itemId").asText()));
        return out;
    }

    private String top(ConfigurableApplicationContext c, String user) {
        List<String> items = items(c, user);
        assertThat(items).as("a list for " + user).isNotEmpty();
        return items.get(0);
    }

    private HttpResponse<String> purchase(ConfigurableApplicationContext c, String user, String item, String eventId)
            throws Exception {
        return purchase(c, user, item, eventId, null);
    }

    /** Posts a purchase, with the id of the answer it came from when there is one. */
    private HttpResponse<String> purchase(ConfigurableApplicationContext c, String user, String item, String eventId,
                                          String recommendationId) throws Exception {
        String body = "{\"events\":[{\"eventId\":\"" + eventId + "\",\"userId\":\"" + user + "\",\"itemId\":\"" + item
                + "\",\"type\":\"purchase\",\"timestamp\":\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\""
                + (recommendationId == null ? "" : ",\"recommendationId\":\"" + recommendationId + "\"") + "}]}";
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + c.getEnvironment().getProperty("local.server.port") + "/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
