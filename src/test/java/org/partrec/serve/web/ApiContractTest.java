package org.partrec.serve.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.partrec.app.OnTempStore;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The OpenAPI document as served ({@code /v3/api-docs}) is the storefront's contract: every
 * status each operation sends, errors as {@code application/problem+json} with the Problem
 * schema, required fields, bounds, enums, nullability and response headers as the code enforces
 * them; and the answers of the running server match it. Writes the served document to
 * {@code target/openapi.json}, for tools ({@code npx redocly lint target/openapi.json});
 * {@code bench/openapi-client.sh} lints it and calls every operation through a client generated
 * from it. The properties are FuzzTest's, so a full run shares its server.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "partrec.demo.customers=3000", "partrec.demo.parts=1500", "partrec.demo.events=60000",
    "partrec.training.factors=32", "partrec.training.threads=2",
    "partrec.ops.token=fuzz-ops-token", "partrec.ops.require-token=true"})
class ApiContractTest extends OnTempStore {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, Set<String>> STATUSES = Map.of(
            "recommendForUser", Set.of("200", "400", "406", "413", "500", "503"),
            "recommendForBasket", Set.of("200", "400", "406", "413", "415", "500", "503"),
            "similarItems", Set.of("200", "400", "404", "406", "413", "500", "503"),
            "complementItems", Set.of("200", "400", "404", "406", "413", "500", "503"),
            "postEvents", Set.of("200", "400", "406", "413", "415", "500", "503"),
            "explainRecommendation", Set.of("200", "400", "404", "406", "413", "500", "503"));

    final HttpClient http = HttpClient.newHttpClient();
    JsonNode doc;

