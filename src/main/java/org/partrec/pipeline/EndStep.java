package org.partrec.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.partrec.evaluate.Metrics;
import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.index.IndexSpec;
import org.partrec.publish.ModelArtifact;
import org.partrec.publish.ModelStore;
import org.partrec.serve.Experiment;
import org.partrec.serve.RankAhead;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.ProgressLog;

/**
 * end: a rejected model leaves the serving model alone. One that passed is refit on all
 * extracted interactions, warm-started from itself with a third of the iterations, built into a
 * snapshot, saved to the model store and published; then its lists ranked ahead take its place
 * (the same answers, cheaper), so ranking ahead never delays the promotion.
 *
 * <p>During an experiment ({@code partrec.experiment}), a model that passed goes under test
 * instead: saved as the store's challenger and served beside the champion to the experiment's
 * share of customers, until the experiment is ended (promoted or stopped). With no champion yet,
 * there is nothing to test against, and it is promoted.
 */
final class EndStep {

    private static final Logger LOG = System.getLogger(EndStep.class.getName());

    /**
     * @param reasons      why the gate rejected the model (empty when promoted)
     * @param modelVersion the version now serving, or null
     * @param artifact     where the model store keeps it, or null
     */
    record Ended(RunRecord.Status status, List<String> reasons, String modelVersion, String artifact,
                 Map<String, Object> details) implements StepOutput {
    }

    /** Stops the run (by throwing) when the service is shutting down; {@code what} is what would come next. */
    interface Boundary {
        void check(String what);
    }

    private final ServingModel serving;
    private final ModelStore store;
    private final IndexSpec index;
    private final RankAhead rankAhead;
    private final Clock clock;
    private final Experiment experiment;
    private final org.partrec.serve.CoPurchases.Settings pairs;
    private final FitEngine engine;
    private final org.partrec.extract.TransformRules rules;

    /**
     * @param store      where promoted models are saved first, or null for nowhere
     * @param experiment the experiment a passing model goes under test in, or null
     * @param engine     where the refit runs, or null for partrec's own trainer
     * @param rules      the transform's rules, which the engine's input is written with
     */
    EndStep(ServingModel serving, ModelStore store, IndexSpec index, RankAhead rankAhead, Experiment experiment,
            Clock clock, org.partrec.serve.CoPurchases.Settings pairs, FitEngine engine,
            org.partrec.extract.TransformRules rules) {
        this.engine = engine;
        this.rules = rules;
        this.pairs = pairs;
        this.experiment = experiment;
        this.serving = serving;
        this.store = store;
        this.index = index;
        this.rankAhead = rankAhead;
        this.clock = clock;
    }

