package org.partrec.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.partrec.events.Event;
import org.partrec.warehouse.DuckDbWarehouse;
import org.partrec.warehouse.WarehouseTables;

/**
 * The client of {@code bench/events.sh} (issue 15's targets for posted events), run by that script
 * on a service it started, with the test classes and the service jar's libraries on the class path.
 * Each mode ends with one JSON object on a line of its own:
 * <pre>
 * effect &lt;api&gt; &lt;users&gt; &lt;first&gt; &lt;customers&gt;
 *     one customer after another: GET /recommendations/{user}?limit=10, POST /events with a purchase
 *     of the answer's first part (and its recommendationId), then GET again until that part is
 *     gone; the time from the POST's start to the first answer without it (effect_ms), and the
 *     POST's own time. Customers C%07d of ((first + i) * 7919) mod customers, i &lt; users.
 * ingest &lt;api&gt; &lt;connections&gt; &lt;seconds&gt; &lt;id-prefix&gt; &lt;items-file&gt; &lt;customers&gt; [reject] [rate=N]
 *     batches of 100 new events (views, carts, purchases of known parts by known customers) posted
 *     at full rate, or at N events a second on a fixed schedule (a batch behind it goes at once),
 *     one connection a thread: events accepted a second and each batch's time. With
 *     {@code reject} the last event of each batch has a bad type: the service reads the whole
 *     batch and answers 400 without storing it, the ceiling of this client and the JSON reading.
 * crash &lt;api&gt; &lt;connections&gt; &lt;seconds&gt; &lt;id-prefix&gt; &lt;items-file&gt; &lt;customers&gt; &lt;acked-file&gt;
 *     as ingest, until the service goes away (the script kills it); every fifth batch also sends
 *     again 10 ids of the thread's last acknowledged batch and 5 of its own ids twice. Writes each
 *     acknowledged event id (a 200 answer) once to acked-file, and the ids of batches without an
 *     answer (in flight at the kill) to acked-file.inflight; creates acked-file.started once a
 *     first batch is acknowledged, for the script to time the kill from.
 * store &lt;warehouse-file&gt; &lt;batches&gt; &lt;items-file&gt; &lt;customers&gt;
 *     DuckDbWarehouse.store in this process, no HTTP: batches of 100 new events one after another
 *     into a new warehouse file; each batch's time and the process's CPU time a batch.
 * count &lt;warehouse-file&gt; &lt;acked-file&gt; &lt;id-prefix&gt; [table=partrec.storefront_events]
 *     opens the stopped service's warehouse read-only: acknowledged ids found (stored) and not
 *     found (lost), event ids stored more than once in the whole table (duplicates), and rows of
 *     the prefix never acknowledged (stored_not_acked: a batch committed whose answer the kill
 *     cut off).
 * </pre>
 */
final class EventsBenchmark {

    static final int BATCH = 100;
    static final ObjectMapper JSON = new ObjectMapper();

    private EventsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> out = switch (args[0]) {
            case "effect" -> effect(api(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            case "ingest" -> post(api(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4],
                    items(args[5]), Integer.parseInt(args[6]), List.of(args).contains("reject"), null,
                    List.of(args).stream().filter(a -> a.startsWith("rate=")).mapToInt(a -> Integer.parseInt(a.substring(5)))
                            .findFirst().orElse(0));
            case "crash" -> post(api(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4],
                    items(args[5]), Integer.parseInt(args[6]), false, Path.of(args[7]), 0);
            case "store" -> store(Path.of(args[1]), Integer.parseInt(args[2]), items(args[3]), Integer.parseInt(args[4]));
            case "count" -> count(Path.of(args[1]), Path.of(args[2]), args[3],
                    args.length > 4 ? args[4] : "partrec.storefront_events");
            default -> throw new IllegalArgumentException("mode effect, ingest, crash or count, not " + args[0]);
        };
        System.out.println(JSON.writeValueAsString(out));
    }

    static String api(String port) {
        return "http://localhost:" + port;
    }

    static String[] items(String file) throws IOException {
        return Files.readAllLines(Path.of(file)).stream().filter(l -> !l.isBlank()).toArray(String[]::new);
    }

    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    static HttpRequest events(String api, String body) {
        return HttpRequest.newBuilder(URI.create(api + "/events")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** One event as the API takes it; ids here need no escaping. */
    static void event(StringBuilder b, String id, String user, String item, String type, String recommendationId) {
        if (b.charAt(b.length() - 1) == '}') {
            b.append(',');
        }
        b.append("{\"eventId\":\"").append(id).append("\",\"userId\":\"").append(user).append("\",\"itemId\":\"")
                .append(item).append("\",\"type\":\"").append(type).append("\",\"quantity\":1,\"timestamp\":\"")
                .append(Instant.now()).append('"');
        if (recommendationId != null) {
            b.append(",\"recommendationId\":\"").append(recommendationId).append('"');
        }
        b.append('}');
    }

    static String customer(long i) {
        return String.format("C%07d", i);
    }

    /** The p-quantile of times in nanoseconds, in milliseconds (nearest rank); null when there are none. */
    static Double ms(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(p * sortedNanos.length) - 1;
        return Math.round(sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank))] / 1e3) / 1e3;
    }

