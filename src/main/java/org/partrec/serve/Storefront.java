package org.partrec.serve;

import org.partrec.extract.ItemInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.partrec.index.ItemSet;
import org.partrec.index.Neighbors;
import org.partrec.train.WoodburyRowSolver;

/**
 * The answers the storefront asks for, computed from one snapshot: recommendations for a known
 * user (or the popular list for an unknown one), for an anonymous basket folded into a user
 * vector, and similar items. Filters apply before ranking; paging takes {@code offset + limit}
 * results and returns the last {@code limit} of them.
 */
public final class Storefront {

    /** Where a list came from. */
    public enum Source {
        MODEL, POPULAR, FOLDIN, REALTIME, COPURCHASE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One recommended item.
     *
     * @param promoted whether it fills a slot a merchandising rule promotes ({@link Merchandising})
     */
    public record Item(String itemId, float score, ItemInfo info, boolean promoted) {
        public Item(String itemId, float score, ItemInfo info) {
            this(itemId, score, info, false);
        }
    }

    /** A page of items and where it came from. */
    public record Answer(Source source, String modelVersion, List<Item> items) {
    }

    /** Of the model's answers to a user (or an item's similar items), how many a list ranked ahead gave, and how many a search. */
    private static final java.util.concurrent.atomic.LongAdder[] AHEAD = {new java.util.concurrent.atomic.LongAdder(),
            new java.util.concurrent.atomic.LongAdder()};
    private static final java.util.concurrent.atomic.LongAdder[] SEARCHED = {new java.util.concurrent.atomic.LongAdder(),
            new java.util.concurrent.atomic.LongAdder()};

    /** Which lists ranked ahead {@link #answeredAhead} and {@link #searched} count: a user's, or an item's similar items. */
    public enum Ahead { USER, ITEM }

    /**
     * How many model answers of this kind a list ranked ahead gave, since the process started
     * (what ops read to size {@code partrec.serving.precomputed}: a filter the list cannot fill
     * sends the request to the index).
     */
    public static long answeredAhead(Ahead kind) {
        return AHEAD[kind.ordinal()].sum();
    }

    /** How many model answers of this kind went to the index instead (no list, too few eligible items in it, or purchases asked for). */
    public static long searched(Ahead kind) {
        return SEARCHED[kind.ordinal()].sum();
    }

    private static void count(Ahead kind, boolean ahead) {
        (ahead ? AHEAD : SEARCHED)[kind.ordinal()].increment();
    }

    private static final ThreadLocal<WoodburyRowSolver[]> SOLVERS =
            ThreadLocal.withInitial(() -> new WoodburyRowSolver[1]);

    private Storefront() {
    }

    /**
     * Recommendations for {@code userId}: the model's when it knows the user, else the popular
     * list (never an error).
     */
    public static Answer forUser(Snapshot s, String userId, int offset, int limit, boolean includePurchased,
                                 ItemFilter filter) {
        return forUser(s, userId, offset, limit, includePurchased, filter, java.time.Instant.now());
    }

    /**
     * {@link #forUser(Snapshot, String, int, int, boolean, ItemFilter)} at {@code now}: the
     * substitutes of what the user bought within the substitute window before it are left out
     * ({@link CoPurchases}).
     */
    public static Answer forUser(Snapshot s, String userId, int offset, int limit, boolean includePurchased,
                                 ItemFilter filter, java.time.Instant now) {
        ItemSet eligible = filter.eligible(s.catalog());
        int user = s.users().indexOf(userId);
        int[] excluded = user < 0 || includePurchased ? new int[0] : s.purchasedBy(user);
        int[] substitutes = s.substitutesOfPurchases(user, since(s, now), new int[0]);
        if (substitutes.length > 0) {
            excluded = union(excluded, substitutes);
        }
        if (user < 0 || !s.hasModel() || user >= s.model().users()) {
            return popular(s, excluded, offset, limit, eligible);
        }
        // the list ranked ahead holds no purchase; substitutes leave it as items a filter refuses do
        // (tested on its few entries, not built into a set over the catalogue)
        int[] subs = substitutes;
        java.util.function.IntPredicate kept = subs.length == 0 ? eligible
                : id -> (eligible == null || eligible.test(id)) && Arrays.binarySearch(subs, id) < 0;
        Neighbors top = includePurchased ? null : s.rankedAhead(user, offset + limit, kept);
        count(Ahead.USER, top != null);
        if (top == null) {
            top = s.recommendIndex().search(s.model().userFactors()[user], offset + limit, excluded, eligible);
        }
        return page(s, Source.MODEL, top.head(offset + limit), offset);
    }

