package org.partrec.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.partrec.evaluate.OfflineEvaluation;

/**
 * What a freshly trained model must reach on the holdout before it may serve.
 *
 * @param minNdcg              minimum ndcg@10
 * @param minPrecision         minimum precision@10
 * @param minHnswRecall        minimum overlap of HNSW top-10 with exact top-10
 * @param maxDrop              largest allowed relative drop of ndcg@10 against the serving model's
 * @param minMarginOverPopular ndcg@10 must exceed the popularity baseline's by this factor minus one
 *                             (0.1 = at least 10% better)
 */
public record GateThresholds(double minNdcg, double minPrecision, double minHnswRecall, double maxDrop,
                             double minMarginOverPopular) {

    /** The reasons a model fails, empty when it passes. */
    public List<String> failures(OfflineEvaluation.Report report, Double servingNdcg) {
        List<String> out = new ArrayList<>();
        double ndcg = report.model().ndcg();
        if (ndcg < minNdcg) {
            out.add(String.format(Locale.ROOT, "ndcg@10 %.4f below the minimum %.4f", ndcg, minNdcg));
        }
        if (report.model().precision() < minPrecision) {
            out.add(String.format(Locale.ROOT, "precision@10 %.4f below the minimum %.4f", report.model().precision(),
                    minPrecision));
        }
        if (!Double.isNaN(report.hnswRecall()) && report.hnswRecall() < minHnswRecall) {
            out.add(String.format(Locale.ROOT, "hnsw_recall@10 %.4f below the minimum %.4f", report.hnswRecall(),
                    minHnswRecall));
        }
        double popular = report.popular().ndcg();
        if (ndcg < popular * (1 + minMarginOverPopular)) {
            out.add(String.format(Locale.ROOT, "ndcg@10 %.4f not %.0f%% above the popularity baseline's %.4f", ndcg,
                    100 * minMarginOverPopular, popular));
        }
        if (servingNdcg != null && ndcg < servingNdcg * (1 - maxDrop)) {
            out.add(String.format(Locale.ROOT, "ndcg@10 %.4f dropped more than %.0f%% from the serving model's %.4f",
                    ndcg, 100 * maxDrop, servingNdcg));
        }
        return out;
    }
}
