package org.partrec.serve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.partrec.extract.ItemInfo;
import org.partrec.index.ItemSet;
import org.partrec.index.Neighbors;

/**
 * A checked list of merchandising {@link Rule}s and the ranking they define. Immutable; a reload
 * builds a new book and swaps it in whole ({@link Merchandising}).
 *
 * <h2>The adjusted score and the list</h2>
 * Each item {@code i} has the model's score {@code s(i)} (inner product, cosine or popularity:
 * whatever the path ranks by) and a multiplier {@code m(i) > 0}, the product of the factors of the
 * boost and bury rules that match it (1 for none). Its adjusted score is
 * <pre>
 *   a(i) = s(i) * m(i)   for s(i) &gt;= 0
 *   a(i) = s(i) / m(i)   for s(i) &lt; 0      (a boost raises a negative score too)
 * </pre>
 * {@code a} is non-decreasing in {@code s} for a fixed {@code m}, and in {@code m} for a fixed
 * {@code s}. The list is filled slot by slot, each slot with the best remaining item that keeps
 * every cap (items ordered by {@code a} descending, ties by the model's own order), from the
 * promoted items in a promoted slot (when any can fill it), and never an excluded item. With no
 * promote or cap rule this is simply the top-k of {@code a} over the eligible items.
 *
 * <h2>Why a pool of candidates gives the exact list</h2>
 * The model's path gives its top {@code K} eligible items by {@code s}, best first (the
 * <em>pool</em>). Every item outside it has {@code s(j) <= s_K}, the pool's least score, and
 * {@code m(j) <= M}, the largest multiplier of any item, so by the monotonicity above
 * <pre>
 *   a(j) &lt;= U = a(s_K, M)      for every item j not in the pool.
 * </pre>
 * At each slot, take the best item of the pool that may fill it. If its {@code a} is at least
 * {@code U}, no item outside the pool comes before it (an outside item that ties it comes later
 * in the model's order, as every outside item does), so it is the item the fill over the whole
 * catalogue picks; the caps then see the same slots filled, and by induction the whole list is
 * the one over the whole catalogue. If it is below {@code U}, or the pool has no item left that
 * may fill the slot, the pool is doubled and the list filled again; a pool shorter than asked
 * holds every eligible item, and its answer is exact by construction. Promoted slots draw on a
 * second pool, of the promoted items only, by the same argument with its own {@code s_K}. So the
 * answer is the exact rule-adjusted list of the model's ranking, and within the serving index's
 * recall for an approximate one (an item the index misses is missed here too). The first pool is
 * twice the slots asked (at least 10 more), and the promoted items in it are the first promoted
 * pool (any promoted item outside it scores at most its least score, so the bound holds with the
 * organic pool's {@code s_K}); a rule that reorders much makes the pools grow more often
 * ({@code RuleBookTest} checks the list against the fill over every item on random catalogues).
 */
public final class RuleBook {

    /** No rule: answers are the model's as they are. */
    public static final RuleBook NONE = new RuleBook(List.of(), new LongAdder[0]);

    /** Catalogues whose compiled rules are kept: the champion's and a challenger's, and a swap's overlap. */
    private static final int KEPT = 4;

    private final List<Rule> rules;
    private final Rule.Action[] actions;
    private final LongAdder[] hits;
    private volatile Applied[] applied = new Applied[0];

    private RuleBook(List<Rule> rules, LongAdder[] hits) {
        this.rules = List.copyOf(rules);
        this.actions = this.rules.stream().map(Rule::kind).toArray(Rule.Action[]::new);
        this.hits = hits;
    }

    /** A list of rules that failed its check; {@link #problems()} name the keys. */
    public static final class InvalidRules extends IllegalArgumentException {
        private final transient List<Rule.Problem> problems;

        public InvalidRules(List<Rule.Problem> problems) {
            super(String.join("; ", problems.stream().map(Rule.Problem::toString).toList()));
            this.problems = List.copyOf(problems);
        }

        public List<Rule.Problem> problems() {
            return problems;
        }
    }

