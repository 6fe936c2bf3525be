package org.partrec.evaluate;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.features.Interactions;
import org.partrec.index.ExactIndex;
import org.partrec.index.IndexSpec;
import org.partrec.index.Neighbors;
import org.partrec.index.Similarity;
import org.partrec.index.VectorIndex;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.Kernels;
import org.partrec.train.TrainingListener;

/**
 * One fit scored on held-out data by the shared protocol: ALS through an exact scan (the
 * metrics), the same ALS through HNSW (its recall against the exact lists) and the popularity
 * baseline on the same split. What {@code partrec evaluate} prints and what tuning and the
 * service's evaluation gate build on.
 */
public final class OfflineEvaluation {

    private static final Logger LOG = System.getLogger(OfflineEvaluation.class.getName());

    private OfflineEvaluation() {
    }

    /**
     * Everything measured.
     *
     * @param trainSeconds     wall time of the fit alone
     * @param recommendSeconds wall time of exact top-k for every test user
     * @param hnswRecall       mean overlap of the serving index's top-k with exact top-k (NaN: not measured)
     * @param similarRecall    the same for the items most similar to sampled items, by cosine; NaN when
     *                         not measured, as for an index whose cosine search is the exact scan
     */
    public record Report(AlsParams params, Kernels kernels, double beta, int users, int items, int trainNnz,
                         double trainSeconds,
                         double recommendSeconds, Metrics model, Metrics popular, double hnswRecall,
                         double hnswBuildSeconds, double similarRecall, AlsModel fitted) {

        /**
         * The metrics by name at the report's k ({@code ndcg@10}, {@code precision@10},
         * {@code recall@10}, {@code map@10}, {@code coverage@10}, {@code popular_ndcg@10},
         * {@code hnsw_recall@10} and {@code similar_recall@10} when measured, then {@code train_s}),
         * as run records, model
         * artifacts and the service's gauges key them.
         */
        public Map<String, Double> byName() {
            int k = model.k();
            Map<String, Double> m = new LinkedHashMap<>();
            m.put(Metrics.key("ndcg", k), model.ndcg());
            m.put(Metrics.key("precision", k), model.precision());
            m.put(Metrics.key("recall", k), model.recall());
            m.put(Metrics.key("map", k), model.map());
            m.put(Metrics.key("coverage", k), model.coverage());
            m.put(Metrics.key("popular_ndcg", k), popular.ndcg());
            if (!Double.isNaN(hnswRecall)) {
                m.put(Metrics.key("hnsw_recall", k), hnswRecall);
            }
            if (!Double.isNaN(similarRecall)) {
                m.put(Metrics.key("similar_recall", k), similarRecall);
            }
            m.put("train_s", trainSeconds);
            return m;
        }
    }

    /**
     * Fits on {@code train} and scores on {@code test}.
     *
     * @param test  rows over id maps that extend {@code train}'s
     * @param beta  weight of the popularity prior (0: pure ALS)
     * @param index the serving index whose recall against the exact scan is measured, or null
     *              (or the exact scan itself) to skip that measurement
     */
    public static Report run(Interactions train, Interactions test, AlsParams params, double beta, int k,
                             IndexSpec index, AlsTrainer trainer, TrainingListener listener) {
        return run(train, train.userItems(), test, params, beta, k, index, trainer, listener);
    }

    /**
     * {@link #run(Interactions, Interactions, AlsParams, double, int, IndexSpec, AlsTrainer,
     * TrainingListener)} fitted on {@code fit} instead of {@code train}'s own weights (such as
     * train with returns taken off, {@link org.partrec.features.Returns}); what is excluded from
     * each user's list and the popularity baseline stay {@code train}'s.
     *
     * @param fit users x items of {@code train}'s shape
     */
    public static Report run(Interactions train, CsrMatrix fit, Interactions test, AlsParams params, double beta,
                             int k, IndexSpec index, AlsTrainer trainer, TrainingListener listener) {
        CsrMatrix userItems = train.userItems();
        CsrMatrix cui = Confidence.of(fit, params.weighting(), params.alpha());
        AlsModel start = AlsTrainer.initialModel(cui.rows(), cui.cols(), params.factors(), params.seed());
        CsrMatrix ciu = cui.transpose();
        long t0 = System.nanoTime();
        AlsModel model = trainer.fit(cui, ciu, params, start, listener);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        return score(train, userItems, test, model, params, beta, k, 0, index, trainSeconds, trainer.kernels());
    }

