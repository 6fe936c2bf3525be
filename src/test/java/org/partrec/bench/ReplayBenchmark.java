package org.partrec.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.partrec.demo.DemoCatalog;
import org.partrec.demo.DemoEvents;
import org.partrec.evaluate.AlsRecommender;
import org.partrec.evaluate.Evaluator;
import org.partrec.evaluate.HoldoutSplit;
import org.partrec.events.Event;
import org.partrec.extract.ItemInfo;
import org.partrec.extract.TransformRules;
import org.partrec.extract.Window;
import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.features.InteractionCsv;
import org.partrec.features.Interactions;
import org.partrec.features.OnlineRetail;
import org.partrec.features.TrainingSet;
import org.partrec.publish.ModelArtifact;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.TrainingListener;
import org.partrec.warehouse.DemoWarehouses;
import org.partrec.warehouse.DuckDbWarehouse;

/**
 * Issue 15's offline check that real-time events help, on request only (tag {@code benchmark};
 * {@code bench/replay.sh} runs it):
 * <pre>
 * ./mvnw -B test -Dgroups=benchmark -DexcludedTestGroups=none -Dtest=ReplayBenchmark
 * </pre>
 * A model is trained on a data set's train part and served by the real service in this JVM
 * ({@link ReplayService}). Each holdout user's events are replayed in time order through
 * {@code POST /events} over HTTP; at every prediction point of the walk ({@link NextItemWalk}) the
 * service is asked {@code GET /recommendations/{userId}?limit=10}, after the user's earlier events
 * were posted. That answer (the overlay, {@code serve.Realtime}) is scored against the one the
 * user got before any event (the model's list, asked once per user), with ndcg@10 and hit rate@10
 * ({@link ReplayScore}); two more arms separate what leaving out the walk's purchases does. Prints
 * a table and one JSON line per data set, starting {@code {"dataset":}. Asserts nothing about the
 * figures, only that the overlay answered.
 * <ul>
 *   <li>{@code onlineRetail}: the shared split's {@code train.csv} (protocol defaults); the replay is
 *   every line of {@code events.csv} whose (customer, stock code) pair is in {@code test.csv}, as a
 *   purchase of its quantity. Posted purchases weigh their quantity, as {@code train.csv}'s weights
 *   do ({@code partrec.transform.purchase-weight=1}, no cap).</li>
 *   <li>{@code onlineRetailPairs}: the same model; the replay is {@code test.csv} itself, one
 *   purchase per pair at its latest time (no rebuys, nothing before the user's train data ends).</li>
 *   <li>{@code demo}: the service's demo store ({@code configs/dev.yaml}: 30,000 customers, 10,000
 *   parts, 600,000 events), through the service's own transform SQL and holdout split
 *   ({@link HoldoutSplit}, each customer's latest 20% of parts), trained as the service trains
 *   (regularisation 20); the replay is every view, cart and purchase of the held-out pairs. Then
 *   {@code demo-new-customers}: customers the generator makes after the 30,000, never trained on,
 *   every event of theirs replayed.</li>
 * </ul>
 * System properties: {@code partrec.bench.online-retail} (a folder of {@code train.csv},
 * {@code test.csv} and {@code events.csv}, gzipped or not; the repository's copy by default),
 * {@code partrec.bench.replay-threads} (client threads, 2), {@code partrec.bench.replay-users}
 * (a seeded sample of that many users per data set, 0 for all), {@code partrec.bench.demo-new-customers}
 * (2,000), {@code partrec.bench.events-per-user} (the service's {@code realtime-events-per-user},
 * its default 100 when unset).
 */
@Tag("benchmark")
class ReplayBenchmark {

    static final int K = ReplayScore.K;
    /** The service's largest page here: long enough for a customer's every purchase plus ten. */
    static final int MAX_LIMIT = 20_000;
    static final int MAX_BATCH = 200;
    static final Instant DEMO_END = DemoWarehouses.END;
    static final int THREADS = Integer.getInteger("partrec.bench.replay-threads", 2);
    static final int USERS = Integer.getInteger("partrec.bench.replay-users", 0);

    /** A data set's replay: per user, their events in time order. */
    record Replay(String dataset, Map<String, List<Event>> users) {
    }

    @Test
    void onlineRetail() throws Exception {
        OnlineRetailData data = OnlineRetailData.read(onlineRetailDir());
        ModelArtifact model = data.fitModel();
        try (ReplayService service = new ReplayService(model, onlineRetailSettings(), MAX_BATCH)) {
            report(run(service, model, data.replayEvents()), data.protocolNdcg(model), "events.csv lines of test.csv pairs");
        }
    }