    /**
     * What is wrong with {@code rules}, each problem under its key: {@code key[i].field} (such as
     * {@code partrec.rules.list[2].share}); empty when they are good.
     */
    public static List<Rule.Problem> check(List<Rule> rules, String key) {
        List<Rule.Problem> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int promotes = 0;
        for (int r = 0; r < rules.size(); r++) {
            Rule rule = rules.get(r);
            String at = key + "[" + r + "]";
            if (rule == null) {
                out.add(new Rule.Problem(at, "an empty rule"));
                continue;
            }
            List<Rule.Problem> own = rule.problems(at);
            out.addAll(own);
            if (rule.name() != null && !names.add(rule.name())) {
                out.add(new Rule.Problem(at + ".name", "'" + rule.name() + "' names an earlier rule too: names are unique"));
            }
            if (own.isEmpty() && rule.kind() == Rule.Action.PROMOTE && ++promotes > 1) {
                out.add(new Rule.Problem(at + ".action", "one promote rule at most (list every promoted item in it)"));
            }
        }
        return out;
    }

    /**
     * The book of {@code rules}, each counting its hits in the adder {@code hits} gives for it
     * (kept across reloads by the caller, so that counters never go back).
     *
     * @throws InvalidRules when {@link #check} finds a problem
     */
    public static RuleBook of(List<Rule> rules, String key, Function<Rule, LongAdder> hits) {
        List<Rule.Problem> problems = check(rules, key);
        if (!problems.isEmpty()) {
            throw new InvalidRules(problems);
        }
        return new RuleBook(rules, rules.stream().map(hits).toArray(LongAdder[]::new));
    }

