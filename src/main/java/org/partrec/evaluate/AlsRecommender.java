package org.partrec.evaluate;

import org.partrec.index.ExactIndex;
import org.partrec.index.HnswIndex;
import org.partrec.index.IndexSpec;
import org.partrec.index.Neighbors;
import org.partrec.index.Similarity;
import org.partrec.index.VectorIndex;
import org.partrec.train.AlsModel;

/**
 * Ranks items by {@code x_u . y_i + beta * pop_i}: the ALS preference plus an optional
 * popularity prior. The prior is folded into the vectors as one extra coordinate
 * ({@code [x_u, 1] . [y_i, beta * pop_i]}), so exact and HNSW search rank by the same inner
 * product and no second scoring pass exists.
 */
public final class AlsRecommender implements Recommender {

    private final String name;
    private final int dims;
    private final float[][] userVectors;
    private final VectorIndex index;

    private AlsRecommender(String name, int dims, float[][] userVectors, VectorIndex index) {
        this.name = name;
        this.dims = dims;
        this.userVectors = userVectors;
        this.index = index;
    }

    /** Exact top-k by an inner-product scan over all items. */
    public static AlsRecommender exact(AlsModel model, PopularityPrior prior) {
        Vectors v = vectors(model, prior);
        return new AlsRecommender("als-exact", v.dims, v.users, new ExactIndex(v.items, v.dims, Similarity.DOT));
    }

    /** Top-k through the index {@code spec} names over the item vectors (as serving ranks). */
    public static AlsRecommender indexed(AlsModel model, PopularityPrior prior, IndexSpec spec, int threads) {
        Vectors v = vectors(model, prior);
        return new AlsRecommender("als-" + spec.kind().label(), v.dims, v.users,
                spec.build(v.items, v.dims, Similarity.DOT, threads));
    }

    private record Vectors(int dims, float[][] users, float[][] items) {
    }

    private static Vectors vectors(AlsModel model, PopularityPrior prior) {
        if (prior == null || prior.beta() == 0) {
            return new Vectors(model.factors(), model.userFactors(), model.itemFactors());
        }
        int k = model.factors();
        float[][] users = new float[model.users()][];
        for (int u = 0; u < users.length; u++) {
            users[u] = java.util.Arrays.copyOf(model.userFactors()[u], k + 1);
            users[u][k] = 1f;
        }
        float[][] items = new float[model.items()][];
        for (int i = 0; i < items.length; i++) {
            items[i] = java.util.Arrays.copyOf(model.itemFactors()[i], k + 1);
            items[i][k] = (float) prior.beta() * prior.popularity()[i];
        }
        return new Vectors(k + 1, users, items);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int users() {
        return userVectors.length;
    }

    @Override
    public int items() {
        return index.size();
    }

    public VectorIndex index() {
        return index;
    }

    @Override
    public Neighbors[] recommend(int[] users, int k, int[][] excluded) {
        float[][] queries = new float[users.length][];
        for (int j = 0; j < users.length; j++) {
            Recommender.checkArguments(this, users[j], k);
            queries[j] = userVectors[users[j]];
        }
        return index.search(queries, k, excluded);
    }

    @Override
    public Neighbors recommend(int user, int k, int[] excluded) {
        Recommender.checkArguments(this, user, k);
        return index.search(userVectors[user], k, excluded);
    }
}
