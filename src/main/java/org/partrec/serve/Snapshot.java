package org.partrec.serve;

import java.time.Instant;
import java.util.Map;
import org.partrec.evaluate.PopularityRecommender;
import org.partrec.features.CsrMatrix;
import org.partrec.features.Parallel;
import org.partrec.features.IdMap;
import org.partrec.features.Weighting;
import org.partrec.index.IndexSpec;
import org.partrec.index.ItemSet;
import org.partrec.index.Neighbors;
import org.partrec.index.RankedLists;
import org.partrec.index.Similarity;
import org.partrec.index.VectorIndex;
import org.partrec.publish.ModelArtifact;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.WoodburyRowSolver;

/**
 * Everything one model serves from, immutable and complete before anybody sees it: id maps,
 * factors, the user-to-item (inner product) and item-to-item (cosine) indexes, the popularity
 * list, item metadata for filters, each user's purchases, and the model's version and metrics.
 * A request reads one snapshot from {@link ServingModel} and uses nothing else, so it never mixes
 * two models. A snapshot without a model serves only the popularity list.
 */
public final class Snapshot {

    private static final System.Logger LOG = System.getLogger(Snapshot.class.getName());

    private final String version;
    private final Instant createdAt;
    private final Map<String, Double> metrics;
    private final IdMap users;
    private final IdMap items;
    private final AlsModel model;
    private final VectorIndex recommendIndex;
    private final VectorIndex similarIndex;
    private final PopularityRecommender popular;
    private final CsrMatrix purchased;
    private final ItemCatalog catalog;
    private final float[][] gram;
    /** {@code gram}'s inverse for the basket fold-in ({@link WoodburyRowSolver#inverse}), or null. */
    private final double[] gramInverse;
    private final float foldInConfidence;
    /** The users' stored rows, to fold a user in again with recent events ({@link Realtime}); null without a model. */
    private final UserRows rows;
    /** Per user, the model's best items with purchases excluded and no filter; null when not kept. */
    private final int[][] topIds;
    private final float[][] topScores;
    /** Length of the users' lists ranked ahead, and of the items' (0: none). */
    private final int userLength;
    /** Per item, its most similar items (itself excluded, no filter); null when not kept. */
    private final RankedLists similar;
    /** The length the similar lists were ranked to: a shorter list holds every other item. */
    private final int itemLength;
    /** Complements and substitutes counted from the users' rows ({@link CoPurchases}). */
    private final CoPurchases pairs;
    /** Per stored pair of {@code purchased}, when it was bought (epoch minutes), or null when not known. */
    private final int[] purchasedAt;
    /** Per user, the vehicle platforms inferred from what they bought and kept, else touched ({@link Garage}). */
    private final Garage garage;

    private Snapshot(String version, Instant createdAt, Map<String, Double> metrics, IdMap users, IdMap items,
                     AlsModel model, VectorIndex recommendIndex, VectorIndex similarIndex, PopularityRecommender popular,
                     CsrMatrix purchased, ItemCatalog catalog, float[][] gram, double[] gramInverse,
                     float foldInConfidence, int[][] topIds, float[][] topScores, int userLength, RankedLists similar,
                     UserRows rows, CoPurchases pairs, int[] purchasedAt, Garage garage) {
        this.version = version;
        this.createdAt = createdAt;
        this.metrics = Map.copyOf(metrics);
        this.users = users;
        this.items = items;
        this.model = model;
        this.recommendIndex = recommendIndex;
        this.similarIndex = similarIndex;
        this.popular = popular;
        this.purchased = purchased;
        this.catalog = catalog;
        this.gram = gram;
        this.gramInverse = gramInverse;
        this.foldInConfidence = foldInConfidence;
        this.topIds = topIds;
        this.topScores = topScores;
        this.userLength = userLength;
        this.similar = similar;
        this.itemLength = similar == null ? 0 : similar.longest();
        this.rows = rows;
        this.pairs = pairs;
        this.purchasedAt = purchasedAt;
        this.garage = garage;
    }

