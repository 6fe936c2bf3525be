package org.partrec.tune;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.partrec.evaluate.AlsRecommender;
import org.partrec.evaluate.Evaluator;
import org.partrec.evaluate.HoldoutSplit;
import org.partrec.evaluate.PopularityPrior;
import org.partrec.evaluate.PopularityRecommender;
import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.features.Interactions;
import org.partrec.features.Weighting;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.TrainingListener;

/**
 * Chooses ALS parameters (regularisation, confidence scale, weight transform, rank) and the
 * weight of a popularity prior on a validation split carved from the training data, within a
 * time budget. It sees only the training rows: the split is the benchmark protocol's (each user's
 * most recent 20% become validation), and candidates are ranked by validation ndcg@k.
 *
 * <p>The search is coordinate-wise: regularisation first (it matters most on sparse basket data),
 * then alpha, the weighting, regularisation again around the best value, then larger ranks while
 * they help, then rounds of small steps in regularisation and alpha while a round improves. Fits
 * that differ from an earlier one only in regularisation start from that fit's factors and run a
 * third of the iterations (a warm start); confidence matrices are built once per (weighting,
 * alpha). Finally the prior's weight is swept on the best model, from 0 (pure ALS) to a weight at
 * which popularity decides, so the chosen model is never worse than the popularity baseline on
 * validation. The same search serves the CLI's {@code tune} and the service's scheduled
 * re-tuning.
 */
public final class ParameterSearch {

    private static final Logger LOG = System.getLogger(ParameterSearch.class.getName());