    @Test
    void onlineRetailPairs() throws Exception {
        OnlineRetailData data = OnlineRetailData.read(onlineRetailDir());
        ModelArtifact model = data.fitModel();
        try (ReplayService service = new ReplayService(model, onlineRetailSettings(), MAX_BATCH)) {
            report(run(service, model, data.replayPairs()), data.protocolNdcg(model), "test.csv pairs, one each");
        }
    }

    @Test
    void demo() throws Exception {
        DemoData data = DemoData.generate(30_000, 10_000, 600_000, 42);
        ModelArtifact model = data.fitModel();
        try (ReplayService service = new ReplayService(model, eventsPerUser(Map.of()), MAX_BATCH)) {
            report(run(service, model, data.replayHoldout()), data.protocolNdcg(model),
                    "views, carts and purchases of the held-out pairs");
            report(run(service, model, data.replayNewCustomers(Integer.getInteger("partrec.bench.demo-new-customers",
                    2_000))), Double.NaN, "every event of customers the model never saw");
        }
    }

    static Path onlineRetailDir() {
        String dir = System.getProperty("partrec.bench.online-retail", "");
        return dir.isBlank() ? OnlineRetail.DIR : Path.of(dir);
    }

    /** Posted purchases weigh their quantity, uncapped, as train.csv's summed quantities do. */
    static Map<String, Object> onlineRetailSettings() {
        return eventsPerUser(Map.of("partrec.transform.purchase-weight", 1.0, "partrec.transform.quantity-cap",
                1_000_000));
    }

    static Map<String, Object> eventsPerUser(Map<String, Object> settings) {
        Map<String, Object> out = new LinkedHashMap<>(settings);
        out.put("partrec.api.max-limit", MAX_LIMIT);
        out.put("partrec.api.max-window", MAX_LIMIT);
        out.put("partrec.events.store", false);
        String cap = System.getProperty("partrec.bench.events-per-user", "");
        if (!cap.isBlank()) {
            out.put("partrec.events.realtime-events-per-user", Integer.parseInt(cap));
        }
        return out;
    }