    public List<Rule> rules() {
        return rules;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Items (or, for none, 0) each rule has touched since the process started, in the order of {@link #rules()}. */
    public long[] hits() {
        return Arrays.stream(hits).mapToLong(LongAdder::sum).toArray();
    }

    /** The model's top items by its own score: a pool of candidates. */
    @FunctionalInterface
    public interface Pool {
        /**
         * The {@code n} eligible items with the highest scores, best first (fewer only when fewer
         * are eligible), restricted to {@code within} unless it is null.
         */
        Neighbors top(int n, ItemSet within);
    }

    /**
     * A ranked list after the rules.
     *
     * @param scores   the model's scores
     * @param adjusted the scores after the boosts and buries, by which the list is ordered (but for promoted slots)
     * @param promoted whether each item fills a promoted slot
     */
    public record Ranked(int[] ids, float[] scores, float[] adjusted, boolean[] promoted) {
        public int size() {
            return ids.length;
        }
    }

    /**
     * The first {@code slots} items of the list the rules make from {@code pool} over
     * {@code catalog} (the items named by {@code items}), with caps counted over any
     * {@code window} consecutive slots (the page size). Counts the rules' hits.
     */
    public Ranked rank(ItemCatalog catalog, org.partrec.features.IdMap items, int slots, int window, Pool pool) {
        Applied a = applied(catalog, items);
        int n = Math.max(2 * slots, slots + 10);
        int np = a.promoted == null ? 0 : 2 * promotedSlots(a.share, slots) + 10;
        Neighbors organic = pool.top(n, null);
        // the promoted items of the organic pool are a pool of promoted items too (every promoted
        // item outside it scores at most its least score): a search of their own only when they fall short
        boolean derived = a.promoted != null;
        Neighbors promoted = derived ? within(organic, a.promoted) : null;
        boolean promotedAll = !derived || organic.size() < n;
        while (true) {
            Fill f = new Fill(a, organic, organic.size() < n, promoted, promotedAll, derived ? least(organic) : Float.NaN,
                    slots, Math.max(1, window));
            int grow = f.run();
            if (grow == Fill.DONE) {
                for (int r = 0; r < hits.length; r++) {
                    if (f.hits[r] > 0) {
                        hits[r].add(f.hits[r]);
                    }
                }
                return f.result();
            }
            if (grow == Fill.GROW_ORGANIC) {
                n = (int) Math.min(Integer.MAX_VALUE / 2, 2L * n);
                organic = pool.top(n, null);
                if (derived) {
                    promoted = within(organic, a.promoted);
                    promotedAll = organic.size() < n;
                }
            } else {
                np = derived ? Math.max(np, 2 * promoted.size()) : (int) Math.min(Integer.MAX_VALUE / 2, 2L * np);
                derived = false;
                promoted = pool.top(np, a.promoted);
                promotedAll = promoted.size() < np;
            }
        }
    }

    /** The items of {@code pool} in {@code set}, in the pool's order. */
    private static Neighbors within(Neighbors pool, ItemSet set) {
        int[] ids = new int[pool.size()];
        float[] scores = new float[ids.length];
        int kept = 0;
        for (int p = 0; p < ids.length; p++) {
            if (set.test(pool.ids()[p])) {
                ids[kept] = pool.ids()[p];
                scores[kept++] = pool.scores()[p];
            }
        }
        return new Neighbors(Arrays.copyOf(ids, kept), Arrays.copyOf(scores, kept));
    }

    /** A pool's least score ({@code s_K}). */
    private static float least(Neighbors pool) {
        float least = Float.POSITIVE_INFINITY;
        for (float s : pool.scores()) {
            least = Math.min(least, s);
        }
        return least;
    }

    /** Whether slot {@code j} (from 0) is promoted at {@code share}: the slots evenly spaced, rounded. */
    static boolean promotedSlot(double share, int j) {
        return Math.floor((j + 1) * share + 0.5) > Math.floor(j * share + 0.5);
    }

    /** Promoted slots among the first {@code slots}: {@code share * slots}, rounded half up. */
    static int promotedSlots(double share, int slots) {
        return (int) Math.floor(slots * share + 0.5);
    }

    /** The adjusted score: {@code s * m}, or {@code s / m} for a negative {@code s}. */
    static float adjust(float s, float m) {
        return s >= 0 ? s * m : s / m;
    }

    /** The rules compiled for a catalogue, kept for the last few catalogues asked about. */
    Applied applied(ItemCatalog catalog, org.partrec.features.IdMap items) {
        Applied[] kept = applied;
        for (Applied a : kept) {
            if (a.catalog == catalog) {
                return a;
            }
        }
        Applied a = new Applied(this, catalog, items);
        Applied[] next = new Applied[Math.min(KEPT, kept.length + 1)];
        next[0] = a;
        System.arraycopy(kept, 0, next, 1, next.length - 1);
        applied = next;
        return a;
    }

    /** Per item of one catalogue, what the rules do to it: multipliers, exclusions, promotion, caps. */
    static final class Applied {
        final ItemCatalog catalog;
        final int size;
        /** Per item, the product of its boost and bury factors; null when no such rule. */
        final float[] multiplier;
        /** The largest multiplier of any item ({@code M} in the bound). */
        final float maxMultiplier;
        /** Per item, the first exclude rule that matches it, or -1; null when no exclude rule. */
        final int[] excludedBy;
        final ItemSet promoted;
        final int promoteRule;
        final double share;
        /** Per cap rule: its index, its max, and per item its brand or category code (-1 for none). */
        final int[] capRule;
        final int[] capMax;
        final int[][] capCode;
        final int[] capCodes;
        /** Per rule, the items it matches (null for caps). */
        final ItemSet[] matched;
        /** The boost and bury rules. */
        final int[] scoring;

        Applied(RuleBook book, ItemCatalog catalog, org.partrec.features.IdMap items) {
            this.catalog = catalog;
            this.size = catalog.size();
            int rules = book.rules.size();
            matched = new ItemSet[rules];
            float[] m = null;
            int[] ex = null;
            ItemSet promo = null;
            int promoRule = -1;
            double promoShare = 0;
            List<Integer> caps = new ArrayList<>();
            List<Integer> scored = new ArrayList<>();
            for (int r = 0; r < rules; r++) {
                Rule rule = book.rules.get(r);
                Rule.Action action = book.actions[r];
                if (action == Rule.Action.CAP) {
                    caps.add(r);
                    continue;
                }
                ItemSet match = matching(rule, catalog, items);
                matched[r] = match;
                switch (action) {
                    case BOOST, BURY -> {
                        scored.add(r);
                        if (m == null) {
                            m = new float[size];
                            Arrays.fill(m, 1f);
                        }
                        float factor = rule.factor().floatValue();
                        for (int i : match.ids()) {
                            m[i] *= factor;
                        }
                    }
                    case EXCLUDE -> {
                        if (ex == null) {
                            ex = new int[size];
                            Arrays.fill(ex, -1);
                        }
                        for (int i : match.ids()) {
                            if (ex[i] < 0) {
                                ex[i] = r;
                            }
                        }
                    }
                    case PROMOTE -> {
                        promo = match;
                        promoRule = r;
                        promoShare = rule.share();
                    }
                    default -> throw new IllegalStateException(action.name());
                }
            }
            multiplier = m;
            scoring = scored.stream().mapToInt(Integer::intValue).toArray();
            float max = 1f;
            if (m != null) {
                max = 0f;
                for (float x : m) {
                    max = Math.max(max, x);
                }
            }
            maxMultiplier = max;
            excludedBy = ex;
            promoted = promo;
            promoteRule = promoRule;
            share = promoShare;
            capRule = caps.stream().mapToInt(Integer::intValue).toArray();
            capMax = new int[capRule.length];
            capCode = new int[capRule.length][];
            capCodes = new int[capRule.length];
            for (int c = 0; c < capRule.length; c++) {
                Rule rule = book.rules.get(capRule[c]);
                capMax[c] = rule.max();
                boolean brand = rule.per().equalsIgnoreCase("brand");
                Map<String, Integer> codes = new HashMap<>();
                int[] code = new int[size];
                for (int i = 0; i < size; i++) {
                    ItemInfo info = catalog.info(i);
                    String v = brand ? info.brand() : info.category();
                    code[i] = v == null ? -1 : codes.computeIfAbsent(v.toLowerCase(Locale.ROOT), k -> codes.size());
                }
                capCode[c] = code;
                capCodes[c] = codes.size();
            }
        }

        /**
         * The items a rule matches. Its category, brand and stock come from the catalogue's own
         * sets, which know the (category, fitment) groups they are made of: a promoted category
         * is then searched in its groups' small indexes, not by testing the whole catalogue.
         */
        private static ItemSet matching(Rule rule, ItemCatalog catalog, org.partrec.features.IdMap items) {
            int n = catalog.size();
            ItemSet set = null;
            if (rule.category() != null) {
                set = catalog.withCategory(rule.category());
            }
            if (rule.brand() != null) {
                set = set == null ? catalog.withBrand(rule.brand()) : set.and(catalog.withBrand(rule.brand()));
            }
            if (rule.inStock() != null) {
                set = set == null ? catalog.stocked(rule.inStock()) : set.and(catalog.stocked(rule.inStock()));
            }
            if (set != null && rule.items() == null && rule.fitment() == null && rule.minMargin() == null
                    && rule.maxMargin() == null) {
                return set;
            }
            ItemSet listed = rule.items() == null ? null
                    : ItemSet.of(n, rule.items().stream().mapToInt(items::indexOf).filter(i -> i >= 0 && i < n).toArray());
            ItemSet rest = ItemSet.matching(n, i -> (listed == null || listed.test(i)) && rule.matches(catalog.info(i)));
            return set == null ? rest : set.and(rest);
        }

        float multiplier(int item) {
            return multiplier == null ? 1f : multiplier[item];
        }
    }

    /** One fill of the list from the pools as they are; says which pool must grow when it cannot finish. */
    private static final class Fill {
        static final int DONE = 0;
        static final int GROW_ORGANIC = 1;
        static final int GROW_PROMOTED = 2;

        private final Applied a;
        private final Neighbors organic;
        private final boolean organicAll;
        private final Neighbors promoted;
        private final boolean promotedAll;
        /** The least score of the pool the promoted one was taken from, or NaN for the promoted pool's own. */
        private final float promotedLeast;
        private final int slots;
        private final int window;
        final long[] hits;
        private final int[] ids;
        private final float[] scores;
        private final float[] adjustedScores;
        private final boolean[] isPromoted;
        private int filled;
        private final BitSet placed = new BitSet();
        private final BitSet counted = new BitSet();
        /** Per cap rule, per code, the items of that code among the last {@code window - 1} slots. */
        private final int[][] inWindow;

        Fill(Applied a, Neighbors organic, boolean organicAll, Neighbors promoted, boolean promotedAll,
             float promotedLeast, int slots, int window) {
            this.promotedLeast = promotedLeast;
            this.a = a;
            this.organic = organic;
            this.organicAll = organicAll;
            this.promoted = promoted;
            this.promotedAll = promotedAll;
            this.slots = slots;
            this.window = window;
            this.hits = new long[a.matched.length];
            this.ids = new int[slots];
            this.scores = new float[slots];
            this.adjustedScores = new float[slots];
            this.isPromoted = new boolean[slots];
            this.inWindow = new int[a.capRule.length][];
            for (int c = 0; c < inWindow.length; c++) {
                inWindow[c] = new int[a.capCodes[c]];
            }
        }

        /** A pool sorted by adjusted score: positions, adjusted scores, and the bound {@code U} on what it lacks. */
        private record Sorted(int[] order, float[] adjusted, float bound) {
        }

        private Sorted sort(Neighbors pool, boolean all, float floor) {
            int n = pool.size();
            float[] adj = new float[n];
            long[] keys = new long[n];
            float least = Float.POSITIVE_INFINITY;
            for (int p = 0; p < n; p++) {
                float s = pool.scores()[p];
                least = Math.min(least, s);
                adj[p] = adjust(s, a.multiplier(pool.ids()[p]));
                // descending adjusted score, then the pool's own order: a(i) as a sortable int, inverted, above the position
                int bits = Float.floatToIntBits(adj[p]);
                bits ^= (bits >> 31) & 0x7fffffff;
                keys[p] = ((long) ~bits << 32) | p;
            }
            Arrays.sort(keys);
            int[] order = new int[n];
            for (int p = 0; p < n; p++) {
                order[p] = (int) keys[p];
            }
            if (!Float.isNaN(floor)) {
                least = floor;
            }
            float bound = all ? Float.NEGATIVE_INFINITY : adjust(least, a.maxMultiplier);
            return new Sorted(order, adj, bound);
        }

        int run() {
            Sorted org = sort(organic, organicAll, Float.NaN);
            Sorted pro = promoted == null ? null : sort(promoted, promotedAll, promotedLeast);
            for (int j = 0; j < slots; j++) {
                if (j >= window) { // slot j - window leaves the window
                    leave(ids[j - window]);
                }
                int pick = -1;
                if (pro != null && promotedSlot(a.share, j)) {
                    int p = best(pro, promoted);
                    if (p >= 0) {
                        if (pro.adjusted[p] < pro.bound) {
                            return GROW_PROMOTED;
                        }
                        pick = promoted.ids()[p];
                        place(j, pick, promoted.scores()[p], pro.adjusted[p], true);
                    } else if (!promotedAll) {
                        return GROW_PROMOTED;
                    }
                }
                if (pick < 0) {
                    int p = best(org, organic);
                    if (p < 0) {
                        if (!organicAll) {
                            return GROW_ORGANIC;
                        }
                        break; // nothing left that may fill the slot: the list ends here
                    }
                    if (org.adjusted[p] < org.bound) {
                        return GROW_ORGANIC;
                    }
                    place(j, organic.ids()[p], organic.scores()[p], org.adjusted[p], false);
                }
            }
            return DONE;
        }

        /** The position in {@code pool} of the best item that may fill the next slot, or -1; counts the items passed over. */
        private int best(Sorted sorted, Neighbors pool) {
            for (int p : sorted.order) {
                int id = pool.ids()[p];
                if (placed.get(id)) {
                    continue;
                }
                if (a.excludedBy != null && a.excludedBy[id] >= 0) {
                    hit(id, a.excludedBy[id]);
                    continue;
                }
                int blocking = blockingCap(id);
                if (blocking >= 0) {
                    hit(id, a.capRule[blocking]);
                    continue;
                }
                return p;
            }
            return -1;
        }

        /** The first cap rule (its place in {@link Applied#capRule}) that the item would break, or -1. */
        private int blockingCap(int id) {
            for (int c = 0; c < a.capRule.length; c++) {
                int code = a.capCode[c][id];
                if (code >= 0 && inWindow[c][code] >= a.capMax[c]) {
                    return c;
                }
            }
            return -1;
        }

        /** An item a rule kept from a slot, counted once per answer. */
        private void hit(int id, int rule) {
            if (!counted.get(id)) {
                counted.set(id);
                hits[rule]++;
            }
        }

        private void place(int j, int id, float score, float adjusted, boolean promotedSlot) {
            ids[j] = id;
            scores[j] = score;
            adjustedScores[j] = adjusted;
            isPromoted[j] = promotedSlot;
            filled = j + 1;
            placed.set(id);
            for (int c = 0; c < a.capRule.length; c++) {
                int code = a.capCode[c][id];
                if (code >= 0) {
                    inWindow[c][code]++;
                }
            }
            if (promotedSlot) {
                hits[a.promoteRule]++;
            }
            for (int r : a.scoring) { // a boost or bury counts the items it scored that fill a slot
                if (a.matched[r].test(id)) {
                    hits[r]++;
                }
            }
        }

        private void leave(int id) {
            for (int c = 0; c < a.capRule.length; c++) {
                int code = a.capCode[c][id];
                if (code >= 0) {
                    inWindow[c][code]--;
                }
            }
        }

        Ranked result() {
            return new Ranked(Arrays.copyOf(ids, filled), Arrays.copyOf(scores, filled),
                    Arrays.copyOf(adjustedScores, filled), Arrays.copyOf(isPromoted, filled));
        }
    }
}
