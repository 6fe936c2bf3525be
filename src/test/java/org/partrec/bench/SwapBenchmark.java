package org.partrec.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.partrec.serve.ItemFilter;
import org.partrec.serve.Snapshot;
import org.partrec.serve.Storefront;
import org.partrec.warehouse.DeferredWarehouse;
import org.partrec.warehouse.DuckDbWarehouse;
import org.partrec.app.OnTempStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Swap under load, on request only:
 * <pre>
 * ./mvnw -B test -Dgroups=benchmark -DexcludedTestGroups=none -Dtest=SwapBenchmark
 * </pre>
 * The service on a demo store (10,000 customers, 3,000 parts) under a steady load of
 * {@code GET /recommendations}, {@code GET /similar} and {@code POST /recommendations} from
 * client threads, first alone, then while ten retrains are triggered one after another through
 * {@code POST /actuator/retrain}. Between retrains new events land in the warehouse, so each
 * model differs from the last. Every answer is checked afterwards against what the snapshot of
 * the version it names gives for the same request. Prints requests, non-2xx answers, mixed
 * answers, version changes seen by the clients, and p99 during the swaps against p99 before.
 * Asserts what the README claims of correctness: answers were recorded during the swaps, the
 * clients saw the version change, and there were no mixed answers, no non-2xx answers and no
 * client errors. Asserts nothing about time.
 */
@Tag("benchmark")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "partrec.demo.customers=10000", "partrec.demo.parts=3000",
    "partrec.demo.events=200000", "partrec.training.threads=2", "partrec.export.enabled=false",
    "partrec.gate.max-drop=1"})
class SwapBenchmark extends OnTempStore {

    static final int CLIENTS = 6;
    static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    DeferredWarehouse<DuckDbWarehouse> warehouse;

    final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();

    /** One answer, kept for the check afterwards. */
    record Answer(int kind, String id, String version, String items, boolean swapping, long nanos, int status) {
    }

    HttpRequest request(int kind, String id) {
        String base = "http://localhost:" + port;
        return switch (kind) {
            case 0 -> HttpRequest.newBuilder(URI.create(base + "/recommendations/" + id + "?limit=10")).GET().build();
            case 1 -> HttpRequest.newBuilder(URI.create(base + "/similar/" + id + "?limit=10")).GET().build();
            default -> HttpRequest.newBuilder(URI.create(base + "/recommendations?limit=10"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"items\": [\"" + id + "\"]}")).build();
        };
    }

    /** What the snapshot of {@code version} answers to the same request. */
    String expected(Answer a) {
        Snapshot s = snapshots.get(a.version());
        if (s == null) {
            return "no snapshot " + a.version();
        }
        Storefront.Answer answer = switch (a.kind()) {
            case 0 -> Storefront.forUser(s, a.id(), 0, 10, false, ItemFilter.NONE);
            case 1 -> Storefront.similar(s, a.id(), 0, 10, ItemFilter.NONE).orElseThrow();
            default -> Storefront.forBasket(s, List.of(a.id()), 0, 10, ItemFilter.NONE);
        };
        return answer.items().stream().map(Storefront.Item::itemId).toList().toString();
    }

    static double p99(List<Answer> answers, boolean swapping) {
        long[] nanos = answers.stream().filter(a -> a.swapping() == swapping).mapToLong(Answer::nanos).toArray();
        Arrays.sort(nanos);
        return nanos.length == 0 ? Double.NaN : nanos[(int) Math.min(nanos.length - 1, Math.ceil(nanos.length * 0.99) - 1)] / 1e6;
    }

