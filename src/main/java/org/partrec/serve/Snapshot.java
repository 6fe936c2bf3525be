package org.partrec.serve;

import java.time.Instant;
import java.util.Map;
import org.partrec.evaluate.PopularityRecommender;
import org.partrec.features.CsrMatrix;
import org.partrec.features.Parallel;
import org.partrec.features.IdMap;
import org.partrec.features.Weighting;
import org.partrec.index.IndexSpec;
import org.partrec.index.Similarity;
import org.partrec.index.VectorIndex;
import org.partrec.publish.ModelArtifact;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;

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
    private final float foldInConfidence;
    /** Per user, the model's best items with purchases excluded and no filter; null when not kept. */
    private final int[][] topIds;
    private final float[][] topScores;
    /** Length of the users' lists ranked ahead, and of the items' (0: none). */
    private final int userLength;
    private final int itemLength;
    /** Per item, its most similar items (itself excluded, no filter); null when not kept. */
    private final int[][] similarIds;
    private final float[][] similarScores;

    private Snapshot(String version, Instant createdAt, Map<String, Double> metrics, IdMap users, IdMap items,
                     AlsModel model, VectorIndex recommendIndex, VectorIndex similarIndex, PopularityRecommender popular,
                     CsrMatrix purchased, ItemCatalog catalog, float[][] gram, float foldInConfidence, int[][] topIds,
                     float[][] topScores, int userLength, int[][] similarIds, float[][] similarScores,
                     int itemLength) {
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
        this.foldInConfidence = foldInConfidence;
        this.topIds = topIds;
        this.topScores = topScores;
        this.userLength = userLength;
        this.itemLength = itemLength;
        this.similarIds = similarIds;
        this.similarScores = similarScores;
    }

    /**
     * The serving snapshot of a stored model, built as the pipeline builds it at promotion, nothing
     * ranked ahead yet (see {@link #unranked} and {@link #rankAhead}).
     */
    public static Snapshot from(ModelArtifact a, IndexSpec index, int threads) {
        return unranked(a.version(), a.createdAt(), a.metrics(), a.users(), a.items(), a.model(), a.params(),
                a.interactions(), a.purchased(), new ItemCatalog(a.items(), a.catalog()), index, threads);
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
                index, threads).rankAhead(rankAhead, threads);
    }

    /**
     * Builds a model snapshot that ranks every request when it comes; indexes are built here,
     * before the snapshot exists. It can serve at once, while {@link #rankAhead} ranks the lists.
     */
    public static Snapshot unranked(String version, Instant createdAt, Map<String, Double> metrics, IdMap users,
                                    IdMap items, AlsModel model, AlsParams params, CsrMatrix interactions,
                                    CsrMatrix purchased, ItemCatalog catalog, IndexSpec index, int threads) {
        int k = model.factors();
        VectorIndex recommend = index.build(model.itemFactors(), k, Similarity.DOT, threads);
        VectorIndex similar = index.build(model.itemFactors(), k, Similarity.COSINE, threads);
        // a basket item counts as one event: c = 1 + alpha * w'(1); for bm25, whose w' depends on
        // the user's and the item's totals, one event is taken as w' = 1 (an approximation)
        float w = params.weighting() == Weighting.LOG1P ? (float) Math.log(2) : 1f;
        return new Snapshot(version, createdAt, metrics, users, items, model, recommend, similar,
                PopularityRecommender.fit(interactions, items), purchased, catalog,
                model.itemGram(params.regularization()), (float) (1 + params.alpha() * w), null, null, 0, null, null, 0);
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
        int userLength = rankAhead.length(model.users(), model.items());
        int itemLength = rankAhead.length(model.items(), model.items() - 1);
        int[][] topIds = null;
        float[][] topScores = null;
        int[][] similarIds = null;
        float[][] similarScores = null;
        if (userLength > 0) {
            int[][] ids = topIds = new int[model.users()][];
            float[][] scores = topScores = new float[model.users()][];
            rankInChunks(recommendIndex, model.userFactors(), userLength, threads, u -> purchasedBy(purchased, u),
                    ids, scores);
        }
        if (itemLength > 0) {
            int[][] ids = similarIds = new int[model.items()][];
            float[][] scores = similarScores = new float[model.items()][];
            rankInChunks(similarIndex, model.itemFactors(), itemLength, threads, i -> new int[] {i}, ids, scores);
        }
        if (rankAhead.items() > 0 && (userLength < rankAhead.items() || itemLength < rankAhead.items())) {
            LOG.log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT,
                    "model %s: %d of %d recommendations per user and %d of %d similar items per item ranked ahead"
                            + " (%,d users, %,d items, at most %,d MB for each)", version, userLength,
                    rankAhead.items(), itemLength, rankAhead.items(), model.users(), model.items(),
                    rankAhead.maxBytes() / (1 << 20)));
        }
        if (topIds == null && similarIds == null) {
            return this;
        }
        return new Snapshot(version, createdAt, metrics, users, items, model, recommendIndex, similarIndex, popular,
                purchased, catalog, gram, foldInConfidence, topIds, topScores, userLength, similarIds, similarScores,
                itemLength);
    }

    /** Ranks every row of {@code queries} against {@code index}, chunks of them together, in parallel. */
    private static void rankInChunks(VectorIndex index, float[][] queries, int k, int threads,
                                     java.util.function.IntFunction<int[]> excluded, int[][] ids, float[][] scores) {
        int chunk = 256;
        Parallel.forEach(threads, (queries.length + chunk - 1) / chunk, c -> {
            int from = c * chunk;
            int count = Math.min(chunk, queries.length - from);
            float[][] q = java.util.Arrays.copyOfRange(queries, from, from + count);
            int[][] out = new int[count][];
            for (int j = 0; j < count; j++) {
                out[j] = excluded.apply(from + j);
            }
            org.partrec.index.Neighbors[] top = index.search(q, k, out);
            for (int j = 0; j < count; j++) {
                ids[from + j] = top[j].ids();
                scores[from + j] = top[j].scores();
            }
        });
    }

    /** A snapshot that serves the popularity list only, while no model has passed evaluation. */
    public static Snapshot popularOnly(String version, Instant createdAt, IdMap users, IdMap items,
                                       CsrMatrix interactions, CsrMatrix purchased, ItemCatalog catalog) {
        return new Snapshot(version, createdAt, Map.of(), users, items, null, null, null,
                PopularityRecommender.fit(interactions, items), purchased, catalog, null, 0f, null, null, 0, null, null, 0);
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

    /** Whether lists are ranked ahead here (see {@link #rankAhead}). */
    public boolean isRankedAhead() {
        return topIds != null || similarIds != null;
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

    float foldInConfidence() {
        return foldInConfidence;
    }

    /** The item's stored neighbours when they cover the first {@code count} positions, else null. */
    org.partrec.index.Neighbors similarAhead(int item, int count) {
        if (similarIds == null || item >= similarIds.length) {
            return null;
        }
        int[] ids = similarIds[item];
        return ids.length >= count || ids.length < itemLength
                ? new org.partrec.index.Neighbors(ids, similarScores[item]) : null;
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
     * The stored ranking of {@code user} (purchases excluded, no filter) when it covers the first
     * {@code count} positions, else null: a list shorter than asked for still covers them when it
     * holds every rankable item.
     */
    org.partrec.index.Neighbors rankedAhead(int user, int count) {
        if (topIds == null || user >= topIds.length) {
            return null;
        }
        int[] ids = topIds[user];
        boolean complete = ids.length >= count || ids.length < userLength;
        return complete ? new org.partrec.index.Neighbors(ids, topScores[user]) : null;
    }
}
