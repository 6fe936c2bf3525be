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
 * train: ALS on the split's train part, with the configured parameters or the search's choice:
 * by partrec's own trainer in this process, or, with a {@link FitEngine} ({@code engine: spark}),
 * by the engine's job on the same pairs, its artifact checked and taken in ({@link EngineFit}).
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

    private final FitEngine engine;
    private final org.partrec.extract.TransformRules rules;
    private final AlsParams configured;
    private final TrainingPipeline.Tuning tuning;
    private final int k;
    private volatile AlsParams tuned;
    private volatile Instant tunedAt;

    /**
     * @param tuning when and how to search, or null to use {@code configured}
     * @param k      list length of the search's validation metric
     * @param engine where the fit runs, or null for partrec's own trainer
     * @param rules  the transform's rules, which the engine's input is written with
     */
    TrainStep(AlsParams configured, TrainingPipeline.Tuning tuning, int k, FitEngine engine,
              org.partrec.extract.TransformRules rules) {
        this.engine = engine;
        this.rules = rules;
        this.configured = configured;
        this.tuning = tuning;
        this.k = k;
    }

    /**
     * @param window the run's window (the engine's input is written from it), or null without an engine
     * @param watch  hears the engine's progress, or null without an engine
     */
    Trained run(String runId, HoldoutSplit.Split split, AlsTrainer trainer, Instant now,
                org.partrec.extract.Window window, FitEngine.Watch watch) {
        Map<String, Object> choice = new LinkedHashMap<>();
        AlsParams params = chooseParameters(split, trainer, now, choice);
        CsrMatrix splitItems = split.train().userItems();
        if (engine != null) {
            choice.put("engine", engine.name());
            long t0 = System.nanoTime();
            AlsModel model = EngineFit.fit(engine, new FitEngine.Request(runId, "fit",
                    org.partrec.extract.FitInput.Part.SPLIT_TRAIN, window, rules, params), watch,
                    split.train().users(), split.train().items(), splitItems);
            return new Trained(params, splitItems, model, (System.nanoTime() - t0) / 1e9, trainer.kernels(), choice);
        }
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