    /**
     * The serving snapshot of a stored model, built as the pipeline builds it at promotion, nothing
     * ranked ahead yet (see {@link #unranked} and {@link #rankAhead}).
     */
    public static Snapshot from(ModelArtifact a, IndexSpec index, int threads) {
        return from(a, index, threads, CoPurchases.Settings.DEFAULTS);
    }

    /**
     * {@link #from(ModelArtifact, IndexSpec, int)} with these co-purchase settings. An artifact
     * without purchase times (format 2 and older) gives a snapshot whose model purchases
     * suppress no substitutes.
     */
    public static Snapshot from(ModelArtifact a, IndexSpec index, int threads, CoPurchases.Settings pairs) {
        return unranked(a.version(), a.createdAt(), a.metrics(), a.users(), a.items(), a.model(), a.params(),
                a.interactions(), a.purchased(), new ItemCatalog(a.items(), a.catalog()), index, threads, a.similar(),
                pairs, a.purchasedAt());
    }

    /**
     * Builds a model snapshot, its lists ranked ahead: {@link #unranked} then {@link #rankAhead}.
     *
     * @param interactions users x items, any positive weights: its pattern gives popularity
     * @param purchased    users x items the users bought (excluded unless asked for)
     * @param index        the indexes to rank with
     * @param rankAhead    what to rank ahead for every user and item, so that the common request
     *                     is a slice of a stored list
     */
    public static Snapshot withModel(String version, Instant createdAt, Map<String, Double> metrics, IdMap users,
                                     IdMap items, AlsModel model, AlsParams params, CsrMatrix interactions,
                                     CsrMatrix purchased, ItemCatalog catalog, IndexSpec index, int threads,
                                     RankAhead rankAhead) {
        return unranked(version, createdAt, metrics, users, items, model, params, interactions, purchased, catalog,
                index, threads, null).rankAhead(rankAhead, threads);
    }

    /**
     * Builds a model snapshot that ranks every request when it comes; indexes are built here,
     * before the snapshot exists. It can serve at once, while {@link #rankAhead} ranks the lists.
     *
     * @param similar per item, its most similar items as stored with the model, or null
     */
    public static Snapshot unranked(String version, Instant createdAt, Map<String, Double> metrics, IdMap users,
                                    IdMap items, AlsModel model, AlsParams params, CsrMatrix interactions,
                                    CsrMatrix purchased, ItemCatalog catalog, IndexSpec index, int threads,
                                    RankedLists similar) {
        return unranked(version, createdAt, metrics, users, items, model, params, interactions, purchased, catalog,
                index, threads, similar, CoPurchases.Settings.DEFAULTS, null);
    }

    /**
     * {@link #unranked} with its complements and substitutes counted by {@code pairs}.
     *
     * @param purchasedAt per stored pair of {@code purchased}, when it was bought (epoch minutes,
     *                    {@link #purchaseMinutes}), or null when not known: then the model's own
     *                    purchases suppress no substitutes
     */
    public static Snapshot unranked(String version, Instant createdAt, Map<String, Double> metrics, IdMap users,
                                    IdMap items, AlsModel model, AlsParams params, CsrMatrix interactions,
                                    CsrMatrix purchased, ItemCatalog catalog, IndexSpec index, int threads,
                                    RankedLists similar, CoPurchases.Settings pairs, int[] purchasedAt) {
        int k = model.factors();
        VectorIndex recommend = index.build(model.itemFactors(), k, Similarity.DOT, threads, catalog.groups());
        VectorIndex cosine = index.build(model.itemFactors(), k, Similarity.COSINE, threads);
        // a basket item counts as one event: c = 1 + alpha * w'(1); for bm25, whose w' depends on
        // the user's and the item's totals, one event is taken as w' = 1 (an approximation)
        float w = params.weighting() == Weighting.LOG1P ? (float) Math.log(2) : 1f;
        float[][] gram = model.itemGram(params.regularization());
        return new Snapshot(version, createdAt, metrics, users, items, model, recommend, cosine,
                PopularityRecommender.fit(interactions, items), purchased, catalog, gram,
                WoodburyRowSolver.inverse(gram), (float) (1 + params.alpha() * w), null, null, 0, similar,
                new UserRows(interactions, params.weighting(), params.alpha()),
                CoPurchases.of(interactions, purchased, catalog, pairs, threads), purchasedAt,
                Garage.infer(purchased, interactions, catalog));
    }

