package org.partrec.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The part of Cloud Storage's JSON API that a compare-and-set needs, on loopback, for the real
 * google-cloud-storage client: object metadata and media (GET), a multipart upload with
 * {@code ifGenerationMatch} (POST), and a delete with it (DELETE). Generations count up per
 * bucket as GCS's do; a failed precondition answers 412 as GCS does. (google-cloud-nio's in-memory
 * GCS ignores preconditions.) Every request is recorded.
 */
final class GcsStandIn implements AutoCloseable {

    static final String PROJECT = "partrec-test";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Stored(byte[] bytes, long generation) {
    }

    private final HttpServer server;
    private final Map<String, Stored> objects = new HashMap<>();
    private long generations = 1_700_000_000_000_000L;
    final List<String> requests = new CopyOnWriteArrayList<>();

    GcsStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    Storage client() {
        return StorageOptions.newBuilder().setProjectId(PROJECT).setHost("http://127.0.0.1:" + server.getAddress().getPort())
                .setCredentials(NoCredentials.getInstance())
                .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(2).setTotalTimeoutDuration(Duration.ofSeconds(10))
                        .build()).build().getService();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                q.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    private synchronized void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getRawPath();
        Map<String, String> q = query(x.getRequestURI().getRawQuery());
        requests.add(x.getRequestMethod() + " " + path + "?" + x.getRequestURI().getRawQuery());
        try {
            String[] parts = path.replaceFirst("^/(download|upload)", "").split("/");
            // /storage/v1/b/<bucket>/o[/<object>]
            if (parts.length < 6 || !parts[1].equals("storage") || !parts[3].equals("b") || !parts[5].equals("o")) {
                answer(x, 400, error(400, "not a path this stand-in knows: " + path));
                return;
            }
            String bucket = URLDecoder.decode(parts[4], StandardCharsets.UTF_8);
            String name = parts.length > 6 ? URLDecoder.decode(parts[6], StandardCharsets.UTF_8) : null;
            switch (x.getRequestMethod()) {
                case "GET" -> get(x, bucket, name, q);
                case "POST" -> upload(x, bucket, q);
                case "DELETE" -> delete(x, bucket, name, q);
                default -> answer(x, 405, error(405, x.getRequestMethod()));
            }
        } catch (RuntimeException e) {
            answer(x, 500, error(500, String.valueOf(e)));
        }
    }

    private void get(HttpExchange x, String bucket, String name, Map<String, String> q) throws IOException {
        Stored s = objects.get(bucket + "/" + name);
        if (s == null || q.containsKey("generation") && Long.parseLong(q.get("generation")) != s.generation()) {
            answer(x, 404, error(404, "No such object: " + bucket + "/" + name));
        } else if ("media".equals(q.get("alt"))) {
            x.getResponseHeaders().set("Content-Type", "application/octet-stream");
            x.getResponseHeaders().set("x-goog-generation", String.valueOf(s.generation()));
            x.sendResponseHeaders(200, s.bytes().length == 0 ? -1 : s.bytes().length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(s.bytes());
            }
        } else {
            answer(x, 200, metadata(bucket, name, s));
        }
    }

    /** A failed {@code ifGenerationMatch}: GCS's 412. */
    private boolean preconditionFails(String key, Map<String, String> q) {
        if (!q.containsKey("ifGenerationMatch")) {
            return false;
        }
        Stored s = objects.get(key);
        long want = Long.parseLong(q.get("ifGenerationMatch"));
        return want == 0 ? s != null : s == null || s.generation() != want;
    }

    private void upload(HttpExchange x, String bucket, Map<String, String> q) throws IOException {
        if (!"multipart".equals(q.get("uploadType"))) {
            answer(x, 400, error(400, "only multipart uploads here, not " + q.get("uploadType")));
            return;
        }
        byte[] body = x.getRequestBody().readAllBytes();
        if ("gzip".equalsIgnoreCase(x.getRequestHeaders().getFirst("Content-Encoding"))) { // the client compresses uploads
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
                body = in.readAllBytes();
            }
        }
        String type = x.getRequestHeaders().getFirst("Content-Type");
        String boundary = type.replaceFirst(".*boundary=\"?([^\";]+)\"?.*", "$1");
        List<byte[]> parts = multipart(body, boundary);
        JsonNode meta = JSON.readTree(parts.get(0));
        String name = meta.get("name").asText();
        String key = bucket + "/" + name;
        if (preconditionFails(key, q)) {
            answer(x, 412, error(412, "At least one of the pre-conditions you specified did not hold."));
            return;
        }
        Stored s = new Stored(parts.get(1), ++generations);
        objects.put(key, s);
        answer(x, 200, metadata(bucket, name, s));
    }

    private void delete(HttpExchange x, String bucket, String name, Map<String, String> q) throws IOException {
        String key = bucket + "/" + name;
        if (!objects.containsKey(key)) {
            answer(x, 404, error(404, "No such object: " + key));
        } else if (preconditionFails(key, q)) {
            answer(x, 412, error(412, "At least one of the pre-conditions you specified did not hold."));
        } else {
            objects.remove(key);
            x.sendResponseHeaders(204, -1);
            x.close();
        }
    }

    /** The bodies of a multipart/related request: the metadata, then the media. */
    private static List<byte[]> multipart(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> out = new java.util.ArrayList<>();
        int at = indexOf(body, delimiter, 0);
        while (at >= 0) {
            int start = at + delimiter.length;
            if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
                break; // the closing delimiter
            }
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            int next = indexOf(body, delimiter, headersEnd);
            out.add(Arrays.copyOfRange(body, headersEnd + 4, next - 2)); // the CRLF before a delimiter is its own
            at = next;
        }
        return out;
    }

    private static int indexOf(byte[] a, byte[] b, int from) {
        outer:
        for (int i = Math.max(0, from); i <= a.length - b.length; i++) {
            for (int j = 0; j < b.length; j++) {
                if (a[i + j] != b[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Map<String, Object> metadata(String bucket, String name, Stored s) {
        return Map.of("kind", "storage#object", "id", bucket + "/" + name + "/" + s.generation(), "bucket", bucket,
                "name", name, "generation", String.valueOf(s.generation()), "metageneration", "1",
                "size", String.valueOf(s.bytes().length), "contentType", "application/octet-stream");
    }

    private static Map<String, Object> error(int code, String message) {
        return Map.of("error", Map.of("code", code, "message", message,
                "errors", List.of(Map.of("message", message, "reason", code == 412 ? "conditionNotMet" : "invalid"))));
    }

    private static void answer(HttpExchange x, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
