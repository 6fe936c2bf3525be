package org.partrec.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.partrec.evaluate.Metrics;
import org.partrec.evaluate.OfflineEvaluation;

/**
 * What a freshly trained model must reach on the holdout before it may serve. The metrics are
 * those of the evaluation's list length k (10 by the protocol: ndcg@k, ...).
 *
 * @param minNdcg              minimum ndcg@k
 * @param minPrecision         minimum precision@k
 * @param minHnswRecall        minimum overlap of the serving index's top-k with exact top-k, for
 *                             recommendations and for similar items alike
 * @param maxDrop              largest allowed relative drop of ndcg@k against the serving model's
 * @param minMarginOverPopular ndcg@k must exceed the popularity baseline's by this factor minus one
 *                             (0.1 = at least 10% better)
 */
public record GateThresholds(double minNdcg, double minPrecision, double minHnswRecall, double maxDrop,
                             double minMarginOverPopular) {

    /** The reasons a model fails, empty when it passes. */
    public List<String> failures(OfflineEvaluation.Report report, Double servingNdcg) {
        List<String> out = new ArrayList<>();
        int k = report.model().k();
        String ndcgKey = Metrics.key("ndcg", k);
        double ndcg = report.model().ndcg();
        if (ndcg < minNdcg) {
            out.add(String.format(Locale.ROOT, "%s %.4f below the minimum %.4f", ndcgKey, ndcg, minNdcg));
        }
        if (report.model().precision() < minPrecision) {
            out.add(String.format(Locale.ROOT, "%s %.4f below the minimum %.4f", Metrics.key("precision", k),
                    report.model().precision(), minPrecision));
        }
        if (!Double.isNaN(report.hnswRecall()) && report.hnswRecall() < minHnswRecall) {
            out.add(String.format(Locale.ROOT, "%s %.4f below the minimum %.4f", Metrics.key("hnsw_recall", k),
                    report.hnswRecall(), minHnswRecall));
        }
        if (!Double.isNaN(report.similarRecall()) && report.similarRecall() < minHnswRecall) {
            out.add(String.format(Locale.ROOT, "%s %.4f below the minimum %.4f", Metrics.key("similar_recall", k),
                    report.similarRecall(), minHnswRecall));
        }
        double popular = report.popular().ndcg();
        if (ndcg < popular * (1 + minMarginOverPopular)) {
            out.add(String.format(Locale.ROOT, "%s %.4f not %.0f%% above the popularity baseline's %.4f", ndcgKey,
                    ndcg, 100 * minMarginOverPopular, popular));
        }
        if (servingNdcg != null && ndcg < servingNdcg * (1 - maxDrop)) {
            out.add(String.format(Locale.ROOT, "%s %.4f dropped more than %.0f%% from the serving model's %.4f",
                    ndcgKey, ndcg, 100 * maxDrop, servingNdcg));
        }
        return out;
    }
}
