package org.partrec.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.partrec.features.InteractionCsv;
import org.partrec.features.Interactions;
import org.partrec.features.OnlineRetail;
import org.partrec.index.IndexSpec;
import org.partrec.index.Neighbors;
import org.partrec.serve.CoPurchases;
import org.partrec.serve.ItemCatalog;
import org.partrec.serve.ItemFilter;
import org.partrec.serve.Snapshot;
import org.partrec.serve.Storefront;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.TrainingListener;

/**
 * Issue 16, point 2, measured (on request: {@code bench/complements.sh}; tag {@code benchmark}):
 * <ul>
 *   <li><b>Substitute suppression</b>: ndcg@10 and hit rate@10 of each holdout customer's
 *   held-out purchases, from {@link Storefront#forUser} at the time of their first held-out
 *   pair, with the substitutes of their training purchases of the window before it left out
 *   (30 days, the default, and ten years) against none left out (window 0); the paired difference
 *   with its standard error; how many customers had anything left out.</li>
 *   <li><b>Complement quality</b>: for every held-out purchase of a customer who has at least two,
 *   whether the top 10 of its complements (counted from the training purchases) hold another of
 *   their held-out purchases (hit rate), and how many (recall over min(10, others)): lift (the
 *   order of PMI) at 3 and 10 shared buyers, NPMI, confidence (the co-count's order), against the
 *   item's cosine neighbours ({@code /similar}) and the most bought items.</li>
 *   <li><b>Cost</b>: the time to count the pairs with the snapshot, two threads, and the memory the
 *   lists keep, on the data set and on the scale run's size (the generator at 1M customers, 100,000
 *   parts, 20M events: {@link #scale}).</li>
 * </ul>
 * Data sets: online-retail's shared split as it is (train.csv, test.csv; protocol parameters);
 * the demo store (configs/dev.yaml's 30,000 customers, 10,000 parts, 600,000 events, weighed as
 * the transform does: view 1, cart 3, purchase 5, times the quantity capped at 10), split by
 * {@link HoldoutSplit} as a training run does, trained with the service's parameters
 * (regularisation 20). Each test prints one JSON line starting {@code {"complements":}.
 */
@Tag("benchmark")
class ComplementsBenchmark {

    static final int K = 10;
    static final Instant DEMO_END = Instant.parse("2026-12-06T00:00:00Z");

    /**
     * A data set prepared for the measurements.
     *
     * @param weights     users x items of the training part (summed weights)
     * @param purchased   users x items bought in the training part
     * @param heldOut     per user, the items bought in the held-out part (sorted), or empty
     * @param firstHeldOut per user, epoch seconds of their first held-out pair
     */
    record Data(String name, IdMap users, IdMap items, CsrMatrix weights, CsrMatrix purchased, int[] purchasedAt,
                ItemCatalog catalog, int[][] heldOut, long[] firstHeldOut, AlsParams params) {
    }

    @Test
    void onlineRetail() {
        Path dir = Path.of(System.getProperty("partrec.bench.online-retail", OnlineRetail.DIR.toString()));
        Path trainFile = Files.exists(dir.resolve("train.csv")) ? dir.resolve("train.csv") : dir.resolve("train.csv.gz");
        Path testFile = Files.exists(dir.resolve("test.csv")) ? dir.resolve("test.csv") : dir.resolve("test.csv.gz");
        Interactions train = InteractionCsv.read(trainFile);
        Interactions test = InteractionCsv.read(testFile, train.users().toBuilder(), train.items().toBuilder());
        int users = train.users().size();
        int items = train.items().size();
        CsrMatrix weights = train.userItems();
        List<List<Integer>> held = new ArrayList<>();
        long[] first = new long[users];
        Arrays.fill(first, Long.MAX_VALUE);
        for (int u = 0; u < users; u++) {
            held.add(new ArrayList<>());
        }
        for (int r = 0; r < test.size(); r++) {
            if (test.user(r) < users && test.item(r) < items) { // the protocol drops items new to train
                held.get(test.user(r)).add(test.item(r));
                first[test.user(r)] = Math.min(first[test.user(r)], test.time(r));
            }
        }
        // every line of online-retail is a purchase: the interactions are the purchases
        Data d = new Data("online-retail", train.users(), train.items(), weights, weights,
                Snapshot.purchaseMinutes(train, weights), new ItemCatalog(train.items(), Map.of()), sorted(held),
                first, AlsParams.defaults().withThreads(2));
        measure(d);
    }