    static void times(Map<String, Object> out, String prefix, List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        out.put(prefix + "p50_ms", ms(sorted, 0.5));
        out.put(prefix + "p90_ms", ms(sorted, 0.9));
        out.put(prefix + "p99_ms", ms(sorted, 0.99));
        out.put(prefix + "max_ms", ms(sorted, 1));
    }

    // effect: a purchase of the first recommended part, then answers until it is gone

    static Map<String, Object> effect(String api, int users, int first, int customers) throws Exception {
        HttpClient client = client();
        List<Long> effect = new ArrayList<>();
        List<Long> posts = new ArrayList<>();
        int skipped = 0;
        int notGone = 0;
        int maxAnswers = 0;
        int errors = 0;
        for (int i = 0; i < users; i++) {
            String user = customer((first + i) * 7919L % customers);
            JsonNode answer = recommendations(client, api, user);
            if (answer == null || answer.path("items").isEmpty()) {
                skipped++;
                continue;
            }
            String item = answer.path("items").get(0).path("itemId").asText();
            StringBuilder body = new StringBuilder("{\"events\":[");
            event(body, "effect-" + user + "-" + System.nanoTime(), user, item, "purchase",
                    answer.path("recommendationId").asText(null));
            long t0 = System.nanoTime();
            HttpResponse<String> posted = client.send(events(api, body.append("]}").toString()),
                    HttpResponse.BodyHandlers.ofString());
            posts.add(System.nanoTime() - t0);
            if (posted.statusCode() != 200) {
                errors++;
                continue;
            }
            int answers = 0;
            boolean gone = false;
            while (!gone && System.nanoTime() - t0 < 10_000_000_000L) {
                JsonNode next = recommendations(client, api, user);
                answers++;
                gone = next != null && next.path("items").findValuesAsText("itemId").stream().noneMatch(item::equals);
            }
            if (gone) {
                effect.add(System.nanoTime() - t0);
                maxAnswers = Math.max(maxAnswers, answers);
            } else {
                notGone++;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("users", effect.size());
        out.put("skipped_empty", skipped);
        out.put("not_gone_in_10s", notGone);
        out.put("errors", errors);
        out.put("most_answers_until_gone", maxAnswers);
        times(out, "effect_", effect);
        times(out, "post_", posts);
        return out;
    }

    static JsonNode recommendations(HttpClient client, String api, String user) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(api + "/recommendations/" + user
                + "?limit=10")).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }

    // ingest and crash: batches of 100 at full rate

    /** What one posting thread saw. */
    static final class Poster {
        final List<Long> nanos = new ArrayList<>();
        final Set<String> acked = new LinkedHashSet<>();
        final List<String> inFlight = new ArrayList<>();
        long accepted;
        long added;
        long repeated;
        long refused;
        long errors;
        String firstError;
        long lastAnswer;
    }

    static final String[] TYPES = {"view", "view", "view", "view", "view", "view", "view", "cart", "cart", "purchase"};

    /** Where the crash mode says that its first batch was acknowledged. */
    static Path startedFile;

