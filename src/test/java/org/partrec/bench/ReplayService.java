package org.partrec.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.partrec.PartrecApplication;
import org.partrec.events.Event;
import org.partrec.publish.ModelArtifact;
import org.partrec.publish.ModelStore;
import org.partrec.serve.ServingModel;
import org.partrec.storage.LocalBlobStore;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The service, started in this JVM on one trained model, as a serving replica: the model saved to
 * a model store in a temporary folder, the application started on it with training, the demo
 * store and the export switched off, and spoken to over loopback HTTP only ({@code POST /events},
 * {@code GET /recommendations/{userId}}).
 */
final class ReplayService implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: the items in order and where they came from ({@code model}, {@code realtime}, ...). */
    record Answer(List<String> items, String source) {
    }

    private final Path dir;
    private final ConfigurableApplicationContext context;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final int maxBatch;

    /**
     * @param settings service properties beside the replica's own ({@code partrec.transform.*}, say)
     * @param maxBatch events per {@code POST /events} (the service's {@code partrec.events.max-batch})
     */
    ReplayService(ModelArtifact model, Map<String, Object> settings, int maxBatch) throws IOException,
            InterruptedException {
        this.maxBatch = maxBatch;
        dir = Files.createTempDirectory("partrec-replay");
        new ModelStore(new LocalBlobStore(dir.resolve("models")), 1).save(model);
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
                "--partrec.training.enabled=false", "--partrec.demo.load=false", "--partrec.export.enabled=false",
                "--partrec.models.path=" + dir.resolve("models"),
                "--partrec.warehouse.path=" + dir.resolve("warehouse.duckdb"),
                "--partrec.events.max-batch=" + maxBatch, "--logging.level.root=WARN"));
        settings.forEach((k, v) -> args.add("--" + k + "=" + v));
        context = new SpringApplicationBuilder(PartrecApplication.class).run(args.toArray(String[]::new));
        base = "http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort();
        ServingModel serving = context.getBean(ServingModel.class);
        long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!serving.current().map(s -> s.hasModel() && s.version().equals(model.version())).orElse(false)) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the service did not serve " + model.version() + " within 120 s");
            }
            Thread.sleep(50);
        }
    }

    /** {@code GET /recommendations/{userId}?limit=..[&includePurchased=true]}. */
    Answer recommend(String userId, int limit, boolean includePurchased) throws IOException, InterruptedException {
        String url = base + "/recommendations/" + URLEncoder.encode(userId, StandardCharsets.UTF_8).replace("+", "%20")
                + "?limit=" + limit + (includePurchased ? "&includePurchased=true" : "");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + ": " + r.statusCode() + " " + r.body());
        }
        JsonNode body = JSON.readTree(r.body());
        List<String> items = new ArrayList<>();
        body.get("items").forEach(i -> items.add(i.get("itemId").asText()));
        return new Answer(items, body.get("source").asText());
    }

    /** {@code POST /events}, in batches of at most {@code maxBatch}. */
    void post(List<Event> events) throws IOException, InterruptedException {
        for (int from = 0; from < events.size(); from += maxBatch) {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode array = body.putArray("events");
            for (Event e : events.subList(from, Math.min(events.size(), from + maxBatch))) {
                array.addObject().put("eventId", e.eventId()).put("userId", e.userId()).put("itemId", e.itemId())
                        .put("type", e.type().wire()).put("quantity", e.quantity())
                        .put("timestamp", e.timestamp().toString());
            }
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/events"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("POST /events: " + r.statusCode() + " " + r.body());
            }
        }
    }

    @Override
    public void close() {
        context.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