    @Test
    void demo() {
        // configs/dev.yaml's demo store, split and trained on as GarageBenchmark does it
        GarageBenchmark.Store st = GarageBenchmark.store(10_000, 30_000, 600_000, 42,
                AlsParams.defaults().withRegularization(20).withThreads(2));
        measure(new Data("demo", st.users(), st.items(), st.weights(), st.purchased(), st.purchasedAt(), st.catalog(),
                st.heldOut(), st.firstHeldOut(), st.params()));
    }

    static int[][] sorted(List<List<Integer>> rows) {
        int[][] out = new int[rows.size()][];
        for (int u = 0; u < out.length; u++) {
            out[u] = rows.get(u).stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
        }
        return out;
    }

    static void measure(Data d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("complements", d.name());
        out.put("users", d.users().size());
        out.put("items", d.items().size());
        out.put("train_pairs", d.weights().nnz());
        out.put("train_purchases", d.purchased().nnz());
        // the cost, alone: counted three times, the median kept
        double[] seconds = new double[3];
        CoPurchases pairs = null;
        for (int r = 0; r < seconds.length; r++) {
            long t0 = System.nanoTime();
            pairs = CoPurchases.of(d.weights(), d.purchased(), d.catalog(), CoPurchases.Settings.DEFAULTS, 2);
            seconds[r] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(seconds);
        out.put("count_s", round(seconds[1], 3));
        out.put("lists_mb", round(pairs.bytes() / 1e6, 2));
        out.put("complement_pairs", pairs.complements().size());
        out.put("items_with_complements", count(pairs.complements()));
        out.put("substitute_pairs", pairs.substitutes().size());
        out.put("items_with_substitutes", count(pairs.substitutes()));
        int example = 0; // a part for the README's call: the most complements
        for (int i = 0; i < d.items().size(); i++) {
            example = pairs.complements().rowLength(i) > pairs.complements().rowLength(example) ? i : example;
        }
        out.put("example_part", d.items().idOf(example));
        AlsModel model;
        long t0 = System.nanoTime();
        try (AlsTrainer trainer = new AlsTrainer(2)) {
            model = trainer.fit(Confidence.of(d.weights(), d.params().weighting(), d.params().alpha()), d.params(),
                    TrainingListener.NONE);
        }
        System.out.printf(Locale.ROOT, "%s: trained in %.1f s%n", d.name(), (System.nanoTime() - t0) / 1e9);
        Snapshot plain = snapshot(d, model, CoPurchases.Settings.DEFAULTS.withSubstituteWindow(Duration.ZERO));
        suppression(d, plain, snapshot(d, model, CoPurchases.Settings.DEFAULTS), "30d", out);
        suppression(d, plain, snapshot(d, model, CoPurchases.Settings.DEFAULTS.withSubstituteWindow(
                Duration.ofDays(3650))), "3650d", out);
        quality(d, plain, out);
        System.out.println(json(out));
    }

    static Snapshot snapshot(Data d, AlsModel model, CoPurchases.Settings settings) {
        return Snapshot.unranked(d.name(), Instant.now(), Map.of(), d.users(), d.items(), model, d.params(),
                d.weights(), d.purchased(), d.catalog(), IndexSpec.NORM_ORDERED, 2, null, settings, d.purchasedAt());
    }

    static int count(org.partrec.index.RankedLists lists) {
        int n = 0;
        for (int r = 0; r < lists.rows(); r++) {
            n += lists.rowLength(r) > 0 ? 1 : 0;
        }
        return n;
    }

    /** ndcg@10 and hit@10 of the held-out purchases, without and with suppression, paired per user. */
    static void suppression(Data d, Snapshot plain, Snapshot suppressing, String window, Map<String, Object> out) {
        double[] m = new double[4];
        double sumA = 0;
        double sumB = 0;
        double hitA = 0;
        double hitB = 0;
        double sumDiff = 0;
        double sumDiff2 = 0;
        int n = 0;
        int affected = 0;
        double affectedA = 0;
        double affectedB = 0;
        for (int u = 0; u < d.users().size(); u++) {
            if (d.heldOut()[u].length == 0) {
                continue;
            }
            String user = d.users().idOf(u);
            Instant now = Instant.ofEpochSecond(d.firstHeldOut()[u]);
            int[] a = ranked(plain, Storefront.forUser(plain, user, 0, K, false, ItemFilter.NONE, now));
            int[] b = ranked(suppressing, Storefront.forUser(suppressing, user, 0, K, false, ItemFilter.NONE, now));
            Metrics.perUser(a, d.heldOut()[u], K, m);
            double ndcgA = m[2];
            double hA = m[0] > 0 ? 1 : 0;
            Metrics.perUser(b, d.heldOut()[u], K, m);
            double ndcgB = m[2];
            double hB = m[0] > 0 ? 1 : 0;
            sumA += ndcgA;
            sumB += ndcgB;
            hitA += hA;
            hitB += hB;
            sumDiff += ndcgB - ndcgA;
            sumDiff2 += (ndcgB - ndcgA) * (ndcgB - ndcgA);
            n++;
            if (!Arrays.equals(a, b)) {
                affected++;
                affectedA += ndcgA;
                affectedB += ndcgB;
            }
        }
        double mean = sumDiff / n;
        double se = Math.sqrt((sumDiff2 / n - mean * mean) / (n - 1));
        out.put("eval_users", n);
        out.put("ndcg_at_10", round(sumA / n, 4));
        out.put("hit_at_10", round(hitA / n, 4));
        out.put("ndcg_at_10_suppressed_" + window, round(sumB / n, 4));
        out.put("hit_at_10_suppressed_" + window, round(hitB / n, 4));
        out.put("ndcg_gain_" + window, round(mean, 5));
        out.put("ndcg_gain_se_" + window, round(se, 5));
        out.put("users_changed_" + window, affected);
        out.put("ndcg_changed_users_" + window, affected == 0 ? null
                : round(affectedA / affected, 4) + " -> " + round(affectedB / affected, 4));
    }

    static int[] ranked(Snapshot s, Storefront.Answer a) {
        return a.items().stream().mapToInt(i -> s.items().indexOf(i.itemId())).toArray();
    }

    /** Held-out co-purchases found in each method's top 10 for every held-out purchase. */
    static void quality(Data d, Snapshot s, Map<String, Object> out) {
        Map<String, java.util.function.IntFunction<int[]>> methods = new LinkedHashMap<>();
        CoPurchases.Settings base = CoPurchases.Settings.DEFAULTS.withMeasure(CoPurchases.Measure.LIFT);
        for (Object[] m : new Object[][] {{"lift", base}, {"lift_min10", base.withMinSharedBuyers(10)},
            {"npmi", base.withMeasure(CoPurchases.Measure.NPMI)},
            {"confidence", base.withMeasure(CoPurchases.Measure.CONFIDENCE)}}) {
            CoPurchases pairs = CoPurchases.of(d.weights(), d.purchased(), d.catalog(), (CoPurchases.Settings) m[1], 2);
            methods.put((String) m[0], i -> pairs.complements().row(i).head(K).ids());
        }
        methods.put("similar", i -> ranked(s, Storefront.similar(s, d.items().idOf(i), 0, K, ItemFilter.NONE)
                .orElseThrow()));
        int[] buyers = d.purchased().columnCounts();
        int[] popular = java.util.stream.IntStream.range(0, buyers.length).boxed()
                .sorted((a, b) -> buyers[a] != buyers[b] ? Integer.compare(buyers[b], buyers[a]) : Integer.compare(a, b))
                .limit(K + 1).mapToInt(Integer::intValue).toArray();
        methods.put("popular", i -> Arrays.stream(popular).filter(j -> j != i).limit(K).toArray());
        for (Map.Entry<String, java.util.function.IntFunction<int[]>> e : methods.entrySet()) {
            int queries = 0;
            int covered = 0;
            double hits = 0;
            double recall = 0;
            java.util.BitSet shown = new java.util.BitSet();
            for (int u = 0; u < d.users().size(); u++) {
                int[] basket = d.heldOut()[u];
                if (basket.length < 2) {
                    continue;
                }
                for (int i : basket) {
                    int[] top = e.getValue().apply(i);
                    int found = 0;
                    for (int j : top) {
                        shown.set(j);
                    }
                    for (int j : top) {
                        found += j != i && Arrays.binarySearch(basket, j) >= 0 ? 1 : 0;
                    }
                    queries++;
                    covered += top.length > 0 ? 1 : 0;
                    hits += found > 0 ? 1 : 0;
                    recall += (double) found / Math.min(K, basket.length - 1);
                }
            }
            out.put("copurchase_queries", queries);
            out.put(e.getKey() + "_hit_at_10", round(hits / queries, 4));
            out.put(e.getKey() + "_recall_at_10", round(recall / queries, 4));
            out.put(e.getKey() + "_coverage", round((double) covered / queries, 4));
            out.put(e.getKey() + "_distinct_items", shown.cardinality());
        }
    }

    /**
     * The count alone at the scale run's size: the generator at {@code partrec.bench.scale}
     * ({@code customers,parts,events}, default 1000000,100000,20000000) streamed into the users'
     * rows, weighed as the transform weighs them; the count timed twice; the heap it keeps.
     */
    @Test
    void scale() {
        String[] size = System.getProperty("partrec.bench.scale", "1000000,100000,20000000").split(",");
        int customers = Integer.parseInt(size[0]);
        int parts = Integer.parseInt(size[1]);
        long eventCount = Long.parseLong(size[2]);
        long t0 = System.nanoTime();
        DemoCatalog catalog = DemoCatalog.generate(parts, 42);
        DemoEvents events = new DemoEvents(catalog, customers, eventCount, 42, DEMO_END);
        Rows all = new Rows(customers);
        Rows bought = new Rows(customers);
        TransformRules rules = TransformRules.DEFAULT;
        Customer one = new Customer();
        for (int c = 0; c < customers; c++) {
            one.size = 0;
            events.generate(c, (cc, p, type, q, t) -> one.add(p, (float) (Math.min(q, rules.quantityCap()) * switch (type) {
                case VIEW -> rules.viewWeight();
                case ADD_TO_CART -> rules.cartWeight();
                case PURCHASE -> rules.purchaseWeight();
            }), type == DemoEvents.EventType.PURCHASE));
            one.flush(all, bought);
            all.endRow(c);
            bought.endRow(c);
        }
        CsrMatrix weights = all.build(parts);
        CsrMatrix purchased = bought.build(parts);
        all = null;
        bought = null;
        IdMap items = IdMap.of(catalog.parts().stream().map(Part::partNumber).toArray(String[]::new));
        Map<String, ItemInfo> info = new HashMap<>();
        for (Part p : catalog.parts()) {
            info.put(p.partNumber(), new ItemInfo(p.name(), p.brand(), p.category(), p.price(), p.inStock(), p.fitment()));
        }
        ItemCatalog itemCatalog = new ItemCatalog(items, info);
        System.out.printf(Locale.ROOT, "scale: %,d customers, %,d parts, %,d pairs, %,d bought, made in %.1f s%n",
                customers, parts, weights.nnz(), purchased.nnz(), (System.nanoTime() - t0) / 1e9);
        long sumSquares = 0;
        for (int u = 0; u < weights.rows(); u++) {
            sumSquares += (long) weights.rowLength(u) * weights.rowLength(u);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("complements", "scale");
        out.put("users", customers);
        out.put("items", parts);
        out.put("train_pairs", weights.nnz());
        out.put("train_purchases", purchased.nnz());
        out.put("row_length_squares", sumSquares);
        CoPurchases pairs = null;
        double[] seconds = new double[2];
        for (int r = 0; r < seconds.length; r++) {
            long start = System.nanoTime();
            pairs = CoPurchases.of(weights, purchased, itemCatalog, CoPurchases.Settings.DEFAULTS, 2);
            seconds[r] = (System.nanoTime() - start) / 1e9;
        }
        out.put("count_s_first", round(seconds[0], 2));
        out.put("count_s", round(seconds[1], 2));
        out.put("lists_mb", round(pairs.bytes() / 1e6, 1));
        // what the count holds while it runs, besides the matrices: the bought rows and their
        // transpose, the interactions' transpose (column and value per pair), the rows in category
        // order (a rank per pair) and two threads' scratch
        out.put("transient_mb", round((4L * (customers + 1) + 12L * purchased.nnz() + 8L * weights.nnz()
                + 4L * (parts + 1) + 4L * weights.nnz() + 2L * 4 * 4 * parts) / 1e6, 1));
        out.put("complement_pairs", pairs.complements().size());
        out.put("items_with_complements", count(pairs.complements()));
        out.put("substitute_pairs", pairs.substitutes().size());
        out.put("items_with_substitutes", count(pairs.substitutes()));
        System.out.println(json(out));
    }

    /** One customer's events, summed per item when flushed into the rows. */
    static final class Customer {
        int[] item = new int[256];
        float[] weight = new float[256];
        boolean[] bought = new boolean[256];
        long[] order = new long[256];
        int size;

        void add(int part, float w, boolean purchase) {
            if (size == item.length) {
                item = Arrays.copyOf(item, size * 2);
                weight = Arrays.copyOf(weight, size * 2);
                bought = Arrays.copyOf(bought, size * 2);
                order = new long[size * 2];
            }
            item[size] = part;
            weight[size] = w;
            bought[size++] = purchase;
        }

        void flush(Rows all, Rows purchases) {
            for (int e = 0; e < size; e++) {
                order[e] = ((long) item[e] << 32) | e;
            }
            Arrays.sort(order, 0, size);
            int e = 0;
            while (e < size) {
                int part = (int) (order[e] >>> 32);
                float sum = 0;
                float q = 0;
                while (e < size && (int) (order[e] >>> 32) == part) {
                    int at = (int) order[e];
                    sum += weight[at];
                    q += bought[at] ? 1 : 0;
                    e++;
                }
                all.add(part, sum);
                if (q > 0) {
                    purchases.add(part, q);
                }
            }
        }
    }

    /** Rows of a users x items matrix appended user by user. */
    static final class Rows {
        final int[] indptr;
        int[] indices = new int[1 << 20];
        float[] data = new float[1 << 20];
        int nnz;

        Rows(int users) {
            indptr = new int[users + 1];
        }

        void add(int item, float value) {
            if (nnz == indices.length) {
                indices = Arrays.copyOf(indices, indices.length * 2);
                data = Arrays.copyOf(data, data.length * 2);
            }
            indices[nnz] = item;
            data[nnz++] = value;
        }

        void endRow(int user) {
            indptr[user + 1] = nnz;
        }

        CsrMatrix build(int cols) {
            return CsrMatrix.ofRows(indptr.length - 1, cols, indptr, Arrays.copyOf(indices, nnz),
                    Arrays.copyOf(data, nnz));
        }
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static String json(Map<String, Object> m) {
        StringBuilder s = new StringBuilder("{");
        m.forEach((k, v) -> {
            if (s.length() > 1) {
                s.append(", ");
            }
            s.append('"').append(k).append("\": ");
            s.append(v == null ? "null" : v instanceof String str ? "\"" + str + "\"" : v.toString());
        });
        return s.append('}').toString();
    }
}
