package org.partrec.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.partrec.demo.DemoCatalog;
import org.partrec.demo.DemoEvents;
import org.partrec.demo.Part;
import org.partrec.evaluate.HoldoutSplit;
import org.partrec.evaluate.Metrics;
import org.partrec.extract.ItemInfo;
import org.partrec.extract.TransformRules;
import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.features.Interactions;
import org.partrec.index.IndexSpec;
import org.partrec.serve.CoPurchases;
import org.partrec.serve.Garage;
import org.partrec.serve.ItemCatalog;
import org.partrec.serve.ItemFilter;
import org.partrec.serve.Snapshot;
import org.partrec.serve.Storefront;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.TrainingListener;

/**
 * Issue 16, point 1, measured (on request: {@code bench/garage.sh}; tag {@code benchmark}): the
 * <b>fit rate</b>, the share of recommended parts that fit the customer's vehicle (one of the
 * platforms the generator planted for them, or universal), and ndcg@10, for the model with the
 * garage ({@code fits=auto}, the service's default: the platforms {@link Garage} infers from the
 * customer's training purchases) and without it ({@code fits=any}).
 *
 * <p>The demo store of {@code configs/dev.yaml} (30,000 customers, 10,000 parts, 600,000 events,
 * weighed as the transform does), split by {@link HoldoutSplit} as a training run does (each
 * customer's latest 20% of parts held out), trained with the service's parameters
 * (regularisation 20), served by the configs' index. Each holdout customer is asked for 10
 * recommendations ({@link Storefront#forUser}, purchases left out, at the time of their first
 * held-out pair, as {@link ComplementsBenchmark} asks); ndcg@10 is scored against their held-out
 * purchases (the next purchase) and against all their held-out parts (the evaluation gate's
 * measure). Besides the default rule, other rules, the purchases alone (no fallback to the parts
 * touched), the parts touched alone, and the planted truth (an oracle garage) are measured, to
 * show what the rule costs. Prints one JSON line starting {@code {"garage":}.
 */
@Tag("benchmark")
class GarageBenchmark {

    static final int K = 10;
    static final Instant DEMO_END = ComplementsBenchmark.DEMO_END;

    /**
     * The demo store prepared for the measurement.
     *
     * @param truth       per user, the fitment codes of their planted platforms
     * @param heldOut     per user, the items bought in the held-out part (sorted), or empty
     * @param heldPairs   per user, every held-out item (sorted), or empty
     * @param firstHeldOut per user, epoch seconds of their first held-out pair
     */
    record Store(DemoEvents events, IdMap users, IdMap items, CsrMatrix weights, CsrMatrix purchased,
                 int[] purchasedAt, ItemCatalog catalog, int[][] truth, int[][] heldOut, int[][] heldPairs,
                 long[] firstHeldOut, AlsParams params) {
    }

    /** One arm's figures. */
    record Arm(String name, int users, double fitRate, double ndcgPurchases, double ndcgHoldout, double hitPurchases,
               int shown) {
    }

    @Test
    void demo() {
        Map<String, Object> out = measure(store(10_000, 30_000, 600_000, 42, AlsParams.defaults().withRegularization(20)
                .withThreads(2)), true);
        System.out.println(ComplementsBenchmark.json(out));
    }