    static final double[] REGULARIZATION = {0.05, 0.5, 2, 5, 10, 20, 50, 100};
    static final double[] ALPHA = {0.25, 0.5, 2, 4, 8, 16};
    static final double[] REFINE = {0.5, 0.7, 1.4, 2};
    /**
     * Ranks tried upwards from the start. Capped at 256: on the shared data 512 adds about 0.001
     * validation ndcg@10 for four times the training time and memory of a served model.
     */
    static final int[] FACTORS = {96, 128, 192, 256};
    static final double[] BETA = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 1e6};

    /** One fitted and scored configuration. */
    public record Candidate(AlsParams params, double beta, double validationNdcg, double seconds) {
    }

    /**
     * @param best              the chosen parameters and prior weight
     * @param tried             every candidate scored, in order
     * @param popularNdcg       the popularity baseline's validation ndcg@k
     * @param seconds           wall time of the search
     * @param exhaustedBudget   whether the budget cut the search short
     */
    public record Outcome(Candidate best, List<Candidate> tried, double popularNdcg, double seconds,
                          boolean exhaustedBudget) {
    }

    private final AlsParams base;
    private final int k;
    private final double budgetSeconds;
    private final AlsTrainer trainer;
    private final boolean prior;

    /**
     * @param base          parameters not searched (iterations, solver, threads, seed) and the start point
     * @param k             list length of the validation ndcg
     * @param budgetSeconds wall-time budget of the search; candidates that would start past it are skipped
     */
    public ParameterSearch(AlsParams base, int k, double budgetSeconds, AlsTrainer trainer) {
        this(base, k, budgetSeconds, trainer, true);
    }

    /**
     * @param prior whether to sweep the popularity prior's weight; without it the choice is pure
     *              ALS (beta 0), for callers that serve the factors as they are
     */
    public ParameterSearch(AlsParams base, int k, double budgetSeconds, AlsTrainer trainer, boolean prior) {
        this.prior = prior;
        if (!(budgetSeconds > 0)) {
            throw new IllegalArgumentException("budget must be > 0 seconds, got " + budgetSeconds);
        }
        this.base = base;
        this.k = k;
        this.budgetSeconds = budgetSeconds;
        this.trainer = trainer;
    }

    /** Searches on {@code train} alone. */
    public Outcome search(Interactions train) {
        return new Run(train).search();
    }

    /** The state of one search. */
    private final class Run {
        final long start = System.nanoTime();
        final HoldoutSplit.Split split;
        final CsrMatrix userItems;
        final Evaluator evaluator;
        final float[] popularity;
        final Map<String, CsrMatrix[]> confidences = new HashMap<>();
        final Map<String, AlsModel> models = new HashMap<>();
        final List<Candidate> tried = new ArrayList<>();
        Candidate best;
        double slowestFit;
        boolean exhausted;

        Run(Interactions train) {
            split = HoldoutSplit.split(train, base.seed());
            userItems = split.train().userItems();
            evaluator = new Evaluator(userItems, split.holdout(), k, base.threads());
            popularity = PopularityRecommender.fit(userItems, split.train().items()).counts();
        }

        Outcome search() {
            double popular = evaluator.evaluate(PopularityRecommender.fit(userItems, split.train().items()))
                    .metrics().ndcg();
            LOG.log(Level.INFO, String.format(Locale.ROOT,
                    "tune: %d train rows, %d validation rows, %d validation users; popular ndcg@%d %.4f",
                    split.train().size(), split.holdout().size(), evaluator.testUsers().length, k, popular));
            try {
                fit(base, null);
                for (double reg : REGULARIZATION) {
                    fit(best.params().withRegularization(reg), best.params());
                }
                AlsParams anchor = best.params();
                for (double alpha : ALPHA) {
                    fit(anchor.withAlpha(alpha * base.alpha()), null);
                }
                anchor = best.params();
                for (Weighting w : Weighting.values()) {
                    fit(anchor.withWeighting(w), null);
                }
                anchor = best.params();
                for (double f : REFINE) {
                    fit(anchor.withRegularization(round4(anchor.regularization() * f)), anchor);
                }
                // larger ranks while they keep helping
                for (int factors : FACTORS) {
                    int before = best.params().factors();
                    if (factors <= before) {
                        continue;
                    }
                    fit(best.params().withFactors(factors), null);
                    if (best.params().factors() == before) {
                        break;
                    }
                }
                // refine regularisation and alpha while a round still improves and time remains
                for (int round = 0; round < 6; round++) {
                    Candidate roundStart = best;
                    anchor = best.params();
                    fit(anchor.withRegularization(round4(anchor.regularization() * 1.2)), anchor);
                    fit(anchor.withRegularization(round4(anchor.regularization() / 1.2)), anchor);
                    fit(anchor.withAlpha(round4(anchor.alpha() * 1.5)), null);
                    fit(anchor.withAlpha(round4(anchor.alpha() / 1.5)), null);
                    if (best == roundStart) {
                        break;
                    }
                }
            } catch (BudgetExhausted e) {
                exhausted = true;
            }
            if (prior) {
                sweepPrior();
            }
            double seconds = elapsed();
            LOG.log(Level.INFO, String.format(Locale.ROOT, "tune: %d candidates in %.1f s%s; best %s beta %s ndcg@%d %.4f",
                    tried.size(), seconds, exhausted ? " (budget reached)" : "", describe(best.params()), best.beta(), k,
                    best.validationNdcg()));
            return new Outcome(best, List.copyOf(tried), popular, seconds, exhausted);
        }

        /** Fits and scores {@code params}, warm-starting from {@code warm}'s model when given. */
        void fit(AlsParams params, AlsParams warm) {
            String key = describe(params);
            if (models.containsKey(key)) {
                return;
            }
            if (best != null && elapsed() + 1.5 * slowestFit > budgetSeconds) { // the start point always runs
                throw new BudgetExhausted();
            }
            long t0 = System.nanoTime();
            CsrMatrix[] c = confidences.computeIfAbsent(params.weighting().label() + "/" + params.alpha(), x -> {
                CsrMatrix cui = Confidence.of(userItems, params.weighting(), params.alpha());
                return new CsrMatrix[] {cui, cui.transpose()};
            });
            AlsModel start = warm == null ? null : models.get(describe(warm));
            AlsModel model;
            if (start != null && start.factors() == params.factors()) {
                AlsParams shorter = params.withIterations(Math.max(3, params.iterations() / 3));
                model = trainer.fit(c[0], c[1], shorter, start, TrainingListener.NONE);
            } else {
                model = trainer.fit(c[0], c[1], params,
                        AlsTrainer.initialModel(c[0].rows(), c[0].cols(), params.factors(), params.seed()),
                        TrainingListener.NONE);
            }
            models.put(key, model);
            double ndcg = evaluator.evaluate(AlsRecommender.exact(model, PopularityPrior.NONE)).metrics().ndcg();
            double seconds = (System.nanoTime() - t0) / 1e9;
            slowestFit = Math.max(slowestFit, seconds);
            Candidate candidate = new Candidate(params, 0, ndcg, seconds);
            tried.add(candidate);
            if (best == null || ndcg > best.validationNdcg()) {
                best = candidate;
            }
            LOG.log(Level.INFO, String.format(Locale.ROOT, "tune: %-48s ndcg@%d %.4f  (%.1f s, best %.4f)",
                    key, k, ndcg, seconds, best.validationNdcg()));
        }

        /** Scores the best model with a range of prior weights; cheap, no refits. */
        void sweepPrior() {
            AlsModel model = models.get(describe(best.params()));
            Candidate pure = best;
            for (double beta : BETA) {
                if (elapsed() > budgetSeconds && beta != BETA[BETA.length - 1]) {
                    continue; // past the budget, still make sure popularity is considered
                }
                PopularityPrior prior = PopularityPrior.of(beta, popularity);
                double ndcg = evaluator.evaluate(AlsRecommender.exact(model, prior)).metrics().ndcg();
                Candidate c = new Candidate(pure.params(), beta, ndcg, 0);
                tried.add(c);
                if (ndcg > best.validationNdcg()) {
                    best = c;
                }
                LOG.log(Level.INFO, String.format(Locale.ROOT, "tune: prior beta %-8s ndcg@%d %.4f", beta, k, ndcg));
            }
        }

        double elapsed() {
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /** {@code v} to four significant digits, so that a value reached twice is one candidate. */
    static double round4(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).doubleValue();
    }

    static String describe(AlsParams p) {
        return String.format(Locale.ROOT, "factors=%d reg=%s alpha=%s weighting=%s", p.factors(),
                p.regularization(), p.alpha(), p.weighting().label());
    }

    /** Thrown to stop the coordinate search when the next fit would overrun the budget. */
    private static final class BudgetExhausted extends RuntimeException {
        BudgetExhausted() {
            super(null, null, false, false);
        }
    }
}