    /** The start of the substitute window that ends {@code now}. */
    static java.time.Instant since(Snapshot s, java.time.Instant now) {
        return now.minus(s.pairs().settings().substituteWindow());
    }

    /** Two sorted id lists as one, sorted, each id once. */
    static int[] union(int[] a, int[] b) {
        return java.util.stream.IntStream.concat(Arrays.stream(a), Arrays.stream(b)).sorted().distinct().toArray();
    }

    /**
     * Recommendations for a basket of item ids (a cart or an anonymous session): the items are
     * folded into a user vector by the exact least-squares solve of ALS (by the Woodbury identity
     * from the snapshot's precomputed inverse for a small basket, see {@link WoodburyRowSolver}),
     * and excluded from the result. Unknown item ids are ignored; with none known, the popular list.
     */
    public static Answer forBasket(Snapshot s, List<String> itemIds, int offset, int limit, ItemFilter filter) {
        ItemSet eligible = filter.eligible(s.catalog());
        UserRows.Row basket = basketRow(s, itemIds);
        if (basket.size() == 0 || !s.hasModel()) {
            return popular(s, basket.items(), offset, limit, eligible);
        }
        float[] x = foldIn(s, basket.items(), basket.confidence());
        Neighbors top = s.recommendIndex().search(x, offset + limit, basket.items(), eligible);
        return page(s, Source.FOLDIN, top, offset);
    }

    /** A basket as a row: its known items (ascending, each once), each at the fold-in's confidence. */
    static UserRows.Row basketRow(Snapshot s, List<String> itemIds) {
        int[] basket = itemIds.stream().mapToInt(id -> s.items().indexOf(id)).filter(i -> i >= 0).distinct()
                .sorted().toArray();
        float[] confidence = new float[basket.length];
        Arrays.fill(confidence, s.foldInConfidence());
        return new UserRows.Row(basket, confidence);
    }

    /**
     * Items most similar (cosine of the item factors) to {@code itemId}, never the item itself;
     * empty when the item is unknown. Without a model, the popular list.
     */
    public static Optional<Answer> similar(Snapshot s, String itemId, int offset, int limit, ItemFilter filter) {
        int item = s.items().indexOf(itemId);
        if (item < 0) {
            return Optional.empty();
        }
        ItemSet eligible = filter.eligible(s.catalog());
        int[] self = {item};
        if (!s.hasModel()) {
            return Optional.of(popular(s, self, offset, limit, eligible));
        }
        Neighbors top = s.similarAhead(item, offset + limit, eligible);
        count(Ahead.ITEM, top != null);
        if (top == null) {
            top = s.similarIndex().search(s.model().itemFactors()[item], offset + limit, self, eligible);
        }
        return Optional.of(page(s, Source.MODEL, top.head(offset + limit), offset));
    }

    /**
     * Parts frequently bought together with {@code itemId} that fit the same vehicle, best first
     * ({@link CoPurchases}: a slice of the list counted with the snapshot, filters applied to it);
     * empty when the item is unknown. An item without complements gets an empty list.
     */
    public static Optional<Answer> complements(Snapshot s, String itemId, int offset, int limit, ItemFilter filter) {
        int item = s.items().indexOf(itemId);
        if (item < 0) {
            return Optional.empty();
        }
        ItemSet eligible = filter.eligible(s.catalog());
        Neighbors list = s.pairs().complements().row(item);
        int[] ids = new int[Math.min(list.size(), offset + limit)];
        float[] scores = new float[ids.length];
        int kept = 0;
        for (int j = 0; j < list.size() && kept < ids.length; j++) {
            if (eligible == null || eligible.test(list.ids()[j])) {
                ids[kept] = list.ids()[j];
                scores[kept++] = list.scores()[j];
            }
        }
        return Optional.of(page(s, Source.COPURCHASE, new Neighbors(Arrays.copyOf(ids, kept),
                Arrays.copyOf(scores, kept)), offset));
    }