    /**
     * @param window the run's window (the engine's input is written from it), or null without an engine
     * @param watch  hears the engine's progress, or null without an engine
     */
    Ended run(String runId, TransformStep.Transformed data, TrainStep.Trained trained,
              EvaluateStep.Evaluated evaluated, AlsTrainer trainer, Boundary boundary,
              org.partrec.extract.Window window, FitEngine.Watch watch) {
        if (!evaluated.passed()) {
            LOG.log(Level.WARNING, "run " + runId + " rejected: " + evaluated.failures());
            return new Ended(RunRecord.Status.REJECTED, evaluated.failures(), null, null,
                    Map.of("outcome", "rejected"));
        }
        AlsParams params = trained.params();
        int iterations;
        AlsModel model;
        if (engine != null) {
            // the engine's job starts from its own seeded factors (the contract hands it no model to
            // start from): a second batch on every pair with all the iterations (README "engine: spark")
            boundary.check("the refit on " + engine.name());
            iterations = params.iterations();
            model = EngineFit.fit(engine, new FitEngine.Request(runId, "refit", org.partrec.extract.FitInput.Part.ALL,
                    window, rules, params), watch, data.users(), data.items(), data.all());
        } else {
            iterations = refitIterations(params);
            // the refit starts from the evaluated model: a third of the iterations reach 0.986 times the
            // ndcg of a refit from scratch on online-retail (CoreBenchmark), at a third of its cost
            CsrMatrix cuiAll = Confidence.of(data.all(), params.weighting(), params.alpha());
            model = trainer.fit(cuiAll, cuiAll.transpose(), params.withIterations(iterations), trained.model(),
                    new ProgressLog("run " + runId + " refit", false));
        }
        // the serving index: built here, before the swap; its similar lists are stored with the model
        long built = System.nanoTime();
        int[] purchasedAt = data.purchasedAt();
        Snapshot snapshot = Snapshot.unranked(runId, clock.instant(), evaluated.metrics(), data.users(),
                data.items(), model, params, data.all(), data.purchased(), data.catalog(), index, params.threads(),
                null, pairs, purchasedAt).rankSimilar(rankAhead, params.threads());
        double indexSeconds = (System.nanoTime() - built) / 1e9;
        boundary.check("saving and publishing the model");
        ModelArtifact stored = new ModelArtifact(runId, snapshot.createdAt(), params,
                evaluated.metrics(), counts(data.stats()), ModelArtifact.runningCodeVersion(), data.users(),
                data.items(), model, data.all(), data.purchased(), data.catalog().rows(data.items()),
                snapshot.similarLists(), purchasedAt);
        boolean champion = serving.current().map(Snapshot::hasModel).orElse(false);
        if (experiment != null && champion) {
            String artifact = store == null ? null : save(() -> store.saveChallenger(stored, experiment.id()));
            serving.challenge(experiment, snapshot);
            serving.upgradeChallenger(snapshot, snapshot.rankAhead(rankAhead, params.threads()));
            LOG.log(Level.INFO, String.format(Locale.ROOT, "run %s under test as the challenger of experiment %s"
                    + " (share %.3f): %s %.4f", runId, experiment.id(), experiment.share(),
                    Metrics.key("ndcg", evaluated.report().model().k()), evaluated.report().model().ndcg()));
            return new Ended(RunRecord.Status.CHALLENGER, List.of(), runId, artifact, Map.of("outcome", "challenger",
                    "experiment", experiment.id(), "share", experiment.share(), "refit_pairs", data.all().nnz(),
                    "refit_iterations", iterations, "index", index.toString(),
                    "index_build_s", Math.round(indexSeconds * 1000) / 1000.0));
        }
        String artifact = store == null ? null : save(() -> store.save(stored));
        serving.publish(snapshot);
        // it serves now, every request ranked when it comes; the lists ranked ahead follow
        serving.upgrade(snapshot, snapshot.rankAhead(rankAhead, params.threads()));
        int k = evaluated.report().model().k();
        LOG.log(Level.INFO, String.format(Locale.ROOT, "run %s promoted: %s %.4f (popular %.4f)", runId,
                Metrics.key("ndcg", k), evaluated.report().model().ndcg(), evaluated.report().popular().ndcg()));
        return new Ended(RunRecord.Status.PROMOTED, List.of(), runId, artifact, Map.of("outcome", "promoted",
                "refit_pairs", data.all().nnz(), "refit_iterations", iterations, "index", index.toString(),
                "index_build_s", Math.round(indexSeconds * 1000) / 1000.0));
    }

    /** Iterations of the warm-started refit on all interactions: a third of the fit's, at least one. */
    static int refitIterations(AlsParams params) {
        return Math.max(1, (params.iterations() + 2) / 3);
    }

    /** A write to the model store. */
    private interface Save {
        String save() throws IOException;
    }

    private static String save(Save save) {
        try {
            return save.save();
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the model to the store: " + e.getMessage(), e);
        }
    }

    private static Map<String, Long> counts(Map<String, Object> stats) {
        Map<String, Long> out = new LinkedHashMap<>();
        stats.forEach((name, v) -> out.put(name, ((Number) v).longValue()));
        return out;
    }
}
