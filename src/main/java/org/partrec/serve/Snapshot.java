package org.partrec.serve;

import java.time.Instant;
import java.util.Map;
import org.partrec.evaluate.PopularityRecommender;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.features.Weighting;
import org.partrec.index.ExactIndex;
import org.partrec.index.HnswIndex;
import org.partrec.index.HnswParams;
import org.partrec.index.Similarity;
import org.partrec.index.VectorIndex;
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

    private Snapshot(String version, Instant createdAt, Map<String, Double> metrics, IdMap users, IdMap items,
                     AlsModel model, VectorIndex recommendIndex, VectorIndex similarIndex, PopularityRecommender popular,
                     CsrMatrix purchased, ItemCatalog catalog, float[][] gram, float foldInConfidence) {
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
    }

    /**
     * Builds a model snapshot; indexes are built here, before the snapshot exists.
     *
     * @param interactions users x items, any positive weights: its pattern gives popularity
     * @param purchased    users x items the users bought (excluded unless asked for)
     * @param hnsw         graph parameters, or null to serve from exact scans
     */
    public static Snapshot withModel(String version, Instant createdAt, Map<String, Double> metrics, IdMap users,
                                     IdMap items, AlsModel model, AlsParams params, CsrMatrix interactions,
                                     CsrMatrix purchased, ItemCatalog catalog, HnswParams hnsw, int threads) {
        int k = model.factors();
        VectorIndex recommend = hnsw == null ? new ExactIndex(model.itemFactors(), k, Similarity.DOT)
                : HnswIndex.build(model.itemFactors(), k, Similarity.DOT, hnsw, threads);
        VectorIndex similar = hnsw == null ? new ExactIndex(model.itemFactors(), k, Similarity.COSINE)
                : HnswIndex.build(model.itemFactors(), k, Similarity.COSINE, hnsw, threads);
        // a basket item counts as one event: c = 1 + alpha * w'(1)
        float w = params.weighting() == Weighting.LOG1P ? (float) Math.log(2) : 1f;
        return new Snapshot(version, createdAt, metrics, users, items, model, recommend, similar,
                PopularityRecommender.fit(interactions, items), purchased, catalog,
                model.itemGram(params.regularization()), (float) (1 + params.alpha() * w));
    }

    /** A snapshot that serves the popularity list only, while no model has passed evaluation. */
    public static Snapshot popularOnly(String version, Instant createdAt, IdMap users, IdMap items,
                                       CsrMatrix interactions, CsrMatrix purchased, ItemCatalog catalog) {
        return new Snapshot(version, createdAt, Map.of(), users, items, null, null, null,
                PopularityRecommender.fit(interactions, items), purchased, catalog, null, 0f);
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

    /** The user's purchased items, sorted. */
    int[] purchasedBy(int user) {
        if (user >= purchased.rows()) {
            return new int[0];
        }
        return java.util.Arrays.copyOfRange(purchased.indices(), purchased.start(user), purchased.end(user));
    }
}