    /** A model version (a run id) a minute old: every event posted now counts as after its training. */
    static String version() {
        return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.now().minusSeconds(60)) + "-1";
    }

    static AlsModel fit(CsrMatrix userItems, AlsParams p) {
        CsrMatrix cui = Confidence.of(userItems, p.weighting(), p.alpha());
        try (AlsTrainer trainer = new AlsTrainer(p.threads())) {
            return trainer.fit(cui, cui.transpose(), p,
                    AlsTrainer.initialModel(cui.rows(), cui.cols(), p.factors(), p.seed()), TrainingListener.NONE);
        }
    }

    static long pair(int user, int item) {
        return ((long) user << 32) | item;
    }

    /** The events in time order (stable: events at one time keep their order). */
    static Map<String, List<Event>> sorted(Map<String, List<Event>> byUser) {
        Map<String, List<Event>> out = new TreeMap<>();
        byUser.forEach((u, events) -> {
            List<Event> copy = new ArrayList<>(events);
            copy.sort(Comparator.comparing(Event::timestamp));
            out.put(u, copy);
        });
        return out;
    }

    static Event event(String dataset, String user, int n, String item, Event.Type type, double quantity, Instant t) {
        return new Event("replay-" + dataset + "-" + user + "-" + n, user, item, type, quantity, t, null);
    }

    /** The UCI Online Retail files of the shared split, over the train file's id maps. */
    record OnlineRetailData(Interactions train, Interactions test, Interactions events) {

        static OnlineRetailData read(Path dir) {
            Interactions train = InteractionCsv.read(file(dir, "train.csv"));
            IdMap.Builder users = train.users().toBuilder();
            IdMap.Builder items = train.items().toBuilder();
            Interactions test = InteractionCsv.read(file(dir, "test.csv"), users, items);
            Interactions events = InteractionCsv.read(file(dir, "events.csv"), users, items);
            return new OnlineRetailData(train, test, events);
        }

        static Path file(Path dir, String name) {
            Path plain = dir.resolve(name);
            return Files.isRegularFile(plain) ? plain : dir.resolve(name + ".gz");
        }

        /** The protocol's model (benchmark defaults, 2 threads); every train pair is a purchase. */
        ModelArtifact fitModel() {
            AlsParams p = AlsParams.defaults().withThreads(2);
            CsrMatrix ui = train.userItems();
            return new ModelArtifact(version(), Instant.now(), p, Map.of(), Map.of(), "replay-benchmark",
                    train.users(), train.items(), fit(ui, p), ui, ui, Map.of());
        }

        double protocolNdcg(ModelArtifact m) {
            return new Evaluator(train.userItems(), test, K, 2).evaluate(AlsRecommender.exact(m.model(), null))
                    .metrics().ndcg();
        }

        /** Every events.csv line whose pair is in test.csv, a purchase of its quantity. */
        Replay replayEvents() {
            Set<Long> held = new HashSet<>();
            for (int r = 0; r < test.size(); r++) {
                held.add(pair(test.user(r), test.item(r)));
            }
            Map<String, List<Event>> byUser = new LinkedHashMap<>();
            for (int r = 0; r < events.size(); r++) {
                if (held.contains(pair(events.user(r), events.item(r)))) {
                    String user = events.users().idOf(events.user(r));
                    List<Event> list = byUser.computeIfAbsent(user, u -> new ArrayList<>());
                    list.add(event("or", user, list.size(), events.items().idOf(events.item(r)), Event.Type.PURCHASE,
                            events.weight(r), Instant.ofEpochSecond(events.time(r))));
                }
            }
            return new Replay("online-retail", sorted(byUser));
        }

        /** test.csv as it is: one purchase per pair, of its summed quantity, at its latest time. */
        Replay replayPairs() {
            Map<String, List<Event>> byUser = new LinkedHashMap<>();
            for (int r = 0; r < test.size(); r++) {
                String user = test.users().idOf(test.user(r));
                List<Event> list = byUser.computeIfAbsent(user, u -> new ArrayList<>());
                list.add(event("orp", user, list.size(), test.items().idOf(test.item(r)), Event.Type.PURCHASE,
                        test.weight(r), Instant.ofEpochSecond(test.time(r))));
            }
            return new Replay("online-retail-pairs", sorted(byUser));
        }
    }

    /**
     * The demo store as the service builds it: generated, loaded into an embedded warehouse,
     * extracted and transformed by the service's SQL (dev.yaml's weights), split by
     * {@link HoldoutSplit} as the training run's transform step does.
     */
    record DemoData(DemoEvents demo, long events, long seed, TrainingSet set, HoldoutSplit.Split split,
                    Map<String, ItemInfo> catalog) {

        static DemoData generate(int customers, int parts, long events, long seed) {
            DemoEvents demo = new DemoEvents(DemoCatalog.generate(parts, seed), customers, events, seed, DEMO_END);
            try (DuckDbWarehouse w = DemoWarehouses.loaded(demo)) {
                Window window = new Window(DEMO_END.minus(Duration.ofDays(3650)), DEMO_END.plusSeconds(1));
                w.extract(window);
                TrainingSet set = TrainingSet.transform(w, window, TransformRules.DEFAULT);
                return new DemoData(demo, events, seed, set, HoldoutSplit.split(set.interactions(), seed), w.catalog());
            }
        }

        /** dev.yaml's training parameters (regularisation 20), 2 threads, on the split's train part. */
        ModelArtifact fitModel() {
            AlsParams p = AlsParams.defaults().withRegularization(20.0).withThreads(2);
            Interactions train = split.train();
            Set<Long> trained = new HashSet<>();
            for (int r = 0; r < train.size(); r++) {
                trained.add(pair(train.user(r), train.item(r)));
            }
            Interactions purchases = set.purchases();
            var bought = new Interactions.Builder(purchases.users(), purchases.items(), purchases.size());
            for (int r = 0; r < purchases.size(); r++) {
                if (trained.contains(pair(purchases.user(r), purchases.item(r)))) {
                    bought.add(purchases.user(r), purchases.item(r), purchases.weight(r), purchases.time(r));
                }
            }
            CsrMatrix ui = train.userItems();
            return new ModelArtifact(version(), Instant.now(), p, Map.of(), Map.of(), "replay-benchmark",
                    train.users(), train.items(), fit(ui, p), ui, bought.build().userItems(), catalog);
        }

        double protocolNdcg(ModelArtifact m) {
            return new Evaluator(split.train().userItems(), split.holdout(), K, 2)
                    .evaluate(AlsRecommender.exact(m.model(), null)).metrics().ndcg();
        }

        /** Every event of the held-out (customer, part) pairs. */
        Replay replayHoldout() {
            Interactions holdout = split.holdout();
            Set<Long> held = new HashSet<>();
            for (int r = 0; r < holdout.size(); r++) {
                held.add(pair(holdout.user(r), holdout.item(r)));
            }
            IdMap users = holdout.users();
            IdMap items = holdout.items();
            Map<String, List<Event>> byUser = new LinkedHashMap<>();
            demo.generate((c, part, type, quantity, time) -> {
                String user = DemoEvents.customerId(c);
                String item = demo.catalog().part(part).partNumber();
                if (held.contains(pair(users.indexOf(user), items.indexOf(item)))) {
                    List<Event> list = byUser.computeIfAbsent(user, u -> new ArrayList<>());
                    list.add(event("demo", user, list.size(), item, type(type), quantity, Instant.ofEpochSecond(time)));
                }
            });
            return new Replay("demo", sorted(byUser));
        }

        /**
         * Every event of {@code count} customers the generator makes after the trained ones (the
         * same generator, the same events per customer on average, so the first customers are
         * the trained ones, event for event).
         */
        Replay replayNewCustomers(int count) {
            int customers = demo.customers();
            long more = events * (customers + count) / customers;
            if (more * customers != events * (customers + count)) {
                throw new IllegalArgumentException("events per customer must stay the same: " + events + " for "
                        + customers + " customers, " + count + " more");
            }
            DemoEvents larger = new DemoEvents(demo.catalog(), customers + count, more, seed, DEMO_END);
            Map<String, List<Event>> byUser = new LinkedHashMap<>();
            for (int c = customers; c < customers + count; c++) {
                larger.generate(c, (customer, part, type, quantity, time) -> {
                    String user = DemoEvents.customerId(customer);
                    List<Event> list = byUser.computeIfAbsent(user, u -> new ArrayList<>());
                    list.add(event("new", user, list.size(), demo.catalog().part(part).partNumber(), type(type),
                            quantity, Instant.ofEpochSecond(time)));
                });
            }
            return new Replay("demo-new-customers", sorted(byUser));
        }

        static Event.Type type(DemoEvents.EventType t) {
            return switch (t) {
                case VIEW -> Event.Type.VIEW;
                case ADD_TO_CART -> Event.Type.CART;
                case PURCHASE -> Event.Type.PURCHASE;
            };
        }
    }

    /** What one replay measured. */
    record Outcome(Replay replay, ReplayScore score, int users, int usersNotInModel, int events,
                   Map<String, Integer> sources, int pointsBeyondCap, double seconds) {
    }

    /** Replays every user (or a seeded sample) through the service, {@link #THREADS} users at a time. */
    static Outcome run(ReplayService service, ModelArtifact model, Replay replay) throws Exception {
        List<String> users = new ArrayList<>(replay.users().keySet());
        if (USERS > 0 && users.size() > USERS) {
            SplittableRandom random = new SplittableRandom(42);
            for (int j = users.size() - 1; j > 0; j--) {
                java.util.Collections.swap(users, j, random.nextInt(j + 1));
            }
            users = new ArrayList<>(users.subList(0, USERS));
            users.sort(null);
        }
        int cap = eventsPerUserCap();
        ReplayScore score = new ReplayScore();
        Map<String, Integer> sources = new ConcurrentHashMap<>();
        AtomicInteger notInModel = new AtomicInteger();
        AtomicInteger events = new AtomicInteger();
        AtomicInteger beyondCap = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> running = new ArrayList<>();
        for (String user : users) {
            running.add(pool.submit(() -> {
                List<Event> walk = replay.users().get(user);
                int u = model.users().indexOf(user);
                if (u < 0) {
                    notInModel.incrementAndGet();
                }
                events.addAndGet(walk.size());
                Set<String> trainBought = new HashSet<>();
                if (u >= 0) {
                    CsrMatrix purchased = model.purchased();
                    for (int p = purchased.start(u); p < purchased.end(u); p++) {
                        trainBought.add(model.items().idOf(purchased.index(p)));
                    }
                }
                score.add(replayUser(service, user, walk, trainBought, cap, sources, beyondCap));
                int n = done.incrementAndGet();
                if (n % 1000 == 0) {
                    System.err.printf(Locale.ROOT, "%s: %d of %d users, %.0f s%n", replay.dataset(), n,
                            replay.users().size(), (System.nanoTime() - t0) / 1e9);
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        return new Outcome(replay, score, users.size(), notInModel.get(), events.get(), new TreeMap<>(sources),
                beyondCap.get(), (System.nanoTime() - t0) / 1e9);
    }

    static int eventsPerUserCap() {
        String cap = System.getProperty("partrec.bench.events-per-user", "");
        return cap.isBlank() ? 100 : Integer.parseInt(cap); // configs/dev.yaml's realtime-events-per-user
    }

    /** One user's walk: the model's list once, then at each point the events before it posted and the overlay asked. */
    static ReplayScore.User replayUser(ReplayService service, String user, List<Event> walk, Set<String> trainBought,
                                      int cap, Map<String, Integer> sources, AtomicInteger beyondCap) throws Exception {
        ReplayScore.User scored = new ReplayScore.User();
        List<NextItemWalk.Point> points = NextItemWalk.points(walk);
        if (points.isEmpty()) {
            return scored;
        }
        Set<String> everBought = new LinkedHashSet<>();
        walk.stream().filter(e -> e.type() == Event.Type.PURCHASE).forEach(e -> everBought.add(e.itemId()));
        List<String> model = service.recommend(user, K + everBought.size(), false).items();
        int posted = 0;
        for (NextItemWalk.Point p : points) {
            List<String> head = head(model, Set.of());
            List<String> withoutRebuys = head(model, new HashSet<>(p.boughtBefore()));
            List<String> realtime = head;
            List<String> withRebuys = head;
            if (p.fed() > 0) { // with nothing posted the service answers from the model: the same list
                service.post(walk.subList(posted, p.fed()));
                posted = p.fed();
                ReplayService.Answer a = service.recommend(user, K, false);
                sources.merge(a.source(), 1, Integer::sum);
                realtime = a.items();
                withRebuys = head(service.recommend(user, K + trainBought.size(), true).items(), trainBought);
                if (p.fed() > cap) {
                    beyondCap.incrementAndGet();
                }
            }
            scored.add(p, List.of(head, withoutRebuys, realtime, withRebuys));
        }
        return scored;
    }

    /** The first {@code K} items of {@code list} not in {@code left}. */
    static List<String> head(List<String> list, Set<String> left) {
        return list.stream().filter(i -> !left.contains(i)).limit(K).toList();
    }

    static final ObjectMapper JSON = new ObjectMapper();

    static void report(Outcome o, double protocolNdcg, String what) throws Exception {
        ReplayScore s = o.score();
        System.out.printf(Locale.ROOT, "%n%s: %s; %d users (%d not in the model), %d events, %.0f s%n",
                o.replay().dataset(), what, o.users(), o.usersNotInModel(), o.events(), o.seconds());
        System.out.printf(Locale.ROOT, "  overlay answers by source: %s; points after more events than the service"
                + " holds per user (%d): %d%n", o.sources(), eventsPerUserCap(), o.pointsBeyondCap());
        System.out.printf(Locale.ROOT, "  %-14s %7s %7s | %-33s | %-33s%n", "target", "points", "users",
                "ndcg@10 model / -rebuys / rt / rt+rebuys", "hit@10 model / -rebuys / rt / rt+rebuys");
        for (ReplayScore.Target t : ReplayScore.Target.values()) {
            StringBuilder n = new StringBuilder();
            StringBuilder h = new StringBuilder();
            for (ReplayScore.Arm a : ReplayScore.Arm.values()) {
                n.append(String.format(Locale.ROOT, "%.4f ", s.ndcg(t, a)));
                h.append(String.format(Locale.ROOT, "%.4f ", s.hitRate(t, a)));
            }
            System.out.printf(Locale.ROOT, "  %-14s %7d %7d | %s| %s (gain %+.4f +- %.4f)%n", t.key, s.points(t),
                    s.users(t), n, h, s.ndcg(t, ReplayScore.Arm.REALTIME) - s.ndcg(t, ReplayScore.Arm.MODEL),
                    s.gainStandardError(t));
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("dataset", o.replay().dataset());
        line.put("replayed_users", o.users());
        line.put("users_not_in_model", o.usersNotInModel());
        line.put("events", o.events());
        line.putAll(s.fields());
        line.put("overlay_sources", o.sources());
        line.put("points_beyond_event_cap", o.pointsBeyondCap());
        line.put("events_per_user_cap", eventsPerUserCap());
        line.put("protocol_ndcg_at_10", Double.isFinite(protocolNdcg)
                ? Double.valueOf(String.format(Locale.ROOT, "%.4f", protocolNdcg)) : null);
        line.put("seconds", Math.round(o.seconds()));
        System.out.println(JSON.writeValueAsString(line));
        assertThat(o.sources()).as("answers the overlay gave").containsKey("realtime");
    }
}