    /**
     * The inference's cost at the scale run's size: 1M customers, 100,000 parts, rows of 20
     * touched parts and 3 bought (uniform at random: the cost depends on the rows' lengths only),
     * inferred three times, the median kept; and the memory it keeps.
     */
    @Test
    void scaleCost() {
        int customers = 1_000_000;
        int parts = 100_000;
        DemoCatalog catalog = DemoCatalog.generate(parts, 42);
        IdMap items = IdMap.of(catalog.parts().stream().map(Part::partNumber).toArray(String[]::new));
        Map<String, ItemInfo> info = new HashMap<>();
        for (Part p : catalog.parts()) {
            info.put(p.partNumber(), new ItemInfo(p.name(), p.brand(), p.category(), p.price(), p.inStock(), p.fitment()));
        }
        ItemCatalog itemCatalog = new ItemCatalog(items, info);
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        CsrMatrix touched = rows(customers, parts, 20, random);
        CsrMatrix bought = rows(customers, parts, 3, random);
        double[] seconds = new double[3];
        Garage g = null;
        for (int r = 0; r < seconds.length; r++) {
            long t0 = System.nanoTime();
            g = Garage.infer(bought, touched, itemCatalog);
            seconds[r] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(seconds);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("garage", "scale");
        out.put("users", customers);
        out.put("items", parts);
        out.put("touched_pairs", touched.nnz());
        out.put("bought_pairs", bought.nnz());
        out.put("infer_s", ComplementsBenchmark.round(seconds[1], 3));
        out.put("garage_mb", ComplementsBenchmark.round(g.bytes() / 1e6, 1));
        out.put("garage_known_share", round((double) g.known() / customers));
        System.out.println(ComplementsBenchmark.json(out));
    }

    /** {@code users} rows of {@code length} distinct random columns of {@code cols}, value 1. */
    static CsrMatrix rows(int users, int cols, int length, java.util.SplittableRandom random) {
        int[] indptr = new int[users + 1];
        int[] indices = new int[users * length];
        for (int u = 0; u < users; u++) {
            int[] row = random.ints(0, cols).distinct().limit(length).sorted().toArray();
            System.arraycopy(row, 0, indices, u * length, length);
            indptr[u + 1] = (u + 1) * length;
        }
        float[] data = new float[indices.length];
        Arrays.fill(data, 1f);
        return CsrMatrix.ofRows(users, cols, indptr, indices, data);
    }

    /** The demo store of {@code parts}, {@code customers} and about {@code events} events from {@code seed}. */
    static Store store(int parts, int customers, long eventCount, long seed, AlsParams params) {
        DemoCatalog catalog = DemoCatalog.generate(parts, seed);
        DemoEvents events = new DemoEvents(catalog, customers, eventCount, seed, DEMO_END);
        String[] userIds = new String[customers];
        for (int c = 0; c < customers; c++) {
            userIds[c] = DemoEvents.customerId(c);
        }
        IdMap users = IdMap.of(userIds);
        IdMap items = IdMap.of(catalog.parts().stream().map(Part::partNumber).toArray(String[]::new));
        TransformRules rules = TransformRules.DEFAULT;
        var all = new Interactions.Builder(users, items, (int) Math.min(eventCount + 1024, 1 << 24));
        var bought = new Interactions.Builder(users, items, (int) Math.min(eventCount / 4 + 1024, 1 << 22));
        events.generate((c, p, type, q, t) -> {
            double w = switch (type) {
                case VIEW -> rules.viewWeight();
                case ADD_TO_CART -> rules.cartWeight();
                case PURCHASE -> rules.purchaseWeight();
            };
            all.add(c, p, (float) (w * Math.min(q, rules.quantityCap())), t);
            if (type == DemoEvents.EventType.PURCHASE) {
                bought.add(c, p, q, t);
            }
        });
        HoldoutSplit.Split split = HoldoutSplit.split(all.build(), seed);
        Interactions purchases = bought.build().aggregated();
        CsrMatrix allPurchased = purchases.userItems();
        CsrMatrix trainWeights = split.train().userItems();
        List<List<Integer>> held = new ArrayList<>();
        List<List<Integer>> pairs = new ArrayList<>();
        for (int u = 0; u < customers; u++) {
            held.add(new ArrayList<>());
            pairs.add(new ArrayList<>());
        }
        long[] first = new long[customers];
        Arrays.fill(first, Long.MAX_VALUE);
        Interactions holdout = split.holdout();
        for (int r = 0; r < holdout.size(); r++) {
            int u = holdout.user(r);
            first[u] = Math.min(first[u], holdout.time(r));
            pairs.get(u).add(holdout.item(r));
            if (allPurchased.get(u, holdout.item(r)) > 0) {
                held.get(u).add(holdout.item(r));
            }
        }
        // a pair is bought in the training part when it is bought and trained on
        var trainBought = new Interactions.Builder(users, items, purchases.size());
        for (int r = 0; r < purchases.size(); r++) {
            if (trainWeights.get(purchases.user(r), purchases.item(r)) > 0) {
                trainBought.add(purchases.user(r), purchases.item(r), purchases.weight(r), purchases.time(r));
            }
        }
        Interactions trainPurchases = trainBought.build();
        CsrMatrix purchased = trainPurchases.userItems();
        Map<String, ItemInfo> info = new HashMap<>();
        for (Part p : catalog.parts()) {
            info.put(p.partNumber(), new ItemInfo(p.name(), p.brand(), p.category(), p.price(), p.inStock(), p.fitment()));
        }
        ItemCatalog itemCatalog = new ItemCatalog(items, info);
        int[][] truth = new int[customers][];
        for (int c = 0; c < customers; c++) {
            truth[c] = events.customer(c).platforms().stream().mapToInt(itemCatalog::platformCode).toArray();
        }
        return new Store(events, users, items, trainWeights, purchased, Snapshot.purchaseMinutes(trainPurchases,
                purchased), itemCatalog, truth, ComplementsBenchmark.sorted(held), ComplementsBenchmark.sorted(pairs),
                first, params);
    }

    /**
     * Trains on the store and measures each arm; {@code explore} adds rules besides the default
     * and the oracle. The figures by name, for a JSON line.
     */
    static Map<String, Object> measure(Store d, boolean explore) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("garage", "demo");
        out.put("users", d.users().size());
        out.put("items", d.items().size());
        out.put("train_pairs", d.weights().nnz());
        out.put("train_purchases", d.purchased().nnz());
        AlsModel model;
        long t0 = System.nanoTime();
        try (AlsTrainer trainer = new AlsTrainer(d.params().threads())) {
            model = trainer.fit(Confidence.of(d.weights(), d.params().weighting(), d.params().alpha()), d.params(),
                    TrainingListener.NONE);
        }
        System.out.printf(Locale.ROOT, "demo: %,d customers trained in %.1f s%n", d.users().size(),
                (System.nanoTime() - t0) / 1e9);
        Snapshot s = Snapshot.unranked("garage", Instant.now(), Map.of(), d.users(), d.items(), model, d.params(),
                d.weights(), d.purchased(), d.catalog(), IndexSpec.NORM_ORDERED, d.params().threads(), null,
                CoPurchases.Settings.DEFAULTS, d.purchasedAt());
        Garage garage = s.garage();
        out.put("rule", garage.rule().minParts() + " part, share " + garage.rule().minShare());
        garageFigures(d, garage, "", out);
        Arm without = arm(d, s, "any", u -> List.of());
        Arm with = arm(d, s, "auto", garage::of);
        List<Arm> arms = new ArrayList<>(List.of(without, with));
        if (explore) {
            for (Garage.Rule rule : List.of(new Garage.Rule(1, 0.5, 2), new Garage.Rule(2, 0.3, 2),
                    new Garage.Rule(1, 0.3, 1), new Garage.Rule(1, 0.0, 2))) {
                Garage g = Garage.infer(d.purchased(), d.weights(), d.catalog(), rule);
                String name = "rule_" + rule.minParts() + "_" + rule.minShare() + "_" + rule.maxPlatforms();
                garageFigures(d, g, name + "_", out);
                arms.add(arm(d, s, name, g::of));
            }
            Garage bought = Garage.infer(d.purchased(), null, d.catalog()); // no fallback to touched parts
            garageFigures(d, bought, "purchases_only_", out);
            arms.add(arm(d, s, "purchases_only", bought::of));
            Garage touched = Garage.infer(d.weights(), null, d.catalog()); // every part touched, purchases or not
            garageFigures(d, touched, "touched_only_", out);
            arms.add(arm(d, s, "touched_only", touched::of));
            arms.add(arm(d, s, "oracle", u -> Arrays.stream(d.truth()[u]).mapToObj(d.catalog()::platform).toList()));
        }
        for (Arm a : arms) {
            System.out.printf(Locale.ROOT, "demo %-16s users %,d  fit rate %.4f  ndcg@10 next purchase %.4f"
                            + "  holdout %.4f  hit@10 %.4f%n", a.name(), a.users(), a.fitRate(), a.ndcgPurchases(),
                    a.ndcgHoldout(), a.hitPurchases());
            String key = a.name().equals("any") ? "without" : a.name().equals("auto") ? "with" : a.name();
            out.put(key + "_fit_rate", round(a.fitRate()));
            out.put(key + "_ndcg_at_10", round(a.ndcgPurchases()));
            out.put(key + "_ndcg_at_10_holdout", round(a.ndcgHoldout()));
            out.put(key + "_hit_at_10", round(a.hitPurchases()));
        }
        out.put("eval_users", with.users());
        out.put("ndcg_ratio", round(with.ndcgPurchases() / without.ndcgPurchases()));
        out.put("ndcg_holdout_ratio", round(with.ndcgHoldout() / without.ndcgHoldout()));
        return out;
    }

