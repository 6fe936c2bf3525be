package org.partrec.evaluate;

import org.junit.jupiter.api.Nested;
import org.partrec.features.Confidence;
import org.partrec.features.Weighting;
import org.partrec.index.HnswParams;
import org.partrec.index.IndexSpec;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.Solver;
import org.partrec.train.TrainingListener;

/** The recommender contract for ALS, with each solver and each index. */
class AlsRecommenderContractTest {

    static AlsModel fit(Solver solver) {
        AlsParams params = AlsParams.defaults().withFactors(8).withRegularization(0.1).withThreads(2)
                .withSolver(solver).withWeighting(Weighting.NONE);
        try (AlsTrainer trainer = new AlsTrainer(2)) {
            return trainer.fit(Confidence.of(Checkerboard.userItems(), params.weighting(), params.alpha()), params,
                    TrainingListener.NONE);
        }
    }

    @Nested
    class ConjugateGradientExact extends RecommenderContract {
        @Override
        protected Recommender build() {
            return AlsRecommender.exact(fit(Solver.CG), PopularityPrior.NONE);
        }
    }

    @Nested
    class CholeskyExact extends RecommenderContract {
        @Override
        protected Recommender build() {
            return AlsRecommender.exact(fit(Solver.CHOLESKY), PopularityPrior.NONE);
        }
    }

    /** The graph is always searched here: the exact fallback for small catalogues is switched off. */
    @Nested
    class ConjugateGradientHnsw extends RecommenderContract {
        @Override
        protected Recommender build() {
            return AlsRecommender.indexed(fit(Solver.CG), PopularityPrior.NONE,
                    IndexSpec.hnsw(new HnswParams(8, 32, 32, Double.POSITIVE_INFINITY)), 1);
        }
    }

    @Nested
    class NormOrdered extends RecommenderContract {
        @Override
        protected Recommender build() {
            return AlsRecommender.indexed(fit(Solver.CHOLESKY), PopularityPrior.NONE, IndexSpec.NORM_ORDERED, 1);
        }
    }

    @Nested
    class WithPopularityPrior extends RecommenderContract {
        @Override
        protected Recommender build() {
            PopularityRecommender popular = PopularityRecommender.fit(Checkerboard.userItems(),
                    Checkerboard.interactions().items());
            return AlsRecommender.exact(fit(Solver.CG), PopularityPrior.of(0.01, popular.counts()));
        }
    }
}
