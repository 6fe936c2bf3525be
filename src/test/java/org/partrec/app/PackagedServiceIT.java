package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a service, on its own class path (the tests' has more on it: a library
 * only the tests bring hides a class the jar lacks). A replica with an empty store, no demo and no
 * training starts on free ports; its OpenAPI document is served whole, and a posted batch of
 * events is stored; its log holds no class missing.
 */
class PackagedServiceIT {

    static final Path JAR = Path.of(System.getProperty("partrec.jar", "target/partrec.jar")).toAbsolutePath();

    @TempDir
    Path dir;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void theJarServesItsOpenApiDocumentAndTakesEvents() throws Exception {
        int api = freePort();
        int ops = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-jar", JAR.toString(), "--server.port=" + api,
                "--management.server.port=" + ops, "--partrec.demo.load=false", "--partrec.training.enabled=false",
                "--partrec.warehouse.path=" + dir.resolve("warehouse.duckdb"), "--partrec.models.path=" + dir.resolve("models")));
        ProcessBuilder b = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        b.environment().remove("PARTREC_ENV");
        Path log = dir.resolve("service.log");
        Process p = b.redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            HttpResponse<String> doc = null;
            long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < until && p.isAlive()) {
                try {
                    doc = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + api + "/v3/api-docs")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    break;
                } catch (java.io.IOException notYet) {
                    Thread.sleep(200);
                }
            }
            assertThat(doc).as(Files.readString(log)).isNotNull();
            assertThat(doc.statusCode()).as(doc.body()).isEqualTo(200);
            JsonNode paths = new ObjectMapper().readTree(doc.body()).path("paths");
            assertThat(paths.has("/recommendations/{userId}") && paths.has("/similar/{itemId}") && paths.has("/events"))
                    .as(paths.toString()).isTrue();
            String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            HttpResponse<String> events = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + api + "/events"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"events\":[{\"eventId\":\"it-1\",\"userId\":\"C-1\",\"itemId\":\"P-1\",\"type\":\"view\","
                                    + "\"timestamp\":\"" + now + "\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(events.statusCode()).as(events.body()).isEqualTo(200);
            assertThat(events.body()).contains("\"added\":1");
        } finally {
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain("NoClassDefFoundError")
                .doesNotContain("ClassNotFoundException");
    }
}