    static synchronized void started() {
        try {
            if (!Files.exists(startedFile)) {
                Files.createFile(startedFile);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @param rate events a second over all connections, each sending its batches on a fixed schedule; 0: at once */
    static Map<String, Object> post(String api, int connections, int seconds, String prefix, String[] items,
                                    int customers, boolean reject, Path ackedFile, int rate) throws Exception {
        long interval = rate <= 0 ? 0 : Math.round(1e9 * BATCH * connections / rate);
        boolean crash = ackedFile != null;
        if (crash) {
            startedFile = Path.of(ackedFile + ".started");
            Files.deleteIfExists(startedFile);
        }
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        ExecutorService threads = Executors.newFixedThreadPool(connections);
        List<Future<Poster>> running = new ArrayList<>();
        for (int t = 0; t < connections; t++) {
            int thread = t;
            running.add(threads.submit(() -> postLoop(api, prefix + "-" + thread + "-", new SplittableRandom(thread),
                    items, customers, reject, crash, deadline, interval)));
        }
        List<Poster> posters = new ArrayList<>();
        for (Future<Poster> f : running) {
            posters.add(f.get());
        }
        threads.shutdown();
        // until the last answer: after a kill, the time the service took batches
        long end = posters.stream().mapToLong(p -> p.lastAnswer).max().orElse(start);
        double elapsed = Math.max(1e-9, (end - start) / 1e9);
        List<Long> nanos = new ArrayList<>();
        posters.forEach(p -> nanos.addAll(p.nanos));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("connections", connections);
        out.put("seconds", Math.round(elapsed * 1000) / 1000.0);
        out.put("batches", nanos.size());
        long accepted = posters.stream().mapToLong(p -> p.accepted).sum();
        out.put(reject ? "refused_events_per_s" : "events_per_s",
                Math.round((reject ? posters.stream().mapToLong(p -> p.refused).sum() * BATCH : accepted) / elapsed));
        out.put("batches_per_s", Math.round(nanos.size() / elapsed * 10) / 10.0);
        times(out, "", nanos);
        out.put("added", posters.stream().mapToLong(p -> p.added).sum());
        out.put("repeated", posters.stream().mapToLong(p -> p.repeated).sum());
        out.put("errors", posters.stream().mapToLong(p -> p.errors).sum());
        posters.stream().map(p -> p.firstError).filter(e -> e != null).findFirst().ifPresent(e -> out.put("first_error", e));
        if (crash) {
            Set<String> acked = new LinkedHashSet<>();
            posters.forEach(p -> acked.addAll(p.acked));
            Set<String> inFlight = new LinkedHashSet<>();
            posters.forEach(p -> inFlight.addAll(p.inFlight));
            inFlight.removeAll(acked);
            Files.write(ackedFile, acked);
            Files.write(Path.of(ackedFile + ".inflight"), inFlight);
            out.put("acked", acked.size());
            out.put("in_flight", inFlight.size());
        }
        return out;
    }

    static Poster postLoop(String api, String ids, SplittableRandom random, String[] items, int customers,
                           boolean reject, boolean crash, long deadline, long interval) {
        Http1 client = new Http1(api); // the exchange on this thread: no hand-overs of a client's own in the time
        Poster p = new Poster();
        List<String> lastAcked = List.of();
        long seq = 0;
        long begin = System.nanoTime() + random.nextLong(Math.max(1, interval)); // connections spread over the interval
        for (int batch = 0; System.nanoTime() < deadline; batch++) {
            if (interval > 0) { // on schedule; a batch behind it goes at once (its wait is in its time)
                long wait = begin + batch * interval - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
            List<String> sent = new ArrayList<>(BATCH);
            StringBuilder body = new StringBuilder(BATCH * 160).append("{\"events\":[");
            boolean repeats = crash && batch % 5 == 4 && lastAcked.size() >= 10;
            for (int i = 0; i < BATCH; i++) {
                String id;
                if (repeats && i < 10) {
                    id = lastAcked.get(i); // acknowledged before: must not be stored again
                } else if (repeats && i >= BATCH - 5) {
                    id = sent.get(10 + i - (BATCH - 5)); // given twice in this batch
                } else {
                    id = ids + seq++;
                }
                sent.add(id);
                String type = reject && i == BATCH - 1 ? "bogus" : TYPES[random.nextInt(TYPES.length)];
                event(body, id, customer(random.nextInt(customers)), items[random.nextInt(items.length)], type, null);
            }
            String payload = body.append("]}").toString();
            long t0 = System.nanoTime();
            Http1.Answer r;
            try {
                r = client.post("/events", payload);
            } catch (IOException e) {
                p.errors++;
                p.firstError = p.firstError != null ? p.firstError : e.toString();
                if (crash) {
                    p.inFlight.addAll(sent);
                    return p; // the service is gone
                }
                if (p.errors > 100) {
                    return p;
                }
                continue;
            }
            long now = System.nanoTime();
            p.lastAnswer = now;
            if (r.status() == 200) {
                p.nanos.add(now - t0);
                try {
                    JsonNode a = JSON.readTree(r.body());
                    p.accepted += a.path("received").asLong();
                    p.added += a.path("added").asLong();
                    p.repeated += a.path("repeated").asLong();
                } catch (IOException e) {
                    p.errors++;
                }
                if (crash) {
                    if (p.acked.isEmpty()) {
                        started();
                    }
                    p.acked.addAll(sent);
                    lastAcked = sent;
                }
            } else if (reject && r.status() == 400) {
                p.nanos.add(now - t0);
                p.refused++;
            } else {
                p.errors++;
                p.firstError = p.firstError != null ? p.firstError : r.status() + " " + r.body();
            }
        }
        client.close();
        return p;
    }

    // store: the warehouse's part alone

    static Map<String, Object> store(Path file, int batches, String[] items, int customers) {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        SplittableRandom random = new SplittableRandom(7);
        List<Long> nanos = new ArrayList<>();
        long seq = 0;
        long cpu = 0;
        long wall = 0;
        try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "partrec", WarehouseTables.DEFAULT)) {
            for (int b = -batches / 10; b < batches; b++) { // the first tenth warms up, unrecorded
                List<Event> events = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH; i++) {
                    events.add(new Event("store-" + seq++, customer(random.nextInt(customers)),
                            items[random.nextInt(items.length)], Event.Type.VIEW, 1, Instant.now(), null));
                }
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                w.store(events, Instant.now());
                if (b >= 0) {
                    nanos.add(System.nanoTime() - t0);
                    wall += System.nanoTime() - t0;
                    cpu += os.getProcessCpuTime() - c0;
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batches", batches);
        out.put("events_per_s", Math.round(batches * BATCH / (wall / 1e9)));
        times(out, "", nanos);
        out.put("cpu_ms_per_batch", Math.round(cpu / 1e3 / batches) / 1e3);
        return out;
    }

    // count: the warehouse after the kill and the restart

    static Map<String, Object> count(Path warehouse, Path ackedFile, String prefix, String table) throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("ATTACH '" + warehouse.toAbsolutePath() + "' AS w (READ_ONLY)");
            s.execute("CREATE TEMP TABLE acked AS SELECT id FROM read_csv('" + ackedFile.toAbsolutePath()
                    + "', header = false, columns = {'id': 'VARCHAR'})");
            String events = "w." + table;
            out.put("acked", one(s, "SELECT count(*) FROM acked"));
            out.put("stored", one(s, "SELECT count(*) FROM acked WHERE id IN (SELECT event_id FROM " + events + ")"));
            out.put("lost", one(s, "SELECT count(*) FROM acked WHERE id NOT IN (SELECT event_id FROM " + events + ")"));
            out.put("duplicates", one(s, "SELECT count(*) FROM (SELECT event_id FROM " + events
                    + " GROUP BY event_id HAVING count(*) > 1)"));
            out.put("rows", one(s, "SELECT count(*) FROM " + events));
            out.put("distinct_ids", one(s, "SELECT count(DISTINCT event_id) FROM " + events));
            out.put("crash_rows", one(s, "SELECT count(*) FROM " + events + " WHERE starts_with(event_id, '"
                    + prefix + "')"));
            out.put("stored_not_acked", one(s, "SELECT count(*) FROM " + events + " WHERE starts_with(event_id, '"
                    + prefix + "') AND event_id NOT IN (SELECT id FROM acked)"));
        }
        return out;
    }

    static long one(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
