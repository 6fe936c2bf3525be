package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.partrec.demo.DemoCatalog;
import org.partrec.demo.DemoEvents;
import org.partrec.serve.Snapshot;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.SpringBootTest;

/** The whole service on random ports, trained on a small demo store at start-up. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "partrec.demo.customers=3000", "partrec.demo.parts=1500",
    "partrec.demo.events=60000", "partrec.training.factors=32", "partrec.training.threads=2",
    "logging.level.org.partrec.serve.web.RequestIds=DEBUG"})
@ExtendWith(OutputCaptureExtension.class)
class ServiceTest extends OnTempStore {

    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    DemoEvents demo;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    record Reply(int status, String contentType, String version, JsonNode body) {
    }

    Reply get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build());
    }

    Reply post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Reply send(HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = r.body().isEmpty() ? null : JSON.readTree(r.body());
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                r.headers().firstValue("X-Model-Version").orElse(null), body);
    }

    @BeforeEach
    void waitForTheFirstModel() throws Exception {
        FirstModel.await(serving);
    }

    /** A posted purchase takes effect on the customer's next answer, without waiting for training. */
    @Test
    void aPostedPurchaseLeavesTheCustomersNextListAtOnce() throws Exception {
        String customer = DemoEvents.customerId(17);
        Reply before = get("/recommendations/" + customer + "?limit=10");
        assertThat(before.body().get("source").asText()).isEqualTo("model");
        String top = before.body().get("items").get(0).get("itemId").asText();
        Reply posted = post("/events", "{\"events\":[{\"eventId\":\"st-" + customer + "\",\"userId\":\"" + customer
                + "\",\"itemId\":\"" + top + "\",\"type\":\"purchase\",\"timestamp\":\""
                + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\"}]}");
        assertThat(posted.status()).as(String.valueOf(posted.body())).isEqualTo(200);
        Reply after = get("/recommendations/" + customer + "?limit=10");
        assertThat(after.body().get("source").asText()).isEqualTo("realtime");
        assertThat(after.version()).isEqualTo(before.version());
        List<String> items = new java.util.ArrayList<>();
        after.body().get("items").forEach(i -> items.add(i.get("itemId").asText()));
        assertThat(items).hasSize(10).doesNotContain(top);
    }

    /** An answer's id comes back with an event; the event is counted for that answer's model and endpoint. */
    @Test
    void anEventNamingAnAnswerIsAttributedToItsModelAndEndpoint() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/similar/" + demo.catalog().parts().get(3).partNumber() + "?limit=3")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        String id = body.get("recommendationId").asText();
        assertThat(r.headers().firstValue("X-Recommendation-Id")).hasValue(id);
        String version = body.get("modelVersion").asText();
        String item = body.get("items").get(0).get("itemId").asText();
        double price = demo.catalog().parts().stream().filter(p -> p.partNumber().equals(item)).findFirst()
                .orElseThrow().price();
        double before = meters.find("partrec.attributed.revenue").tags("endpoint", "similar", "model_version", version)
                .counters().stream().mapToDouble(c -> c.count()).sum();
        String now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        Reply posted = post("/events", "{\"events\":[{\"eventId\":\"attr-" + id + "\",\"userId\":\"C-attr\",\"itemId\":\""
                + item + "\",\"type\":\"purchase\",\"quantity\":2,\"timestamp\":\"" + now + "\",\"recommendationId\":\""
                + id + "\"}]}");
        assertThat(posted.status()).isEqualTo(200);
        assertThat(meters.get("partrec.attributed.events").tags("endpoint", "similar", "model_version", version,
                "variant", "champion", "type", "purchase").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(meters.get("partrec.attributed.revenue").tags("endpoint", "similar", "model_version", version)
                .counter().count() - before).isCloseTo(2 * price, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(meters.get("partrec.impressions").tags("endpoint", "similar", "model_version", version).counter()
                .count()).isGreaterThanOrEqualTo(3);
    }

    /**
     * Frequently bought together, over HTTP: the snapshot's co-purchase list, pages and filters of
     * it, parts for the item's engine or universal ones, attributed to "complements"; 404 and 400.
     */
    @Test
    void complementsAreTheSnapshotsCoPurchasesForTheSameEngineAndAreAttributed() throws Exception {
        Snapshot s = serving.current().orElseThrow();
        int item = java.util.stream.IntStream.range(0, s.items().size())
                .filter(i -> "GM LS".equals(s.catalog().info(i).fitment()) && s.pairs().complements().rowLength(i) >= 6)
                .findFirst().orElseThrow();
        String part = s.items().idOf(item);
        org.partrec.index.Neighbors list = s.pairs().complements().row(item);
        Reply r = get("/complements/" + part + "?limit=5");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("source").asText()).isEqualTo("copurchase");
        assertThat(r.body().get("itemId").asText()).isEqualTo(part);
        List<String> ids = new ArrayList<>();
        r.body().get("items").forEach(i -> ids.add(i.get("itemId").asText()));
        assertThat(ids).containsExactly(java.util.Arrays.stream(list.ids()).limit(5).mapToObj(s.items()::idOf)
                .toArray(String[]::new));
        assertThat(ids).allMatch(id -> List.of("GM LS", DemoCatalog.UNIVERSAL).contains(fitment(demo.catalog(), id)));
        String id = r.body().get("recommendationId").asText();
        assertThat(id).startsWith("r1.complements.champion.");
        Reply page = get("/complements/" + part + "?limit=2&offset=2");
        assertThat(page.body().get("items").get(0).get("itemId").asText()).isEqualTo(ids.get(2));
        Reply fits = get("/complements/" + part + "?limit=200&fits=Ford%20Coyote");
        fits.body().get("items").forEach(i -> assertThat(fitment(demo.catalog(), i.get("itemId").asText()))
                .isEqualTo(DemoCatalog.UNIVERSAL)); // an LS part's complements fit a Coyote only when universal
        String now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        Reply posted = post("/events", "{\"events\":[{\"eventId\":\"cmp-" + id + "\",\"userId\":\"C-cmp\",\"itemId\":\""
                + ids.get(0) + "\",\"type\":\"purchase\",\"timestamp\":\"" + now + "\",\"recommendationId\":\"" + id
                + "\"}]}");
        assertThat(posted.status()).isEqualTo(200);
        assertThat(meters.get("partrec.attributed.events").tags("endpoint", "complements", "model_version",
                s.version(), "variant", "champion", "type", "purchase").counter().count()).isGreaterThanOrEqualTo(1);
        Reply unknown = get("/complements/no-such-part");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        for (String[] c : List.of(new String[] {"?limit=0", "limit"}, new String[] {"?offset=-1", "offset"},
                new String[] {"?inStock=maybe", "inStock"}, new String[] {"?fits=%20", "fits"})) {
            Reply bad = get("/complements/" + part + c[0]);
            assertThat(bad.status()).as(c[0]).isEqualTo(400);
            assertThat(bad.contentType()).as(c[0]).startsWith("application/problem+json");
            assertThat(bad.body().get("parameter").asText()).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(get("/complements/" + "x".repeat(129)).body().get("parameter").asText()).isEqualTo("itemId");
    }

    /** A posted purchase's substitutes leave the buyer's next list at once, with the part itself. */
    @Test
    void aPostedPurchasesSubstitutesLeaveTheCustomersNextList() throws Exception {
        Snapshot s = serving.current().orElseThrow();
        for (int c = 1000; c < 1500; c++) {
            String customer = DemoEvents.customerId(c);
            Reply before = get("/recommendations/" + customer + "?limit=10");
            for (JsonNode shown : before.body().get("items")) {
                int j = s.items().indexOf(shown.get("itemId").asText());
                for (int part : s.pairs().substitutes().row(j).ids()) {
                    int[] substitutes = s.pairs().substitutes().row(part).ids();
                    if (java.util.Arrays.stream(substitutes).noneMatch(x -> x == j)) {
                        continue;
                    }
                    Reply posted = post("/events", "{\"events\":[{\"eventId\":\"sub-" + customer + "\",\"userId\":\""
                            + customer + "\",\"itemId\":\"" + s.items().idOf(part) + "\",\"type\":\"purchase\","
                            + "\"timestamp\":\"" + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                            + "\"}]}");
                    assertThat(posted.status()).isEqualTo(200);
                    Reply after = get("/recommendations/" + customer + "?limit=10");
                    assertThat(after.body().get("source").asText()).isEqualTo("realtime");
                    List<Integer> items = new ArrayList<>();
                    after.body().get("items").forEach(i -> items.add(s.items().indexOf(i.get("itemId").asText())));
                    assertThat(items).as(customer).hasSize(10).doesNotContain(part).doesNotContain(j)
                            .doesNotContainAnyElementsOf(java.util.Arrays.stream(substitutes).boxed().toList());
                    return;
                }
            }
        }
        throw new AssertionError("no customer with a substitute of an unbought part on their list");
    }

    @Test
    void readinessIsUpAndTheModelServesTheStorefront() throws Exception {
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort
                + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(get("/readyz").status()).as("readiness on the API port, as the pods probe it").isEqualTo(200);
        Reply r = get("/recommendations/" + DemoEvents.customerId(5) + "?limit=5");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("source").asText()).isEqualTo("model");
        assertThat(r.body().get("items")).hasSize(5);
        assertThat(r.version()).isEqualTo(r.body().get("modelVersion").asText())
                .isEqualTo(serving.current().orElseThrow().version());
        JsonNode item = r.body().get("items").get(0);
        assertThat(item.has("itemId") && item.has("score") && item.has("name") && item.has("category")
                && item.has("brand")).isTrue();
    }

    @Test
    void theApiDescribesItselfInOpenApi() throws Exception {
        Reply r = get("/v3/api-docs");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("paths").has("/recommendations/{userId}")).isTrue();
        assertThat(r.body().get("paths").has("/similar/{itemId}")).isTrue();
        assertThat(r.body().get("paths").has("/recommendations")).isTrue();
    }

    @Test
    void everyApiRequestCarriesARequestIdIntoItsLogLineAndBack(CapturedOutput output) throws Exception {
        HttpResponse<String> given = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/similar/no-such-part")).header("X-Request-Id", "storefront-42").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(given.headers().firstValue("X-Request-Id")).contains("storefront-42");
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/recommendations/" + DemoEvents.customerId(3))).header("X-Request-Id", "a b{c}").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String fresh = bad.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(fresh).as("an unusable id is replaced").matches("[0-9a-f]{32}");
        long until = System.nanoTime() + 5_000_000_000L;
        while (!output.getOut().contains(fresh) && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(output.getOut()).containsPattern("\\[storefront-42\\].*GET /similar/no-such-part -> 404")
                .containsPattern("\\[" + fresh + "\\].*GET /recommendations/C\\d+ -> 200");
    }

    @Test
    void anLsBuildersTopTenIsMostlyLsOrUniversalParts() throws Exception {
        DemoEvents events = demo;
        double share = 0;
        int builders = 0;
        for (int c = 0; c < 400; c++) {
            if (!events.customer(c).platforms().equals(List.of("GM LS"))) {
                continue;
            }
            Reply r = get("/recommendations/" + DemoEvents.customerId(c) + "?limit=10");
            int fits = 0;
            for (JsonNode item : r.body().get("items")) {
                String fitment = fitment(events.catalog(), item.get("itemId").asText());
                fits += fitment.equals("GM LS") || fitment.equals(DemoCatalog.UNIVERSAL) ? 1 : 0;
            }
            share += fits / 10.0;
            builders++;
        }
        assertThat(builders).isGreaterThan(50);
        assertThat(share / builders).isGreaterThan(0.7);
    }

    static String fitment(DemoCatalog catalog, String partNumber) {
        return catalog.parts().stream().filter(p -> p.partNumber().equals(partNumber)).findFirst().orElseThrow()
                .fitment();
    }

    @Test
    void unknownUsersGetPopularBasketsAreFoldedInAndSimilarNeverReturnsTheItem() throws Exception {
        Reply unknown = get("/recommendations/somebody-new?limit=3&category=EFI");
        assertThat(unknown.body().get("source").asText()).isEqualTo("popular");
        assertThat(unknown.body().get("items")).allMatch(i -> i.get("category").asText().equals("EFI"));
        String part = demo.catalog().part(0).partNumber();
        Reply basket = post("/recommendations?limit=4", "{\"items\": [\"" + part + "\"]}");
        assertThat(basket.body().get("source").asText()).isEqualTo("foldin");
        assertThat(basket.body().get("items")).hasSize(4).noneMatch(i -> i.get("itemId").asText().equals(part));
        Reply similar = get("/similar/" + part + "?limit=5");
        assertThat(similar.status()).isEqualTo(200);
        assertThat(similar.body().get("items")).hasSize(5).noneMatch(i -> i.get("itemId").asText().equals(part));
    }

    /** explain=true names each item's reasons; because/{itemId} takes its score apart over HTTP. */
    @Test
    void explanationsComeWithTheAnswerAndTheBreakdownAddsUpToTheScore() throws Exception {
        String customer = DemoEvents.customerId(23);
        Reply plain = get("/recommendations/" + customer + "?limit=5");
        Reply explained = get("/recommendations/" + customer + "?limit=5&explain=true");
        assertThat(plain.body().get("items").get(0).has("reasons")).as("only when asked").isFalse();
        assertThat(explained.body().get("items")).hasSize(5);
        for (int j = 0; j < 5; j++) {
            JsonNode item = explained.body().get("items").get(j);
            assertThat(item.get("itemId").asText()).isEqualTo(plain.body().get("items").get(j).get("itemId").asText());
            List<JsonNode> history = new java.util.ArrayList<>();
            item.get("reasons").forEach(r -> {
                if (r.get("type").asText().equals("history")) {
                    history.add(r);
                } else { // the garage applied by default (fits=auto)
                    List<String> garage = new java.util.ArrayList<>();
                    explained.body().get("garage").get("platforms").forEach(p -> garage.add("fits your " + p.asText()));
                    assertThat(r.get("text").asText()).isIn(garage);
                }
            });
            assertThat(history).isNotEmpty().allSatisfy(r -> assertThat(r.get("contribution").asDouble()).isPositive());
            Reply because = get("/recommendations/" + customer + "/because/" + item.get("itemId").asText());
            assertThat(because.status()).isEqualTo(200);
            JsonNode b = because.body();
            assertThat(b.get("score").asDouble()).isCloseTo(item.get("score").asDouble(), within(1e-5));
            double sum = 0;
            for (JsonNode share : b.get("shares")) {
                sum += share.get("contribution").asDouble();
            }
            assertThat(sum).isCloseTo(b.get("explained").asDouble(), within(1e-6));
            assertThat(b.get("explained").asDouble() + b.get("residual").asDouble())
                    .isCloseTo(b.get("score").asDouble(), within(1e-6));
            assertThat(b.get("shares").get(0).get("itemId").asText()).isEqualTo(history.get(0).get("itemId").asText());
        }
        Reply popular = get("/recommendations/somebody-new?limit=3&explain=true");
        assertThat(popular.body().get("items")).allSatisfy(i -> assertThat(i.get("reasons").get(0).get("text").asText())
                .isEqualTo("popular in " + i.get("category").asText()));
        for (String path : new String[] {"/recommendations/somebody-new/because/" + demo.catalog().part(0).partNumber(),
                "/recommendations/" + customer + "/because/no-such-part"}) {
            Reply r = get(path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.contentType()).startsWith("application/problem+json");
        }
        Reply bad = get("/recommendations/" + customer + "?explain=perhaps");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().get("parameter").asText()).isEqualTo("explain");
    }

    /**
     * The storefront's plain requests are answered by {@code DirectDispatch}, the others by Spring
     * MVC (an {@code Accept} with a weight is one it passes on): for the same request both give
     * the same status, headers and JSON, only the answer's own id differs; and the requests
     * answered directly are counted, with {@code http.server.requests} tagged by the handler's pattern.
     */
    @Test
    void directAnswersAreSpringMvcsAnswers() throws Exception {
        Snapshot s = serving.current().orElseThrow();
        String part = s.items().idOf(java.util.stream.IntStream.range(0, s.items().size())
                .filter(i -> s.pairs().complements().rowLength(i) >= 3).findFirst().orElseThrow());
        String other = demo.catalog().parts().get(40).partNumber();
        String customer = DemoEvents.customerId(23);
        List<String[]> requests = List.of(
                new String[] {"GET", "/recommendations/" + customer, null},
                new String[] {"GET", "/recommendations/" + customer + "?limit=7&offset=2&includePurchased=true", null},
                new String[] {"GET", "/recommendations/" + customer + "?fits=any&inStock=true&explain=true", null},
                new String[] {"GET", "/recommendations/" + customer + "?vehicle=GM%20LS&category=ignition", null},
                new String[] {"GET", "/recommendations/no-such-customer%2Fx?limit=3", null},
                new String[] {"GET", "/similar/" + part + "?limit=5&brand=Holley", null},
                new String[] {"GET", "/similar/" + part, null},
                new String[] {"GET", "/complements/" + part + "?limit=20", null},
                new String[] {"POST", "/recommendations?limit=4", "{\"items\": [\"" + part + "\", \"" + other + "\"]}"},
                new String[] {"POST", "/recommendations?fits=any&explain=true", "{\"items\": [\"" + part + "\"]}"});
        double answered = meters.get("partrec.api.direct").tag("outcome", "answered").counter().count();
        double passedOn = meters.get("partrec.api.direct").tag("outcome", "passed_on").counter().count();
        for (String[] r : requests) {
            HttpResponse<String> direct = http.send(request(r, null), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> mvc = http.send(request(r, "application/json;q=1"), HttpResponse.BodyHandlers.ofString());
            String what = r[0] + " " + r[1];
            assertThat(direct.statusCode()).as(what).isEqualTo(200).isEqualTo(mvc.statusCode());
            for (String h : new String[] {"Content-Type", "X-Model-Version"}) {
                assertThat(direct.headers().allValues(h)).as(what + " " + h).isEqualTo(mvc.headers().allValues(h))
                        .isNotEmpty();
            }
            JsonNode a = JSON.readTree(direct.body());
            JsonNode b = JSON.readTree(mvc.body());
            assertThat(direct.headers().firstValue("X-Recommendation-Id")).hasValue(a.get("recommendationId").asText());
            ((com.fasterxml.jackson.databind.node.ObjectNode) a).remove("recommendationId");
            ((com.fasterxml.jackson.databind.node.ObjectNode) b).remove("recommendationId");
            assertThat(a).as(what).isEqualTo(b);
            assertThat(a.get("items").size()).as(what).isPositive();
            assertThat(direct.body()).as(what + ": byte for byte but the id").isEqualTo(
                    mvc.body().replace(mvc.headers().firstValue("X-Recommendation-Id").orElseThrow(),
                            direct.headers().firstValue("X-Recommendation-Id").orElseThrow()));
        }
        assertThat(meters.get("partrec.api.direct").tag("outcome", "answered").counter().count() - answered)
                .isEqualTo(requests.size());
        assertThat(meters.get("partrec.api.direct").tag("outcome", "passed_on").counter().count() - passedOn)
                .isEqualTo(requests.size());
        assertThat(meters.get("http.server.requests").tags("uri", "/similar/{itemId}", "status", "200").timer().count())
                .isGreaterThanOrEqualTo(4);
        // not plain, so Spring MVC's to answer: a dotted id (it adds Content-Disposition), an Accept that
        // could mean YAML or that it cannot parse, a body cut short
        double before = meters.get("partrec.api.direct").tag("outcome", "passed_on").counter().count();
        HttpResponse<String> dotted = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/recommendations/jane.doe")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(dotted.statusCode()).isEqualTo(200);
        assertThat(dotted.headers().firstValue("Content-Disposition")).hasValue("inline;filename=f.txt");
        HttpResponse<String> yaml = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/similar/" + part)).header("Accept", "application/yaml, application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(yaml.headers().firstValue("Content-Type").orElse("")).doesNotStartWith("application/json");
        HttpResponse<String> unparsable = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/similar/" + part)).header("Accept", "application/json, foo").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unparsable.statusCode()).isEqualTo(406);
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            String basket = "{\"items\": [\"" + part + "\"]}";
            socket.getOutputStream().write(("POST /recommendations HTTP/1.1\r\nHost: localhost\r\nContent-Type:"
                    + " application/json\r\nContent-Length: " + (basket.length() + 20) + "\r\nConnection: close\r\n\r\n"
                    + basket).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.shutdownOutput();
            String reply = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(reply).as("a body shorter than its length").startsWith("HTTP/1.1 400")
                    .contains("application/problem+json");
        }
        assertThat(meters.get("partrec.api.direct").tag("outcome", "passed_on").counter().count() - before)
                .isEqualTo(4);
        // what Spring MVC refuses is refused as before, through it: a bad parameter, an unknown item, a repeated one
        assertThat(get("/similar/" + part + "?limit=abc").status()).isEqualTo(400);
        assertThat(get("/similar/no-such-part").status()).isEqualTo(404);
        assertThat(get("/similar/" + part + "?limit=2&limit=3").body().get("items").size()).isEqualTo(2);
        assertThat(get("/recommendations/" + customer + "?inStock=yes").status()).isEqualTo(200);
    }

    private HttpRequest request(String[] r, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + r[1]));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return r[2] == null ? b.GET().build()
                : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(r[2])).build();
    }

    @Test
    void everyBadInputIsA4xxProblemNamingTheParameter() throws Exception {
        String longId = "x".repeat(129);
        List<String[]> cases = List.of(
                new String[] {"/recommendations/u?limit=0", "limit"},
                new String[] {"/recommendations/u?limit=201", "limit"},
                new String[] {"/recommendations/u?limit=abc", "limit"},
                new String[] {"/recommendations/u?offset=-1", "offset"},
                new String[] {"/recommendations/u?offset=995&limit=10", "offset"},
                new String[] {"/recommendations/u?inStock=maybe", "inStock"},
                new String[] {"/recommendations/" + longId, "userId"},
                new String[] {"/similar/" + longId, "itemId"},
                new String[] {"/similar/x?limit=-5", "limit"});
        for (String[] c : cases) {
            Reply r = get(c[0]);
            assertThat(r.status()).as(c[0]).isEqualTo(400);
            assertThat(r.contentType()).as(c[0]).startsWith("application/problem+json");
            assertThat(r.body().get("parameter").asText()).as(c[0]).isEqualTo(c[1]);
            assertThat(r.body().get("detail").asText()).as(c[0]).contains(c[1]);
        }
        Reply notFound = get("/similar/no-such-part");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.contentType()).startsWith("application/problem+json");
        for (String body : new String[] {"{\"items\": []}", "{\"items\":", "[1,2]", ""}) {
            Reply r = post("/recommendations", body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.contentType()).as(body).startsWith("application/problem+json");
        }
        String huge = "{\"items\": [" + "\"HOL-0550-849\",".repeat(10_000) + "\"x\"]}";
        Reply declared = post("/recommendations", huge);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.contentType()).startsWith("application/problem+json");
        assertThat(declared.body().get("detail").asText()).contains("larger than 65536 bytes");
        Reply chunked = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/recommendations"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(huge.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .build());
        assertThat(chunked.status()).as("a body without a length, cut off at the limit").isEqualTo(413);
        assertThat(chunked.contentType()).startsWith("application/problem+json");
    }

    /**
     * Many threads call both endpoints while two snapshots are swapped back and forth: no error,
     * and every response is exactly what its model version gives.
     */
    @Test
    void swapsUnderLoadNeverFailAndNeverMixModels() throws Exception {
        Snapshot a = serving.current().orElseThrow();
        Snapshot b = Snapshot.popularOnly("popular-b", a.createdAt(), a.users(), a.items(),
                org.partrec.features.CsrMatrix.fromTriples(a.users().size(), a.items().size(), new int[] {0, 1},
                        new int[] {3, 4}, new float[] {1f, 1f}),
                org.partrec.features.CsrMatrix.fromTriples(a.users().size(), a.items().size(), new int[0], new int[0],
                        new float[0]),
                a.catalog());
        String user = DemoEvents.customerId(7);
        String path = "/recommendations/" + user + "?limit=5";
        String item = a.items().idOf(2);
        String similarPath = "/similar/" + item + "?limit=5";
        java.util.Map<String, String> expected = new java.util.HashMap<>();
        serving.publish(b);
        expected.put("b" + path, get(path).body().get("items").toString());
        expected.put("b" + similarPath, get(similarPath).body().get("items").toString());
        serving.publish(a);
        expected.put("a" + path, get(path).body().get("items").toString());
        expected.put("a" + similarPath, get(similarPath).body().get("items").toString());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<String> problem = new AtomicReference<>();
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            String p = t % 2 == 0 ? path : similarPath;
            futures.add(pool.submit(() -> {
                while (System.nanoTime() < until) {
                    try {
                        Reply r = get(p);
                        String key = (r.version().equals(a.version()) ? "a" : "b") + p;
                        if (r.status() != 200 || !expected.get(key).equals(r.body().get("items").toString())) {
                            problem.set(r.status() + " " + r.version() + " " + r.body());
                        }
                        calls.incrementAndGet();
                    } catch (Exception e) {
                        problem.set(e.toString());
                    }
                }
                return null;
            }));
        }
        int swaps = 0;
        while (System.nanoTime() < until) {
            serving.publish(swaps++ % 2 == 0 ? b : a);
            Thread.sleep(2);
        }
        for (var f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        serving.publish(a);
        assertThat(problem.get()).isNull();
        assertThat(calls.get()).isGreaterThan(100);
        assertThat(swaps).isGreaterThan(100);
    }
}