    /**
     * The same model with each user's and each item's first {@code rankAhead.items()} answers
     * ranked ahead (as far as its memory budget allows): the answers are the same as this
     * snapshot's, bit for bit, only cheaper. This snapshot when there is nothing to rank.
     */
    public Snapshot rankAhead(RankAhead rankAhead, int threads) {
        if (model == null) {
            return this;
        }
        Snapshot withSimilar = similar == null ? rankSimilar(rankAhead, threads) : this;
        int userLength = rankAhead.length(model.users(), model.items());
        if (rankAhead.items() > userLength) {
            LOG.log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT,
                    "model %s: %d of %d recommendations per user ranked ahead (%,d users, at most %,d MB)", version,
                    userLength, rankAhead.items(), model.users(), rankAhead.maxBytes() / (1 << 20)));
        }
        if (userLength == 0) {
            return withSimilar;
        }
        int[][] topIds = new int[model.users()][];
        float[][] topScores = new float[model.users()][];
        Neighbors[] ranked = rank(recommendIndex, model.userFactors(), userLength, threads,
                u -> purchasedBy(purchased, u));
        for (int u = 0; u < ranked.length; u++) {
            topIds[u] = ranked[u].ids();
            topScores[u] = ranked[u].scores();
        }
        return new Snapshot(version, createdAt, metrics, users, items, model, recommendIndex, similarIndex, popular,
                purchased, catalog, gram, gramInverse, foldInConfidence, topIds, topScores, userLength, withSimilar.similar,
                rows, pairs, purchasedAt, garage);
    }

    /**
     * The same model with every item's most similar items ranked ahead ({@code rankAhead.items()}
     * of them, as far as its memory budget allows): the part of the serving index that a model
     * artifact keeps ({@link #similarLists()}). This snapshot when they are already ranked or
     * there is nothing to rank.
     */
    public Snapshot rankSimilar(RankAhead rankAhead, int threads) {
        int length = model == null || similar != null ? 0 : rankAhead.length(model.items(), model.items() - 1);
        if (length == 0) {
            return this;
        }
        Neighbors[] ranked = similarIndex instanceof org.partrec.index.ExactIndex exact
                && exact.similarity() == Similarity.COSINE ? exact.similarToEach(length, threads) // each pair once
                : rank(similarIndex, model.itemFactors(), length, threads, i -> new int[] {i});
        RankedLists lists = RankedLists.of(ranked, model.items());
        return new Snapshot(version, createdAt, metrics, users, items, model, recommendIndex, similarIndex, popular,
                purchased, catalog, gram, gramInverse, foldInConfidence, topIds, topScores, userLength, lists, rows,
                pairs, purchasedAt, garage);
    }

    /** Per item, its most similar items as ranked ahead, or null. */
    public RankedLists similarLists() {
        return similar;
    }

    /** Ranks every row of {@code queries} against {@code index}, chunks of them together, in parallel. */
    private static Neighbors[] rank(VectorIndex index, float[][] queries, int k, int threads,
                                    java.util.function.IntFunction<int[]> excluded) {
        int chunk = 256;
        Neighbors[] out = new Neighbors[queries.length];
        Parallel.forEach(threads, (queries.length + chunk - 1) / chunk, c -> {
            int from = c * chunk;
            int count = Math.min(chunk, queries.length - from);
            float[][] q = java.util.Arrays.copyOfRange(queries, from, from + count);
            int[][] left = new int[count][];
            for (int j = 0; j < count; j++) {
                left[j] = excluded.apply(from + j);
            }
            System.arraycopy(index.search(q, k, left), 0, out, from, count);
        });
        return out;
    }

    /** A snapshot that serves the popularity list only, while no model has passed evaluation. */
    public static Snapshot popularOnly(String version, Instant createdAt, IdMap users, IdMap items,
                                       CsrMatrix interactions, CsrMatrix purchased, ItemCatalog catalog) {
        return popularOnly(version, createdAt, users, items, interactions, purchased, catalog,
                CoPurchases.Settings.DEFAULTS, null);
    }

    /** {@link #popularOnly} with its complements and substitutes counted by {@code pairs}. */
    public static Snapshot popularOnly(String version, Instant createdAt, IdMap users, IdMap items,
                                       CsrMatrix interactions, CsrMatrix purchased, ItemCatalog catalog,
                                       CoPurchases.Settings pairs, int[] purchasedAt) {
        return new Snapshot(version, createdAt, Map.of(), users, items, null, null, null,
                PopularityRecommender.fit(interactions, items), purchased, catalog, null, null, 0f, null, null, 0, null,
                null, CoPurchases.of(interactions, purchased, catalog, pairs, 1), purchasedAt,
                Garage.infer(purchased, interactions, catalog));
    }

    public String version() {
        return version;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Map<String, Double> metrics() {
        return metrics;
    }

    public boolean hasModel() {
        return model != null;
    }

    /**
     * Whether the users' lists are ranked ahead here (see {@link #rankAhead}). A model read from
     * the store may carry its similar-item lists and still have its users' lists to rank.
     */
    public boolean isRankedAhead() {
        return topIds != null;
    }

    /** Recommendations ranked ahead per user: 0 until {@link #rankAhead} has run (or with nothing to rank). */
    public int userListLength() {
        return topIds == null ? 0 : userLength;
    }

    /** Similar items ranked ahead (or stored with the model) per item, at most; 0 without lists. */
    public int similarListLength() {
        return itemLength;
    }

    public IdMap users() {
        return users;
    }

    public IdMap items() {
        return items;
    }

    public ItemCatalog catalog() {
        return catalog;
    }

    AlsModel model() {
        return model;
    }

    VectorIndex recommendIndex() {
        return recommendIndex;
    }

    VectorIndex similarIndex() {
        return similarIndex;
    }

    PopularityRecommender popular() {
        return popular;
    }

    float[][] gram() {
        return gram;
    }

    double[] gramInverse() {
        return gramInverse;
    }

    float foldInConfidence() {
        return foldInConfidence;
    }

    UserRows rows() {
        return rows;
    }

    /** The vehicle platforms inferred for each user ({@link Garage}). */
    public Garage garage() {
        return garage;
    }

    /** Complements and substitutes of this snapshot's items. */
    public CoPurchases pairs() {
        return pairs;
    }

    /**
     * The substitutes of what {@code user} bought since {@code since} ({@link CoPurchases}): of
     * their purchases in the model when their times are known, and of {@code alsoBought} (item
     * ids, bought since then by the caller's account, such as posted events). Sorted, distinct;
     * empty when the settings suppress nothing.
     */
    int[] substitutesOfPurchases(int user, Instant since, int[] alsoBought) {
        return substitutesOfPurchases(user, since, alsoBought, new int[0]);
    }

    /**
     * {@link #substitutesOfPurchases(int, Instant, int[])} but for the model's purchases among
     * {@code takenBack} (sorted item ids the customer returned since the model was trained): a
     * part returned is no longer had, and its substitutes are what the customer may still need.
     */
    int[] substitutesOfPurchases(int user, Instant since, int[] alsoBought, int[] takenBack) {
        if (pairs == null || !pairs.settings().suppresses()) {
            return new int[0];
        }
        RankedLists subs = pairs.substitutes();
        java.util.BitSet out = new java.util.BitSet();
        if (purchasedAt != null && user >= 0 && user < purchased.rows()) {
            long from = since.getEpochSecond() / 60;
            for (int p = purchased.start(user); p < purchased.end(user); p++) {
                if (purchasedAt[p] >= from && java.util.Arrays.binarySearch(takenBack, purchased.index(p)) < 0) {
                    addRow(subs, purchased.index(p), out);
                }
            }
        }
        for (int item : alsoBought) {
            addRow(subs, item, out);
        }
        return out.stream().toArray();
    }

    private static void addRow(RankedLists lists, int item, java.util.BitSet out) {
        for (int id : lists.row(item).ids()) {
            out.set(id);
        }
    }

    /**
     * Per stored pair of {@code purchased} (the matrix of {@code purchases}' user and item
     * pairs), the latest time it was bought, in epoch minutes ({@link Integer#MIN_VALUE} for a
     * row without a time, such as a purchase returned in full: one that suppresses no substitute,
     * see {@code TrainingSet}): what {@link #unranked} takes as {@code purchasedAt}.
     */
    public static int[] purchaseMinutes(org.partrec.features.Interactions purchases, CsrMatrix purchased) {
        int[] at = new int[purchased.nnz()];
        java.util.Arrays.fill(at, Integer.MIN_VALUE);
        for (int r = 0; r < purchases.size(); r++) {
            int u = purchases.user(r);
            int p = java.util.Arrays.binarySearch(purchased.indices(), purchased.start(u), purchased.end(u),
                    purchases.item(r));
            long t = purchases.time(r);
            if (p >= 0 && t != org.partrec.features.Interactions.NO_TIME) {
                at[p] = Math.max(at[p], (int) Math.floorDiv(t, 60));
            }
        }
        return at;
    }

    /**
     * The item's stored neighbours that {@code eligible} keeps when they cover the first
     * {@code count} positions, else null (see {@link #head}).
     */
    Neighbors similarAhead(int item, int count, ItemSet eligible) {
        if (similar == null || item >= similar.rows()) {
            return null;
        }
        Neighbors list = similar.row(item);
        return head(list.ids(), list.scores(), count, eligible, list.size() < itemLength);
    }

    /** The user's purchased items, sorted. */
    int[] purchasedBy(int user) {
        return purchasedBy(purchased, user);
    }

    private static int[] purchasedBy(CsrMatrix purchased, int user) {
        if (user >= purchased.rows()) {
            return new int[0];
        }
        return java.util.Arrays.copyOfRange(purchased.indices(), purchased.start(user), purchased.end(user));
    }

    /**
     * The stored ranking of {@code user} (purchases excluded) with what {@code eligible} keeps,
     * when it covers the first {@code count} positions, else null (see {@link #head}).
     */
    Neighbors rankedAhead(int user, int count, java.util.function.IntPredicate eligible) {
        if (topIds == null || user >= topIds.length) {
            return null;
        }
        return head(topIds[user], topScores[user], count, eligible, topIds[user].length < userLength);
    }

    /**
     * The first {@code count} entries of a stored ranking that {@code eligible} keeps (all of
     * them for null), or null when it has fewer and is not {@code complete} (complete: shorter
     * than it was ranked to, so it holds every rankable item). Exact: an eligible item left out of
     * the stored list scores no higher than the list's last entry, and loses a tie with it by id.
     */
    private static Neighbors head(int[] ids, float[] scores, int count, java.util.function.IntPredicate eligible,
                                  boolean complete) {
        if (eligible == null) {
            return ids.length >= count || complete ? new Neighbors(ids, scores) : null;
        }
        int[] keptIds = new int[Math.min(count, ids.length)];
        float[] keptScores = new float[keptIds.length];
        int kept = 0;
        for (int j = 0; j < ids.length && kept < keptIds.length; j++) {
            if (eligible.test(ids[j])) {
                keptIds[kept] = ids[j];
                keptScores[kept++] = scores[j];
            }
        }
        if (kept < count && !complete) {
            return null;
        }
        return new Neighbors(java.util.Arrays.copyOf(keptIds, kept), java.util.Arrays.copyOf(keptScores, kept));
    }
}
