package org.partrec.pipeline;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.partrec.evaluate.HoldoutSplit;
import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.Kernels;
import org.partrec.train.ProgressLog;
import org.partrec.tune.ParameterSearch;

/**
 * train: ALS on the split's train part, with the configured parameters or the search's choice.
 * The search runs in the first run and again when its choice is older than
 * {@link TrainingPipeline.Tuning#every()}; runs in between reuse the choice, which this step keeps.
 */
final class TrainStep {

    /**
     * @param params     the parameters the model was fitted with
     * @param splitItems users x items of the split's train part (what the evaluation masks)
     * @param model      the model fitted on the split's train part
     * @param seconds    wall time of the fit
     * @param choice     where the parameters came from: {@code parameters} ("config", "tuned now",
     *                   "tuned at ..."), and for a search {@code candidates} and {@code validation_ndcg}
     */
    record Trained(AlsParams params, CsrMatrix splitItems, AlsModel model, double seconds, Kernels kernels,
                   Map<String, Object> choice) implements StepOutput {
        @Override
        public Map<String, Object> details() {
            Map<String, Object> out = new LinkedHashMap<>(choice);
            out.put("kernels", kernels.name().toLowerCase(Locale.ROOT));
            return out;
        }
    }

    private final AlsParams configured;
    private final TrainingPipeline.Tuning tuning;
    private final int k;
    private volatile AlsParams tuned;
    private volatile Instant tunedAt;

    /**
     * @param tuning when and how to search, or null to use {@code configured}
     * @param k      list length of the search's validation metric
     */
    TrainStep(AlsParams configured, TrainingPipeline.Tuning tuning, int k) {
        this.configured = configured;
        this.tuning = tuning;
        this.k = k;
    }

    Trained run(String runId, HoldoutSplit.Split split, AlsTrainer trainer, Instant now) {
        Map<String, Object> choice = new LinkedHashMap<>();
        AlsParams params = chooseParameters(split, trainer, now, choice);
        CsrMatrix splitItems = split.train().userItems();
        CsrMatrix cui = Confidence.of(splitItems, params.weighting(), params.alpha());
        long t0 = System.nanoTime();
        AlsModel model = trainer.fit(cui, cui.transpose(), params,
                AlsTrainer.initialModel(cui.rows(), cui.cols(), params.factors(), params.seed()),
                new ProgressLog("run " + runId, false));
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Trained(params, splitItems, model, seconds, trainer.kernels(), choice);
    }

    /**
     * The configured parameters, or the search's choice: searched on the split's train part only
     * (the search carves its own validation set from it), so the holdout stays unseen.
     */
    private AlsParams chooseParameters(HoldoutSplit.Split split, AlsTrainer trainer, Instant now,
                                       Map<String, Object> choice) {
        if (tuning == null) {
            choice.put("parameters", "config");
            return configured;
        }
        if (tuned == null || tunedAt.plus(tuning.every()).isBefore(now)) {
            // no popularity prior: the snapshot serves the factors as they are
            ParameterSearch.Outcome outcome = new ParameterSearch(configured, k, tuning.budgetSeconds(), trainer,
                    false).search(split.train());
            tuned = outcome.best().params();
            tunedAt = now;
            choice.put("parameters", "tuned now");
            choice.put("candidates", outcome.tried().size());
            choice.put("validation_ndcg", outcome.best().validationNdcg());
        } else {
            choice.put("parameters", "tuned at " + tunedAt);
        }
        return tuned;
    }
}