    /**
     * Scores an already fitted model (for example one refined from a warm start).
     *
     * @param maxUsers score a seeded sample of at most this many test users (0: all)
     */
    public static Report score(Interactions train, CsrMatrix userItems, Interactions test, AlsModel model,
                               AlsParams params, double beta, int k, int maxUsers, IndexSpec index,
                               double trainSeconds, Kernels kernels) {
        Evaluator evaluator = new Evaluator(userItems, test, k, params.threads(), maxUsers, params.seed());
        PopularityRecommender popular = PopularityRecommender.fit(userItems, train.items());
        PopularityPrior prior = PopularityPrior.of(beta, popular.counts());
        Evaluator.Result exact = evaluator.evaluate(AlsRecommender.exact(model, prior));
        Evaluator.Result baseline = evaluator.evaluate(popular);
        double recall = Double.NaN;
        double buildSeconds = Double.NaN;
        double similarRecall = Double.NaN;
        if (index != null && index.kind() != IndexSpec.Kind.EXACT) {
            long t0 = System.nanoTime();
            AlsRecommender approximate = AlsRecommender.indexed(model, prior, index, params.threads());
            buildSeconds = (System.nanoTime() - t0) / 1e9;
            recall = Evaluator.overlap(evaluator.evaluate(approximate).lists(), exact.lists());
            if (index.approximate()) { // otherwise the cosine index is the exact scan itself: nothing to measure
                similarRecall = similarRecall(model, index, k, params.threads(), params.seed());
            }
        }
        LOG.log(Level.INFO, String.format(Locale.ROOT,
                "evaluated %d users: ndcg@%d %.4f (popular %.4f), precision@%d %.4f, index recall %.4f",
                exact.metrics().users(), k, exact.metrics().ndcg(), baseline.metrics().ndcg(), k,
                exact.metrics().precision(), recall));
        return new Report(params, kernels, beta, userItems.rows(), userItems.cols(), userItems.nnz(), trainSeconds,
                exact.recommendSeconds(), exact.metrics(), baseline.metrics(), recall, buildSeconds, similarRecall,
                model);
    }

    /** Items whose similar lists {@link #similarRecall} checks. */
    static final int SIMILAR_SAMPLE = 500;

    /**
     * The mean overlap of the {@code k} items most similar (cosine) to each of a seeded sample of
     * items, as {@code index} ranks them (the similar lists a promotion stores), with the exact
     * scan's.
     */
    static double similarRecall(AlsModel model, IndexSpec index, int k, int threads, long seed) {
        float[][] items = model.itemFactors();
        int[] sample = new java.util.SplittableRandom(seed).ints(0, items.length).distinct()
                .limit(Math.min(SIMILAR_SAMPLE, items.length)).toArray();
        float[][] queries = new float[sample.length][];
        int[][] self = new int[sample.length][];
        for (int j = 0; j < sample.length; j++) {
            queries[j] = items[sample[j]];
            self[j] = new int[] {sample[j]};
        }
        VectorIndex served = index.build(items, model.factors(), Similarity.COSINE, threads);
        VectorIndex exact = new ExactIndex(items, model.factors(), Similarity.COSINE);
        return Evaluator.overlap(ids(served.search(queries, k, self)), ids(exact.search(queries, k, self)));
    }

    private static int[][] ids(Neighbors[] lists) {
        int[][] out = new int[lists.length][];
        for (int j = 0; j < lists.length; j++) {
            out[j] = lists[j].ids();
        }
        return out;
    }
}
