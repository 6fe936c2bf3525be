package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.partrec.demo.DemoCatalog;
import org.partrec.serve.ItemFilter;
import org.partrec.serve.Snapshot;
import org.partrec.serve.Storefront;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The garage over HTTP (issue 16, point 1): {@code fits=auto} by default with the garage the
 * snapshot inferred, a {@code vehicle} parameter, a {@code vehicle} on a posted event, a basket's
 * parts; {@code fits=any} and an explicit platform; the answer's {@code garage}; 400 naming the
 * parameter or the event's field. The properties are FuzzTest's, so a full run shares its server.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "partrec.demo.customers=3000", "partrec.demo.parts=1500", "partrec.demo.events=60000",
    "partrec.training.factors=32", "partrec.training.threads=2",
    "partrec.ops.token=fuzz-ops-token", "partrec.ops.require-token=true"})
class GarageApiTest extends OnTempStore {

    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    record Reply(int status, JsonNode body) {
    }

    Reply send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), JSON.readTree(r.body()));
    }

    Reply get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path.replace(" ", "%20"))).GET());
    }

    Reply post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path.replace(" ", "%20")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @BeforeEach
    void waitForTheFirstModel() throws Exception {
        FirstModel.await(serving);
    }

    static List<String> fitments(Snapshot s, Reply r) {
        List<String> out = new ArrayList<>();
        r.body().get("items").forEach(i -> out.add(s.catalog().info(s.items().indexOf(i.get("itemId").asText()))
                .fitment()));
        return out;
    }

    /**
     * The {@code n}th customer from the end of the store (away from the other tests') whose garage
     * is one platform inferred from their purchases, and whose top 20 without it holds a part that
     * does not fit it: each test here asks for another.
     */
    static int oneCarCustomer(Snapshot s, int n) {
        return IntStream.iterate(s.users().size() - 1, u -> u >= 0, u -> u - 1)
                .filter(u -> s.garage().of(u).size() == 1
                        && s.garage().applied(u).source() == org.partrec.serve.Garage.Source.PURCHASES
                        && Storefront.forUser(s, s.users().idOf(u), 0, 20, false, ItemFilter.NONE).items().stream()
                        .map(i -> i.info().fitment()).anyMatch(f -> !f.equals(s.garage().of(u).get(0))
                                && !f.equals(DemoCatalog.UNIVERSAL)))
                .skip(n).findFirst().orElseThrow();
    }

    @Test
    void theInferredGarageIsTheDefaultAndTheAnswerSaysSo() throws Exception {
        Snapshot s = serving.current().orElseThrow();
        int user = oneCarCustomer(s, 0);
        String platform = s.garage().of(user).get(0);
        String path = "/recommendations/" + s.users().idOf(user) + "?limit=20";
        Reply auto = get(path);
        assertThat(auto.status()).isEqualTo(200);
        assertThat(auto.body().get("garage").get("platforms")).extracting(JsonNode::asText).containsExactly(platform);
        assertThat(auto.body().get("garage").get("source").asText()).isEqualTo("purchases");
        assertThat(fitments(s, auto)).hasSize(20).allMatch(f -> f.equals(platform) || f.equals(DemoCatalog.UNIVERSAL));
        assertThat(get(path + "&fits=AUTO").body().get("items")).isEqualTo(auto.body().get("items"));
        assertThat(get(path + "&fits=" + platform).body().get("items")).as("the garage is the platform's filter")
                .isEqualTo(auto.body().get("items"));

        Reply any = get(path + "&fits=any");
        assertThat(any.body().get("garage").isNull()).isTrue();
        assertThat(fitments(s, any)).as("without the garage, parts of other platforms come in")
                .anyMatch(f -> !f.equals(platform) && !f.equals(DemoCatalog.UNIVERSAL));

        String other = DemoCatalog.PLATFORMS.stream().filter(p -> !p.equals(platform)).findFirst().orElseThrow();
        Reply explicit = get(path + "&fits=" + other);
        assertThat(explicit.body().get("garage").isNull()).isTrue();
        assertThat(fitments(s, explicit)).allMatch(f -> f.equals(other) || f.equals(DemoCatalog.UNIVERSAL));

        Reply vehicle = get(path + "&vehicle=" + other);
        assertThat(vehicle.body().get("garage").get("platforms")).extracting(JsonNode::asText).containsExactly(other);
        assertThat(vehicle.body().get("garage").get("source").asText()).isEqualTo("vehicle");
        assertThat(vehicle.body().get("items")).isEqualTo(explicit.body().get("items"));
        assertThat(get(path + "&vehicle=" + other + "&fits=any").body().get("items")).isEqualTo(any.body().get("items"));
    }

    @Test
    void aVehiclePostedWithAnEventIsTheCustomersGarageFromThen() throws Exception {
        Snapshot s = serving.current().orElseThrow();
        int user = oneCarCustomer(s, 1);
        String customer = s.users().idOf(user);
        String other = DemoCatalog.PLATFORMS.stream().filter(p -> !p.equals(s.garage().of(user).get(0))).reduce(
                (a, b) -> b).orElseThrow(); // the last other platform: not the one the other test asks for
        String now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        String event = "{\"events\":[{\"eventId\":\"garage-" + customer + "\",\"userId\":\"" + customer
                + "\",\"itemId\":\"" + s.items().idOf(0) + "\",\"type\":\"view\",\"timestamp\":\"" + now
                + "\",\"vehicle\":\"" + other + "\"}]}";
        assertThat(post("/events", event).status()).isEqualTo(200);
        Reply r = get("/recommendations/" + customer + "?limit=10");
        assertThat(r.body().get("garage").get("platforms")).extracting(JsonNode::asText).containsExactly(other);
        assertThat(r.body().get("garage").get("source").asText()).isEqualTo("events");
        assertThat(fitments(s, r)).hasSize(10).allMatch(f -> f.equals(other) || f.equals(DemoCatalog.UNIVERSAL));

        Reply bad = post("/events", event.replace("\"vehicle\":\"" + other + "\"", "\"vehicle\":7"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().get("parameter").asText()).isEqualTo("events[0].vehicle");
    }

    @Test
    void aBasketsGarageIsInferredFromItsPartsOrGiven() throws Exception {
        Snapshot s = serving.current().orElseThrow();
        int[] hemi = IntStream.range(0, s.items().size()).filter(i -> "Mopar Hemi".equals(s.catalog().info(i).fitment()))
                .limit(2).toArray();
        String basket = "{\"items\":[\"" + s.items().idOf(hemi[0]) + "\",\"" + s.items().idOf(hemi[1]) + "\"]}";
        Reply r = post("/recommendations?limit=10", basket);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("garage").get("platforms")).extracting(JsonNode::asText).containsExactly("Mopar Hemi");
        assertThat(r.body().get("garage").get("source").asText()).isEqualTo("basket");
        assertThat(fitments(s, r)).allMatch(f -> f.equals("Mopar Hemi") || f.equals(DemoCatalog.UNIVERSAL));
        Reply given = post("/recommendations?limit=10&vehicle=Ford Coyote", basket);
        assertThat(given.body().get("garage").get("source").asText()).isEqualTo("vehicle");
        assertThat(fitments(s, given)).allMatch(f -> f.equals("Ford Coyote") || f.equals(DemoCatalog.UNIVERSAL));
        assertThat(post("/recommendations?limit=10&fits=any", basket).body().get("garage").isNull()).isTrue();
    }

    @Test
    void aBlankOrLongVehicleIsA400NamingIt() throws Exception {
        Snapshot s = serving.current().orElseThrow();
        for (String query : List.of("?vehicle=%20", "?vehicle=" + "x".repeat(129))) {
            for (Reply r : List.of(get("/recommendations/" + s.users().idOf(0) + query),
                    post("/recommendations" + query, "{\"items\":[\"" + s.items().idOf(0) + "\"]}"))) {
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.body().get("parameter").asText()).isEqualTo("vehicle");
                assertThat(r.body().get("detail").asText()).contains("vehicle");
            }
        }
    }
}
