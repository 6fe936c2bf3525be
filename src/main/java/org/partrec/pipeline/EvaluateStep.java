package org.partrec.pipeline;

import java.util.List;
import java.util.Map;
import org.partrec.evaluate.HoldoutSplit;
import org.partrec.evaluate.OfflineEvaluation;
import org.partrec.index.IndexSpec;
import org.partrec.publish.GateThresholds;

/**
 * evaluate: the model fitted on the split scored on the holdout by the protocol (exact top-k,
 * HNSW recall when serving from HNSW, the popularity baseline), then judged by the gate against
 * its thresholds and the serving model's ndcg.
 */
final class EvaluateStep {

    /**
     * @param metrics  the report's metrics by name at k ({@link OfflineEvaluation.Report#byName()})
     * @param failures why the gate rejects the model; empty when it passes
     */
    record Evaluated(OfflineEvaluation.Report report, Map<String, Double> metrics, List<String> failures)
            implements StepOutput {

        boolean passed() {
            return failures.isEmpty();
        }

        @Override
        public Map<String, Object> details() {
            return Map.of("passed", passed());
        }
    }

    private final GateThresholds gate;
    private final IndexSpec index;
    private final int k;
    private final int users;

    /**
     * @param index the serving index, whose recall against the exact scan is measured
     * @param k     list length of the metrics
     * @param users holdout users scored, a seeded sample when there are more (0: all)
     */
    EvaluateStep(GateThresholds gate, IndexSpec index, int k, int users) {
        this.gate = gate;
        this.index = index;
        this.k = k;
        this.users = users;
    }

    /** @param servingNdcg the serving model's ndcg at k, or null when no trained model serves */
    Evaluated run(HoldoutSplit.Split split, TrainStep.Trained trained, Double servingNdcg) {
        OfflineEvaluation.Report report = OfflineEvaluation.score(split.train(), trained.splitItems(), split.holdout(),
                trained.model(), trained.params(), 0, k, users, index, trained.seconds(), trained.kernels());
        return new Evaluated(report, report.byName(), gate.failures(report, servingNdcg));
    }
}