    @Test
    void tenRetrainsUnderLoad() throws Exception {
        serving.addListener(s -> snapshots.put(s.version(), s));
        long until = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (serving.current().map(s -> !s.hasModel()).orElse(true) && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        Snapshot first = serving.current().orElseThrow();
        snapshots.put(first.version(), first);
        String[] users = new String[first.users().size()];
        Arrays.setAll(users, first.users()::idOf);
        String[] items = new String[first.items().size()];
        Arrays.setAll(items, first.items()::idOf);

        List<Answer> answers = new CopyOnWriteArrayList<>();
        AtomicLong errors = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean swapping = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean record = new java.util.concurrent.atomic.AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
            long seed = t;
            running.add(clients.submit(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                HttpClient client = HttpClient.newHttpClient();
                while (!stop.get()) {
                    int kind = random.nextInt(3);
                    String id = kind == 0 ? users[random.nextInt(users.length)] : items[random.nextInt(items.length)];
                    boolean during = swapping.get();
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = client.send(request(kind, id), HttpResponse.BodyHandlers.ofString());
                        long nanos = System.nanoTime() - t0;
                        if (!record.get()) {
                            continue;
                        }
                        String version = r.headers().firstValue("X-Model-Version").orElse("");
                        String got = r.statusCode() != 200 ? r.body() : itemIds(JSON.readTree(r.body()));
                        answers.add(new Answer(kind, id, version, got, during, nanos, r.statusCode()));
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        Thread.sleep(10_000); // warm-up, not recorded
        record.set(true);
        Thread.sleep(15_000); // steady state
        swapping.set(true);
        HttpClient ops = HttpClient.newHttpClient();
        SplittableRandom newEvents = new SplittableRandom(99);
        long s0 = System.nanoTime();
        for (int retrain = 0; retrain < 10; retrain++) {
            addEvents(users, items, newEvents);
            String before = serving.current().orElseThrow().version();
            ops.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/actuator/retrain"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            long wait = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (serving.current().orElseThrow().version().equals(before) && System.nanoTime() < wait) {
                Thread.sleep(20);
            }
        }
        double swapSeconds = (System.nanoTime() - s0) / 1e9;
        stop.set(true);
        for (Future<?> f : running) {
            f.get();
        }
        clients.shutdown();

        long non2xx = answers.stream().filter(a -> a.status() != 200).count();
        long mixed = answers.stream().filter(a -> a.status() == 200 && !a.items().equals(expected(a))).count();
        long versionsSeen = answers.stream().map(Answer::version).distinct().count();
        long during = answers.stream().filter(Answer::swapping).count();
        double p99Before = p99(answers, false);
        double p99During = p99(answers, true);
        System.out.printf(Locale.ROOT, "swap under load: %d clients; %d answers (%d during %d retrains in %.0f s);"
                + " non-2xx %d; client errors %d; mixed %d; versions seen %d; p99 before %.2f ms, during swaps"
                + " %.2f ms (%.2fx)%n", CLIENTS, answers.size(), during, 10, swapSeconds, non2xx, errors.get(), mixed,
                versionsSeen, p99Before, p99During, p99During / p99Before);
        assertThat(during).as("answers recorded during the swaps").isPositive();
        assertThat(versionsSeen).as("model versions the clients saw").isGreaterThan(1);
        assertThat(mixed).as("mixed answers (not what the snapshot of the version named gives)").isZero();
        assertThat(non2xx).as("non-2xx answers").isZero();
        assertThat(errors.get()).as("client errors").isZero();
    }

    static String itemIds(JsonNode body) {
        List<String> ids = new ArrayList<>();
        body.get("items").forEach(i -> ids.add(i.get("itemId").asText()));
        return ids.toString();
    }

    /** New activity between retrains: 2,000 views and purchases by random customers, so the next model differs. */
    void addEvents(String[] users, String[] items, SplittableRandom random) {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            if (i > 0) {
                values.append(", ");
            }
            values.append("('").append(users[random.nextInt(users.length)]).append("', '")
                    .append(items[random.nextInt(items.length)]).append("', '")
                    .append(random.nextBoolean() ? "view" : "purchase").append("', 1, now()::TIMESTAMP - INTERVAL 1 HOUR)");
        }
        warehouse.open().query("INSERT INTO partrec.events VALUES " + values);
    }
}
