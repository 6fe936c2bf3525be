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
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.partrec.warehouse.DeferredWarehouse;
import org.partrec.warehouse.DuckDbWarehouse;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code POST /events} over HTTP on the embedded warehouse: a good batch stored and answered with
 * what was new and what repeated; a bad one refused whole as problem+json naming the field and
 * the index, with nothing of it stored; malformed JSON, an oversize batch and an oversize body
 * refused as well.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "management.server.port=0", "partrec.training.enabled=false", "partrec.demo.load=false",
    "partrec.export.enabled=false", "partrec.events.max-batch=5"})
class EventsApiTest {

    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("partrec-events");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void paths(DynamicPropertyRegistry r) {
        r.add("partrec.models.path", () -> DIR.resolve("models").toString());
        r.add("partrec.warehouse.path", () -> DIR.resolve("warehouse.duckdb").toString());
    }

    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();
    final String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();

    @LocalServerPort
    int port;
    @Autowired
    DeferredWarehouse<DuckDbWarehouse> warehouse;

    HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String event(String id, String type) {
        return "{\"eventId\":\"" + id + "\",\"userId\":\"C-1\",\"itemId\":\"HLY-0001\",\"type\":\"" + type
                + "\",\"timestamp\":\"" + now + "\"}";
    }

    long stored(String idPrefix) {
        return (Long) warehouse.open().query("SELECT count(*) FROM partrec.storefront_events WHERE event_id LIKE '"
                + idPrefix + "%'").get(0)[0];
    }

    @Test
    void aGoodBatchIsStoredOnceAndARetryCountsAsRepeats() throws Exception {
        HttpResponse<String> first = post("{\"events\":[" + event("g-1", "view") + "," + event("g-2", "cart") + "]}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        assertThat(JSON.readTree(first.body())).isEqualTo(JSON.readTree(
                "{\"received\":2,\"added\":2,\"repeated\":0,\"stored\":true}"));
        HttpResponse<String> retry = post("{\"events\":[" + event("g-2", "cart") + "," + event("g-3", "purchase") + "]}");
        assertThat(JSON.readTree(retry.body())).isEqualTo(JSON.readTree(
                "{\"received\":2,\"added\":1,\"repeated\":1,\"stored\":true}"));
        assertThat(stored("g-")).isEqualTo(3);
    }

    @Test
    void aBadEventRefusesTheWholeBatchNamingFieldAndIndexAndStoresNothing() throws Exception {
        HttpResponse<String> r = post("{\"events\":[" + event("b-1", "view") + "," + event("b-2", "view") + ","
                + event("b-3", "click") + "]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.get("parameter").asText()).isEqualTo("events[2].type");
        assertThat(problem.get("detail").asText())
                .isEqualTo("events[2].type: 'click' is not one of view, cart, purchase, return");
        assertThat(stored("b-")).as("nothing of the batch").isZero();
    }

    @Test
    void malformedJsonAnOversizeBatchAndAnOversizeBodyAreRefused() throws Exception {
        HttpResponse<String> malformed = post("{\"events\":[" + event("m-1", "view"));
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        StringBuilder six = new StringBuilder("{\"events\":[");
        for (int i = 0; i < 6; i++) {
            six.append(i == 0 ? "" : ",").append(event("o-" + i, "view"));
        }
        HttpResponse<String> oversize = post(six.append("]}").toString());
        assertThat(oversize.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(oversize.body()).get("detail").asText()).contains("at most 5 events");
        HttpResponse<String> huge = post("{\"events\":[" + event("h-1", "view") + "], \"pad\":\"" + "x".repeat(70_000)
                + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
        HttpResponse<String> empty = post("");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(stored("m-") + stored("o-") + stored("h-")).isZero();
    }
}
