package org.partrec.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.partrec.extract.ItemInfo;
import org.partrec.features.IdMap;
import org.partrec.index.ItemSet;
import org.partrec.index.Neighbors;

/**
 * Each rule on a hand-built catalogue of eight parts whose answers are worked by hand below, and
 * the pool argument of {@link RuleBook} checked against the fill over every item on random
 * catalogues.
 *
 * <pre>
 * item score brand     category stock margin
 * a     0.9  Holley    EFI      yes   0.20
 * b     0.8  MSD       ignition yes   0.45
 * c     0.7  Holley    EFI      no    0.30
 * d     0.6  Edelbrock intake   yes   0.50
 * e     0.5  Holley    ignition yes   0.10
 * f     0.4  MSD       EFI      yes   0.40
 * g     0.3  Walbro    fuel     yes   none
 * h    -0.2  Holley    EFI      yes   0.25
 * </pre>
 * With no rule the first four are a, b, c, d.
 */
class RuleBookTest {

    static final IdMap ITEMS = IdMap.of("a", "b", "c", "d", "e", "f", "g", "h");
    static final float[] SCORES = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f, -0.2f};
    static final ItemCatalog CATALOG = new ItemCatalog(ITEMS, Map.of(
            "a", new ItemInfo("a", "Holley", "EFI", 10, true, "GM LS", 0.20),
            "b", new ItemInfo("b", "MSD", "ignition", 10, true, "GM LS", 0.45),
            "c", new ItemInfo("c", "Holley", "EFI", 10, false, "GM LS", 0.30),
            "d", new ItemInfo("d", "Edelbrock", "intake", 10, true, "GM LS", 0.50),
            "e", new ItemInfo("e", "Holley", "ignition", 10, true, "GM LS", 0.10),
            "f", new ItemInfo("f", "MSD", "EFI", 10, true, "GM LS", 0.40),
            "g", new ItemInfo("g", "Walbro", "fuel", 10, true, "universal", null),
            "h", new ItemInfo("h", "Holley", "EFI", 10, true, "GM LS", 0.25)));

    /** A rule of {@code action} with the attributes given as key, value pairs (kebab-case, as in YAML). */
    static Rule rule(String name, String action, Object... attributes) {
        Map<String, Object> a = new HashMap<>();
        for (int i = 0; i < attributes.length; i += 2) {
            a.put((String) attributes[i], attributes[i + 1]);
        }
        @SuppressWarnings("unchecked")
        List<String> items = (List<String>) a.get("items");
        return new Rule(name, action, items, (String) a.get("brand"), (String) a.get("category"),
                (String) a.get("fitment"), (Boolean) a.get("in-stock"), (Double) a.get("min-margin"),
                (Double) a.get("max-margin"), (Double) a.get("factor"), (Double) a.get("share"), (String) a.get("per"),
                (Integer) a.get("max"));
    }

    static RuleBook book(Rule... rules) {
        return RuleBook.of(List.of(rules), "rules", r -> new LongAdder());
    }

    /** The pool of a fixed score per item: the top n by score (ties by id), within a set when given. */
    static RuleBook.Pool pool(float[] scores, int[] calls) {
        return (n, within) -> {
            if (calls != null) {
                calls[within == null ? 0 : 1]++;
            }
            int[] order = IntStream.range(0, scores.length).filter(i -> within == null || within.test(i)).boxed()
                    .sorted((x, y) -> scores[y] != scores[x] ? Float.compare(scores[y], scores[x]) : Integer.compare(x, y))
                    .mapToInt(Integer::intValue).limit(n).toArray();
            float[] s = new float[order.length];
            for (int j = 0; j < order.length; j++) {
                s[j] = scores[order[j]];
            }
            return new Neighbors(order, s);
        };
    }

    /** The first {@code slots} of the list, each id with a star when it fills a promoted slot. */
    static List<String> list(RuleBook book, int slots, int window) {
        RuleBook.Ranked r = book.rank(CATALOG, ITEMS, slots, window, pool(SCORES, null));
        List<String> out = new ArrayList<>();
        for (int j = 0; j < r.size(); j++) {
            out.add(ITEMS.idOf(r.ids()[j]) + (r.promoted()[j] ? "*" : ""));
        }
        return out;
    }

    @Test
    void withoutRulesTheListIsTheModels() {
        assertThat(list(book(), 4, 4)).containsExactly("a", "b", "c", "d");
    }

    @Test
    void excludeLeavesOutABrandOrListedItems() {
        RuleBook brand = book(rule("no-holley", "exclude", "brand", "holley"));
        // a, c, e are Holley and above g: passed over, 3 hits; h is below g, never reached
        assertThat(list(brand, 4, 4)).containsExactly("b", "d", "f", "g");
        assertThat(brand.hits()).containsExactly(3);
        assertThat(list(book(rule("gone", "exclude", "items", List.of("b", "d"))), 4, 4)).containsExactly("a", "c", "e", "f");
    }

    @Test
    void boostAndBuryMultiplyTheScoresOfWhatTheyMatch() {
        // MSD x2: b 1.6, f 0.8; then a 0.9, c 0.7
        RuleBook msd = book(rule("msd", "boost", "brand", "MSD", "factor", 2.0));
        assertThat(list(msd, 4, 4)).containsExactly("b", "a", "f", "c");
        assertThat(msd.hits()).containsExactly(2); // b and f shown boosted
        RuleBook.Ranked r = msd.rank(CATALOG, ITEMS, 4, 4, pool(SCORES, null));
        assertThat(r.adjusted()).containsExactly(1.6f, 0.9f, 0.8f, 0.7f);
        assertThat(r.scores()).containsExactly(0.8f, 0.9f, 0.4f, 0.7f); // the model's, as the answer shows them
        // out of stock x0.5: c 0.35 drops below e 0.5
        assertThat(list(book(rule("stock", "bury", "in-stock", false, "factor", 0.5)), 4, 4)).containsExactly("a", "b", "d", "e");
        // margin at least 0.45 x2: b 1.6, d 1.2, then a, c
        assertThat(list(book(rule("margin", "boost", "min-margin", 0.45, "factor", 2.0)), 4, 4))
                .containsExactly("b", "d", "a", "c");
        // a boost raises a negative score too: h -0.2 becomes -0.1 (divided), still last
        RuleBook holley = book(rule("holley", "boost", "brand", "Holley", "factor", 2.0));
        RuleBook.Ranked all = holley.rank(CATALOG, ITEMS, 8, 8, pool(SCORES, null));
        assertThat(list(holley, 8, 8)).containsExactly("a", "c", "e", "b", "d", "f", "g", "h");
        assertThat(all.adjusted()[7]).isEqualTo(-0.1f);
        // two rules that match one item multiply: c is Holley (x2) and out of stock (x0.5): 0.7
        assertThat(list(book(rule("holley", "boost", "brand", "Holley", "factor", 2.0),
                rule("stock", "bury", "in-stock", false, "factor", 0.5)), 3, 3)).containsExactly("a", "e", "b");
    }

    @Test
    void promotedItemsFillTheirShareOfSlotsEvenlySpaced() {
        // share 0.25: slots 1, 5, 9, ... (from 0); share 0.5: slots 0, 2, 4, ...
        assertThat(IntStream.range(0, 10).filter(j -> RuleBook.promotedSlot(0.25, j)).toArray()).containsExactly(1, 5, 9);
        assertThat(IntStream.range(0, 6).filter(j -> RuleBook.promotedSlot(0.5, j)).toArray()).containsExactly(0, 2, 4);
        assertThat(IntStream.range(0, 10).filter(j -> RuleBook.promotedSlot(0.2, j)).toArray()).containsExactly(2, 7);
        assertThat(IntStream.range(0, 7).filter(j -> RuleBook.promotedSlot(1.0, j)).count()).isEqualTo(7);
        assertThat(list(book(rule("fuel", "promote", "category", "fuel", "share", 0.25)), 4, 4))
                .containsExactly("a", "g*", "b", "c");
        RuleBook msd = book(rule("msd", "promote", "brand", "MSD", "share", 0.5));
        assertThat(list(msd, 4, 4)).containsExactly("b*", "a", "f*", "c");
        assertThat(msd.hits()).containsExactly(2);
        // one promoted item for two promoted slots: the second is filled by the model's next
        assertThat(list(book(rule("walbro", "promote", "items", List.of("g"), "share", 0.5)), 4, 4))
                .containsExactly("g*", "a", "b", "c");
    }

    @Test
    void aCapKeepsEveryPageToAtMostNOfOneBrandOrCategory() {
        RuleBook brand = book(rule("one-brand", "cap", "per", "brand", "max", 1));
        // c, e (Holley) and f (MSD) would break it
        assertThat(list(brand, 4, 4)).containsExactly("a", "b", "d", "g");
        assertThat(brand.hits()).containsExactly(3);
        assertThat(list(book(rule("one-category", "cap", "per", "category", "max", 1)), 4, 4))
                .containsExactly("a", "b", "d", "g");
        // pages of 3: any three consecutive slots hold one item of a brand at most. a, b; c (Holley)
        // waits for a to leave, d comes first; then c; e (Holley) waits, f; g; e; h (Holley) would
        // follow e, and nothing else is left: the list ends at seven
        assertThat(list(brand, 8, 3)).containsExactly("a", "b", "d", "c", "f", "g", "e");
        // one per category in pages of 4: a (EFI), b (ignition), d (intake), g (fuel), then c (EFI)
        // once a has left the window, and e (ignition) once b has
        assertThat(list(book(rule("one-category", "cap", "per", "category", "max", 1)), 6, 4))
                .containsExactly("a", "b", "d", "g", "c", "e");
    }

    @Test
    void aCapThatNothingLeftCanKeepEndsTheList() {
        RuleBook holleyOnly = book(rule("no-ignition", "exclude", "category", "ignition"), rule("cap", "cap", "per", "brand", "max", 2),
                rule("no-other", "exclude", "items", List.of("b", "d", "f", "g")));
        // left: a, c, h (Holley): two, then nothing may fill the third slot
        assertThat(list(holleyOnly, 4, 4)).containsExactly("a", "c");
    }

    @Test
    void badRulesAreRefusedWithTheirKeys() {
        assertThatThrownBy(() -> book(rule("p", "promote", "brand", "MSD", "share", -0.1)))
                .isInstanceOf(RuleBook.InvalidRules.class).hasMessageContaining("rules[0].share");
        assertThatThrownBy(() -> book(rule("p", "promote", "brand", "MSD", "share", 1.5)))
                .hasMessageContaining("rules[0].share: must be above 0 and at most 1");
        assertThat(RuleBook.check(List.of(rule("ok", "exclude", "brand", "MSD"), rule("b", "boost", "brand", "MSD",
                "factor", 0.5), rule("ok", "bury", "brand", "MSD", "factor", 2.0), rule("x", "hide", "brand", "MSD"),
                rule("c", "cap", "per", "colour", "max", 0), rule("e", "exclude"), rule("p1", "promote", "brand", "a",
                "share", 0.1), rule("p2", "promote", "brand", "b", "share", 0.1), rule("m", "boost", "min-margin", 2.0,
                "factor", 2.0)), "partrec.rules.list")).extracting(Rule.Problem::key).containsExactly(
                "partrec.rules.list[1].factor", "partrec.rules.list[2].factor", "partrec.rules.list[2].name",
                "partrec.rules.list[3].action", "partrec.rules.list[4].per", "partrec.rules.list[4].max",
                "partrec.rules.list[5]", "partrec.rules.list[7].action", "partrec.rules.list[8].min-margin");
    }

    /**
     * The fill over every item, written plainly: each item's adjusted score, the items in that
     * order (ties by the model's order), and each slot given to the first that may fill it. An
     * item scored NaN is not eligible.
     */
    static List<String> bruteForce(List<Rule> rules, ItemCatalog catalog, IdMap items, float[] scores, int slots,
                                   int window) {
        int n = scores.length;
        float[] m = new float[n];
        Arrays.fill(m, 1f);
        boolean[] out = new boolean[n];
        boolean[] promo = new boolean[n];
        double share = 0;
        List<Rule> caps = new ArrayList<>();
        for (Rule r : rules) {
            for (int i = 0; i < n; i++) {
                boolean match = r.kind() != Rule.Action.CAP && (r.items() == null || r.items().contains(items.idOf(i)))
                        && r.matches(catalog.info(i));
                switch (r.kind()) {
                    case BOOST, BURY -> m[i] *= match ? r.factor().floatValue() : 1;
                    case EXCLUDE -> out[i] |= match;
                    case PROMOTE -> promo[i] = match;
                    default -> { }
                }
            }
            if (r.kind() == Rule.Action.PROMOTE) {
                share = r.share();
            }
            if (r.kind() == Rule.Action.CAP) {
                caps.add(r);
            }
        }
        float[] adj = new float[n];
        for (int i = 0; i < n; i++) {
            adj[i] = RuleBook.adjust(scores[i], m[i]);
        }
        float[] raw = scores;
        Integer[] model = IntStream.range(0, n).filter(i -> !Float.isNaN(raw[i])).boxed().sorted((x, y) -> raw[y] != raw[x] ? Float.compare(raw[y], raw[x])
                : Integer.compare(x, y)).toArray(Integer[]::new);
        int[] rank = new int[n];
        for (int p = 0; p < model.length; p++) {
            rank[model[p]] = p;
        }
        List<Integer> order = IntStream.range(0, n).filter(i -> !Float.isNaN(raw[i])).boxed().sorted((x, y) -> adj[y] != adj[x]
                ? Float.compare(adj[y], adj[x]) : Integer.compare(rank[x], rank[y])).toList();
        List<Integer> placed = new ArrayList<>();
        List<String> list = new ArrayList<>();
        for (int j = 0; j < slots; j++) {
            Integer pick = null;
            boolean promoted = false;
            if (share > 0 && RuleBook.promotedSlot(share, j)) {
                pick = first(order, i -> promo[i] && !out[i] && !placed.contains(i) && keeps(caps, catalog, placed, i, window));
                promoted = pick != null;
            }
            if (pick == null) {
                pick = first(order, i -> !out[i] && !placed.contains(i) && keeps(caps, catalog, placed, i, window));
            }
            if (pick == null) {
                break;
            }
            placed.add(pick);
            list.add(items.idOf(pick) + (promoted ? "*" : ""));
        }
        return list;
    }

    private static Integer first(List<Integer> order, java.util.function.IntPredicate ok) {
        return order.stream().filter(ok::test).findFirst().orElse(null);
    }

    /** Whether item {@code i} in the next slot keeps every cap over the last {@code window} slots. */
    private static boolean keeps(List<Rule> caps, ItemCatalog catalog, List<Integer> placed, int i, int window) {
        for (Rule c : caps) {
            String v = value(c, catalog.info(i));
            if (v == null) {
                continue;
            }
            long same = placed.subList(Math.max(0, placed.size() - (window - 1)), placed.size()).stream()
                    .filter(p -> v.equals(value(c, catalog.info(p)))).count();
            if (same >= c.max()) {
                return false;
            }
        }
        return true;
    }

    private static String value(Rule cap, ItemInfo info) {
        String v = cap.per().equals("brand") ? info.brand() : info.category();
        return v == null ? null : v.toLowerCase(Locale.ROOT);
    }

    /**
     * On random catalogues, scores of both signs (some tied) and random rule sets, the list from the
     * growing pools is the fill over every item, and the pools did grow (the bound was needed).
     */
    @Test
    void thePoolsGiveTheListOfTheWholeCatalogue() {
        long seed = 20261206L;
        SplittableRandom random = new SplittableRandom(seed);
        String[] brands = {"Holley", "MSD", "Edelbrock", "Walbro", "Earl's"};
        String[] categories = {"EFI", "ignition", "intake", "fuel"};
        int grew = 0;
        for (int round = 0; round < 300; round++) {
            int n = 20 + random.nextInt(400);
            String[] ids = new String[n];
            Map<String, ItemInfo> rows = new HashMap<>();
            float[] scores = new float[n];
            for (int i = 0; i < n; i++) {
                ids[i] = "p" + i;
                rows.put(ids[i], new ItemInfo(ids[i], random.nextInt(10) == 0 ? null : brands[random.nextInt(brands.length)],
                        categories[random.nextInt(categories.length)], 10, random.nextInt(5) > 0, "GM LS",
                        random.nextInt(8) == 0 ? null : random.nextInt(60) / 100.0));
                // some scores tied (a popularity count), most not
                scores[i] = random.nextInt(4) == 0 ? random.nextInt(5) : (float) random.nextGaussian();
            }
            IdMap items = IdMap.of(ids);
            ItemCatalog catalog = new ItemCatalog(items, rows);
            List<Rule> rules = new ArrayList<>();
            if (random.nextBoolean()) {
                rules.add(rule("boost", "boost", "brand", brands[random.nextInt(brands.length)],
                        "factor", 1 + random.nextDouble() * 5));
            }
            if (random.nextBoolean()) {
                rules.add(rule("bury", "bury", "in-stock", false, "factor", 0.05 + random.nextDouble() * 0.9));
            }
            if (random.nextBoolean()) {
                rules.add(rule("margin", "boost", "min-margin", 0.3, "factor", 1 + random.nextDouble() * 3));
            }
            if (random.nextInt(3) == 0) {
                rules.add(rule("exclude", "exclude", "category", categories[random.nextInt(categories.length)]));
            }
            if (random.nextInt(3) == 0) {
                List<String> listed = IntStream.range(0, 1 + random.nextInt(15)).mapToObj(k -> ids[random.nextInt(n)])
                        .distinct().toList();
                rules.add(rule("promote", "promote", "items", listed, "share", 0.05 + random.nextDouble() * 0.6));
            }
            if (random.nextInt(3) == 0) {
                rules.add(rule("cap", "cap", "per", random.nextBoolean() ? "brand" : "category", "max",
                        1 + random.nextInt(3)));
            }
            int window = 1 + random.nextInt(20);
            int slots = window * (1 + random.nextInt(3));
            RuleBook book = RuleBook.of(rules, "rules", r -> new LongAdder());
            int[] calls = new int[2];
            RuleBook.Ranked r = book.rank(catalog, items, slots, window, pool(scores, calls));
            List<String> got = new ArrayList<>();
            for (int j = 0; j < r.size(); j++) {
                got.add(items.idOf(r.ids()[j]) + (r.promoted()[j] ? "*" : ""));
            }
            assertThat(got).as("round %d (seed %d): %s, %d slots in windows of %d", round, seed, rules, slots, window)
                    .isEqualTo(bruteForce(rules, catalog, items, scores, slots, window));
            if (calls[0] > 1 || calls[1] > 1) {
                grew++;
            }
        }
        assertThat(grew).as("rounds whose pools grew").isGreaterThan(20);
    }

    @Test
    void aBooksCompiledRulesAreKeptPerCatalogue() {
        RuleBook b = book(rule("msd", "boost", "brand", "MSD", "factor", 2.0));
        assertThat(b.applied(CATALOG, ITEMS)).isSameAs(b.applied(CATALOG, ITEMS));
        assertThat(b.applied(CATALOG, ITEMS).maxMultiplier).isEqualTo(2f);
        assertThat(ItemSet.of(8, 1, 5)).isEqualTo(b.applied(CATALOG, ITEMS).matched[0]);
    }
}
