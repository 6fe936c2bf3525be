package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;

/** Runs the README's curl calls, as written, against the service on the default demo store. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "partrec.training.threads=2"})
@AutoConfigureObservability // Spring Boot leaves /actuator/prometheus out of tests unless asked
class ReadmeTest extends OnTempStore {


    /** The curl lines of the README's service section. */
    static List<String> curls() throws Exception {
        List<String> out = new ArrayList<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## The service");
            }
            if (inSection && line.startsWith("curl ")) {
                out.add(line);
            }
        }
        return out;
    }

    /** Splits a shell line on spaces, keeping single-quoted words whole. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            } else if (c == ' ' && !quoted) {
                if (w.length() > 0) {
                    words.add(w.toString());
                    w.setLength(0);
                }
            } else {
                w.append(c);
            }
        }
        if (w.length() > 0) {
            words.add(w.toString());
        }
        return words;
    }

    HttpRequest request(String line) {
        List<String> words = words(line);
        String method = "GET";
        String body = null;
        String url = null;
        HttpRequest.Builder b = HttpRequest.newBuilder();
        for (int i = 1; i < words.size(); i++) {
            switch (words.get(i)) {
                case "-s" -> { }
                case "-X" -> method = words.get(++i);
                case "-H" -> {
                    String[] h = words.get(++i).split(": ", 2);
                    b.header(h[0], h[1]);
                }
                case "-d" -> body = words.get(++i);
                default -> url = words.get(i);
            }
        }
        url = "http://" + url.replace("localhost:8080", "localhost:" + port)
                .replace("localhost:8081", "localhost:" + managementPort);
        return b.uri(URI.create(url)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Waits until {@code GET /actuator/retrain} shows no run going on. */
    private void awaitRunEnded(HttpClient http) throws Exception {
        HttpRequest runs = request("curl -s localhost:8081/actuator/retrain");
        long until = System.nanoTime() + java.time.Duration.ofSeconds(120).toNanos();
        while (!new ObjectMapper().readTree(http.send(runs, HttpResponse.BodyHandlers.ofString()).body())
                .path("current").isNull() && System.nanoTime() < until) {
            Thread.sleep(100);
        }
    }

    @Test
    void everyCurlCallOfTheReadmeSucceeds() throws Exception {
        FirstModel.await(serving);
        List<String> curls = curls();
        assertThat(curls).hasSizeGreaterThanOrEqualTo(10);
        HttpClient http = HttpClient.newHttpClient();
        // the first model serves before its run ends (its lists are ranked ahead after): the README's
        // POST must start a run of its own, not be answered with that one
        awaitRunEnded(http);
        for (String line : curls) {
            if (line.contains("-X DELETE localhost:8081/actuator/model")) {
                awaitRunEnded(http); // a rollback goes back to an earlier stored version: the POST's run makes one
            }
            HttpResponse<String> r = http.send(request(line), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(line + " -> " + r.body()).isBetween(200, 299);
            if (line.contains("/because/")) {
                assertThat(r.body()).as(line).contains("\"shares\":[{");
            } else if (line.contains("/recommendations") || line.contains("/similar/") || line.contains("/complements/")) {
                assertThat(r.body()).as(line).contains("\"items\":[{");
            }
            if (line.contains("explain=true")) {
                assertThat(r.body()).as(line).contains("\"reasons\":[{");
            }
            if (line.contains("/prometheus")) {
                assertThat(r.body()).contains("partrec_model_age_seconds", "http_server_requests_seconds_bucket",
                        "partrec_answers_total{endpoint=\"recommendations\",source=\"model\"}",
                        "partrec_training_runs_total{outcome=\"promoted\"}", "partrec_training_step_seconds_count",
                        "partrec_model_info{source=\"" + (serving.current().orElseThrow().hasModel() ? "model" : "popular")
                                + "\",version=\"" + serving.current().orElseThrow().version() + "\"} 1");
            }
        }
    }
}