    @BeforeEach
    void served() throws Exception {
        long until = System.nanoTime() + 120_000_000_000L; // the service trains its first model at start-up
        while (serving.current().isEmpty() && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/v3/api-docs")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "openapi.json"), r.body());
        doc = JSON.readTree(r.body());
    }

    List<JsonNode> operations() {
        List<JsonNode> out = new ArrayList<>();
        doc.path("paths").forEach(item -> item.forEach(out::add));
        return out;
    }

    JsonNode schema(String name) {
        return doc.path("components").path("schemas").path(name);
    }

    JsonNode parameter(JsonNode op, String name) {
        for (JsonNode p : op.path("parameters")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no parameter " + name + " in " + op.path("operationId"));
    }

    @Test
    void everyOperationDocumentsEveryStatusItSendsWithItsMediaTypeSchemaAndHeaders() {
        assertThat(doc.path("info").path("description").asText()).isNotBlank();
        assertThat(doc.path("info").path("version").asText()).isNotBlank();
        assertThat(doc.path("info").path("license").path("name").asText()).isNotBlank();
        assertThat(doc.path("servers")).isNotEmpty();
        assertThat(doc.path("paths").has("/error")).isFalse();
        List<JsonNode> ops = operations();
        assertThat(ops).extracting(op -> op.path("operationId").asText())
                .containsExactlyInAnyOrderElementsOf(STATUSES.keySet());
        Set<String> tags = new TreeSet<>();
        doc.path("tags").forEach(t -> tags.add(t.path("name").asText()));
        for (JsonNode op : ops) {
            String id = op.path("operationId").asText();
            assertThat(tags).as(id).contains(op.path("tags").get(0).asText());
            assertThat(op.path("summary").asText()).as(id).isNotBlank();
            Set<String> statuses = new TreeSet<>();
            op.path("responses").fieldNames().forEachRemaining(statuses::add);
            assertThat(statuses).as(id).isEqualTo(STATUSES.get(id));
            op.path("responses").fields().forEachRemaining(e -> {
                JsonNode content = e.getValue().path("content");
                assertThat(content.size()).as(id + " " + e.getKey()).isEqualTo(1);
                assertThat(e.getValue().path("headers").has("X-Request-Id")).as(id + " " + e.getKey()).isTrue();
                if (e.getKey().equals("200")) {
                    assertThat(content.has("application/json")).as(id).isTrue();
                    assertThat(e.getValue().path("headers").has("X-Model-Version")).as(id)
                            .isEqualTo(!id.equals("postEvents")); // events are no model's answer
                    assertThat(e.getValue().path("headers").has("X-Recommendation-Id")).as(id) // no answer to attribute
                            .isEqualTo(!id.equals("postEvents") && !id.equals("explainRecommendation"));
                } else {
                    assertThat(content.path("application/problem+json").path("schema").path("$ref").asText())
                            .as(id + " " + e.getKey()).isEqualTo("#/components/schemas/Problem");
                }
            });
            assertThat(parameter(op, "X-Request-Id").path("in").asText()).isEqualTo("header");
        }
        JsonNode problem = schema("Problem");
        assertThat(problem.path("properties").has("parameter")).isTrue();
        assertThat(problem.path("required")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("type", "title", "status", "detail");
        assertThat(doc.path("components").path("headers").path("X-Model-Version").path("required").asBoolean()).isTrue();
    }

    @Test
    void boundsEnumsRequiredFieldsAndNullabilityAreAsTheCodeEnforcesThem() {
        for (JsonNode op : operations()) {
            if (op.path("operationId").asText().equals("postEvents")
                    || op.path("operationId").asText().equals("explainRecommendation")) {
                continue; // no paging, no filters (postEvents' body is checked below)
            }
            JsonNode limit = parameter(op, "limit").path("schema");
            assertThat(limit.path("minimum").asInt()).isEqualTo(1);
            assertThat(limit.path("maximum").asInt()).isEqualTo(200);
            assertThat(limit.path("default").asInt()).isEqualTo(10);
            assertThat(parameter(op, "offset").path("schema").path("minimum").asInt()).isZero();
            assertThat(parameter(op, "category").path("schema").path("maxLength").asInt()).isEqualTo(128);
            assertThat(parameter(op, "inStock").path("schema").path("type").asText()).isEqualTo("boolean");
        }
        JsonNode user = doc.at("/paths/~1recommendations~1{userId}/get");
        assertThat(parameter(user, "userId").path("required").asBoolean()).isTrue();
        assertThat(parameter(user, "userId").path("schema").path("maxLength").asInt()).isEqualTo(128);
        JsonNode body = doc.at("/paths/~1recommendations/post/requestBody");
        assertThat(body.path("required").asBoolean()).isTrue();
        JsonNode basket = schema("Basket");
        assertThat(basket.path("required")).extracting(JsonNode::asText).containsExactly("items");
        assertThat(basket.at("/properties/items/minItems").asInt()).isEqualTo(1);
        assertThat(basket.at("/properties/items/maxItems").asInt()).isEqualTo(100);
        assertThat(basket.at("/properties/items/items/maxLength").asInt()).isEqualTo(128);

        JsonNode recs = schema("Recommendations");
        assertThat(recs.path("required")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("userId", "modelVersion", "recommendationId", "source", "items", "garage");
        assertThat(nullable(recs.at("/properties/userId"))).isTrue();
        assertThat(schema("Garage").at("/properties/source/enum")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("purchases", "viewed", "vehicle", "events", "basket");
        assertThat(parameter(doc.at("/paths/~1recommendations~1{userId}/get"), "vehicle").path("schema")
                .path("maxLength").asInt()).isEqualTo(128);
        assertThat(parameter(doc.at("/paths/~1recommendations/post"), "fits").path("description").asText())
                .contains("auto", "any");
        assertThat(recs.at("/properties/source/enum")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("model", "popular", "foldin", "realtime");
        assertThat(schema("Similar").at("/properties/source/enum")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("model", "popular");
        assertThat(schema("Complements").at("/properties/source/enum")).extracting(JsonNode::asText)
                .containsExactly("copurchase");
        assertThat(schema("Complements").path("required")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("itemId", "modelVersion", "recommendationId", "source", "items");
        JsonNode item = schema("Item");
        assertThat(item.path("required")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("itemId", "score", "name", "category", "brand", "promoted");
        assertThat(item.at("/properties/promoted/type").asText()).isEqualTo("boolean"); // merchandising rules
        assertThat(nullable(item.at("/properties/promoted"))).isFalse();
        assertThat(nullable(item.at("/properties/name"))).isTrue();
        assertThat(nullable(item.at("/properties/itemId"))).isFalse();

        JsonNode events = doc.at("/paths/~1events/post/requestBody");
        assertThat(events.path("required").asBoolean()).isTrue();
        assertThat(events.at("/content/application~1json/schema/$ref").asText()).isEqualTo("#/components/schemas/EventBatch");
        JsonNode batch = schema("EventBatch");
        assertThat(batch.path("required")).extracting(JsonNode::asText).containsExactly("events");
        assertThat(batch.at("/properties/events/minItems").asInt()).isEqualTo(1);
        assertThat(batch.at("/properties/events/maxItems").asInt()).isEqualTo(200);
        JsonNode event = batch.at("/properties/events/items");
        assertThat(event.path("required")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("eventId", "userId", "itemId", "type", "timestamp");
        assertThat(event.at("/properties/type/enum")).extracting(JsonNode::asText)
                .containsExactly("view", "cart", "purchase", "return");
        assertThat(event.at("/properties/eventId/maxLength").asInt()).isEqualTo(128);
        assertThat(event.at("/properties/quantity/maximum").asInt()).isEqualTo(1_000_000);
        assertThat(event.at("/properties/timestamp/format").asText()).isEqualTo("date-time");
        assertThat(schema("Accepted").path("required")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("received", "added", "repeated", "stored");
    }

    /** Nullable in OpenAPI 3.1 ({@code type: [string, "null"]}) or 3.0 ({@code nullable: true}). */
    static boolean nullable(JsonNode property) {
        JsonNode type = property.path("type");
        boolean inType = false;
        for (JsonNode t : type) {
            inType |= t.asText().equals("null");
        }
        return inType || property.path("nullable").asBoolean();
    }

    /** The errors the server sends are what the document says: the status, the media type, the required fields. */
    @Test
    void theServersErrorsMatchTheDocument() throws Exception {
        Set<String> properties = new TreeSet<>();
        schema("Problem").path("properties").fieldNames().forEachRemaining(properties::add);
        String big = "{\"items\": [\"" + "x".repeat(70_000) + "\"]}";
        List<HttpRequest> requests = List.of(
                get("/recommendations/u?limit=0").build(),
                get("/similar/no-such-part").build(),
                get("/similar/" + serving.current().orElseThrow().items().idOf(0)).header("Accept", "application/xml")
                        .build(),
                post("/recommendations", big).header("Content-Type", "application/json").build(),
                post("/recommendations", "{}").header("Content-Type", "text/plain").build(),
                get("/complements/no-such-part").build(),
                get("/complements/" + serving.current().orElseThrow().items().idOf(0) + "?offset=-1").build());
        int[] expected = {400, 404, 406, 413, 415, 404, 400};
        for (int i = 0; i < requests.size(); i++) {
            HttpResponse<String> r = http.send(requests.get(i), HttpResponse.BodyHandlers.ofString());
            String what = requests.get(i).method() + " " + requests.get(i).uri().getPath();
            assertThat(r.statusCode()).as(what).isEqualTo(expected[i]);
            assertThat(r.headers().firstValue("Content-Type")).as(what).hasValue("application/problem+json");
            assertThat(r.headers().firstValue("X-Request-Id")).as(what).isPresent();
            JsonNode p = JSON.readTree(r.body());
            assertThat(p.path("status").asInt()).as(what).isEqualTo(expected[i]);
            for (String field : List.of("type", "title", "detail")) {
                assertThat(p.path(field).asText()).as(what + " " + field).isNotBlank();
            }
            Set<String> sent = new TreeSet<>();
            p.fieldNames().forEachRemaining(sent::add);
            assertThat(properties).as(what).containsAll(sent);
        }
    }

    HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
    }

    HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }
}