    /**
     * {@link #forUser} for the users numbered {@code from .. from + count) of the snapshot's id
     * map, unfiltered, purchases left out: what the batch export writes. The model's users are
     * ranked together ({@link org.partrec.index.VectorIndex#search(float[][], int, int[][])}),
     * with the same answers as one by one.
     */
    public static Answer[] forUsers(Snapshot s, int from, int count, int limit) {
        Answer[] out = new Answer[count];
        int[] scan = new int[count];
        int scans = 0;
        for (int j = 0; j < count; j++) {
            int user = from + j;
            Neighbors ahead = s.hasModel() && user < s.model().users() ? s.rankedAhead(user, limit, null) : null;
            if (ahead != null) {
                out[j] = page(s, Source.MODEL, ahead.head(limit), 0);
            } else if (s.hasModel() && user < s.model().users()) {
                scan[scans++] = j;
            } else {
                out[j] = forUser(s, s.users().idOf(user), 0, limit, false, ItemFilter.NONE);
            }
        }
        float[][] queries = new float[scans][];
        int[][] excluded = new int[scans][];
        for (int q = 0; q < scans; q++) {
            queries[q] = s.model().userFactors()[from + scan[q]];
            excluded[q] = s.purchasedBy(from + scan[q]);
        }
        Neighbors[] top = scans == 0 ? new Neighbors[0] : s.recommendIndex().search(queries, limit, excluded);
        for (int q = 0; q < scans; q++) {
            out[scan[q]] = page(s, Source.MODEL, top[q], 0);
        }
        return out;
    }

    /**
     * {@link #similar} for the items numbered {@code from .. from + count) of the snapshot's id
     * map, unfiltered: what the batch export writes, ranked together as {@link #forUsers} does.
     */
    public static Answer[] similarToItems(Snapshot s, int from, int count, int limit) {
        Answer[] out = new Answer[count];
        if (!s.hasModel()) {
            for (int j = 0; j < count; j++) {
                out[j] = similar(s, s.items().idOf(from + j), 0, limit, ItemFilter.NONE).orElseThrow();
            }
            return out;
        }
        int[] scan = new int[count];
        int scans = 0;
        for (int j = 0; j < count; j++) {
            Neighbors ahead = s.similarAhead(from + j, limit, null);
            if (ahead != null) {
                out[j] = page(s, Source.MODEL, ahead.head(limit), 0);
            } else {
                scan[scans++] = j;
            }
        }
        float[][] queries = new float[scans][];
        int[][] self = new int[scans][];
        for (int q = 0; q < scans; q++) {
            queries[q] = s.model().itemFactors()[from + scan[q]];
            self[q] = new int[] {from + scan[q]};
        }
        Neighbors[] top = scans == 0 ? new Neighbors[0] : s.similarIndex().search(queries, limit, self);
        for (int q = 0; q < scans; q++) {
            out[scan[q]] = page(s, Source.MODEL, top[q], 0);
        }
        return out;
    }

    /**
     * A user vector for these items (ascending) at these confidences: the exact least-squares
     * step of ALS against the snapshot's item factors (by the Woodbury identity for a short row).
     */
    static float[] foldIn(Snapshot s, int[] items, float[] confidence) {
        int k = s.model().factors();
        WoodburyRowSolver[] holder = SOLVERS.get();
        if (holder[0] == null || holder[0].factors() != k) {
            holder[0] = new WoodburyRowSolver(k);
        }
        float[] x = new float[k];
        holder[0].solve(s.model().itemFactors(), s.gram(), s.gramInverse(), items, confidence, 0, items.length, x);
        return x;
    }

    static Answer popular(Snapshot s, int[] excluded, int offset, int limit, ItemSet eligible) {
        return page(s, Source.POPULAR, s.popular().mostPopular(offset + limit, excluded, eligible), offset);
    }

    static Answer page(Snapshot s, Source source, Neighbors top, int offset) {
        List<Item> items = new ArrayList<>(Math.max(0, top.size() - offset));
        for (int j = offset; j < top.size(); j++) {
            int id = top.ids()[j];
            items.add(new Item(s.items().idOf(id), top.scores()[j], s.catalog().info(id)));
        }
        return new Answer(source, s.version(), List.copyOf(items));
    }
}