    /** How many customers have a garage, and how often its platforms are among their planted ones. */
    static void garageFigures(Store d, Garage g, String prefix, Map<String, Object> out) {
        int known = 0;
        int platforms = 0;
        int right = 0;
        for (int u = 0; u < d.users().size(); u++) {
            List<String> mine = g.of(u);
            known += mine.isEmpty() ? 0 : 1;
            for (String p : mine) {
                platforms++;
                right += Arrays.stream(d.truth()[u]).anyMatch(c -> c == d.catalog().platformCode(p)) ? 1 : 0;
            }
        }
        out.put(prefix + "garage_known_share", round((double) known / d.users().size()));
        out.put(prefix + "garage_platforms_right", round((double) right / Math.max(1, platforms)));
    }

    /**
     * Every holdout customer's top 10 with the garage {@code garageOf} gives (none: fits=any),
     * scored: fit rate over all parts shown, ndcg@10 and hit@10 of the held-out purchases (over
     * customers with some), ndcg@10 of every held-out part (over every holdout customer).
     */
    static Arm arm(Store d, Snapshot s, String name, java.util.function.IntFunction<List<String>> garageOf) {
        double[] m = new double[4];
        long shown = 0;
        long fit = 0;
        double ndcgBought = 0;
        double hitBought = 0;
        int bought = 0;
        double ndcgPairs = 0;
        int users = 0;
        for (int u = 0; u < d.users().size(); u++) {
            if (d.heldPairs()[u].length == 0) {
                continue;
            }
            ItemFilter filter = new ItemFilter(null, null, null, null).withGarage(garageOf.apply(u));
            Storefront.Answer a = Storefront.forUser(s, d.users().idOf(u), 0, K, false, filter,
                    Instant.ofEpochSecond(d.firstHeldOut()[u]));
            int[] ranked = ComplementsBenchmark.ranked(s, a);
            for (int i : ranked) {
                shown++;
                int code = d.catalog().fitmentCode(i);
                fit += !d.catalog().isPlatform(code) || Arrays.stream(d.truth()[u]).anyMatch(c -> c == code) ? 1 : 0;
            }
            Metrics.perUser(ranked, d.heldPairs()[u], K, m);
            ndcgPairs += m[2];
            users++;
            if (d.heldOut()[u].length > 0) {
                Metrics.perUser(ranked, d.heldOut()[u], K, m);
                ndcgBought += m[2];
                hitBought += m[0] > 0 ? 1 : 0;
                bought++;
            }
        }
        return new Arm(name, bought, (double) fit / shown, ndcgBought / bought, ndcgPairs / users, hitBought / bought,
                (int) shown);
    }

    static double round(double v) {
        return ComplementsBenchmark.round(v, 4);
    }
}
