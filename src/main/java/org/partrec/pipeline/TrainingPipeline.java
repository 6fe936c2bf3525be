package org.partrec.pipeline;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.partrec.evaluate.HoldoutSplit;
import org.partrec.evaluate.OfflineEvaluation;
import org.partrec.extract.CatalogSource;
import org.partrec.extract.ItemInfo;
import org.partrec.extract.InteractionSource;
import org.partrec.extract.TransformRules;
import org.partrec.extract.Window;
import org.partrec.features.TrainingSet;
import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.features.Interactions;
import org.partrec.index.HnswParams;
import org.partrec.publish.GateThresholds;
import org.partrec.publish.ModelArtifact;
import org.partrec.publish.ModelStore;
import org.partrec.serve.ItemCatalog;
import org.partrec.serve.RankAhead;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.ProgressLog;
import org.partrec.tune.ParameterSearch;

/**
 * One training run after another, never two at once: start, extract (events streamed through
 * the event weights), transform (aggregate, split off the protocol's time-based holdout), train
 * (on the split), evaluate (holdout metrics against the gate), end. A model that passes is refit
 * on all extracted interactions (warm-started from itself, a third of the iterations), built
 * into a snapshot and published;
 * one that fails leaves the serving model alone, and the run record says why. Until a model
 * passes, the first extraction publishes a popularity-only snapshot so the storefront has
 * something to show.
 */
public final class TrainingPipeline implements AutoCloseable {

    private static final Logger LOG = System.getLogger(TrainingPipeline.class.getName());
    private static final DateTimeFormatter VERSION = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * What the pipeline is given.
     *
     * @param window how far back each run reads events, ending when it starts
     * @param rules  how the transform weighs events
     * @param params the parameters, or the start point and fixed settings of the search when tuning
     * @param tuning when and how to choose parameters with the core's search, or null to use {@code params}
     * @param k               list length of the evaluation (10 by the protocol)
     * @param evaluationUsers holdout users the evaluation scores, a seeded sample when there are more (0: all)
     * @param rankAhead       what each snapshot ranks ahead
     */
    public record Settings(java.time.Duration window, TransformRules rules, AlsParams params, GateThresholds gate, HnswParams hnsw, int k,
                           int evaluationUsers, int history, Tuning tuning, RankAhead rankAhead) {
    }

    /**
     * Parameter search inside the service: run by the first training run and again when the last
     * search is older than {@code every}; in between, runs reuse the chosen parameters.
     *
     * @param budgetSeconds the search's time budget
     */
    public record Tuning(java.time.Duration every, double budgetSeconds) {
    }

    /**
     * Where a run's results go besides the serving model.
     *
     * @param store    the model store promoted models are saved to first, or null for none
     * @param runLog   where run records are kept
     * @param listener hears steps, outcomes and promotions
     */
    public record Outputs(ModelStore store, RunLog runLog, RunListener listener) {
        public static final Outputs NONE = new Outputs(null, RunLog.NONE, RunListener.NONE);
    }

    private final InteractionSource interactions;
    private final CatalogSource catalogSource;
    private final Settings settings;
    private final ServingModel serving;
    private final Clock clock;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "training-run");
        t.setDaemon(true);
        return t;
    });
    static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(15);

    private final AtomicReference<RunRecord> running = new AtomicReference<>();
    private volatile boolean stopping;
    private final Deque<RunRecord> recent = new ArrayDeque<>();
    private List<RunRecord.View> restored = List.of();
    private final AtomicInteger runs = new AtomicInteger();
    private final RunListener listener;
    private final Outputs outputs;
    private volatile AlsParams tuned;
    private volatile Instant tunedAt;

    public TrainingPipeline(InteractionSource interactions, CatalogSource catalog, Settings settings,
                            ServingModel serving, Clock clock) {
        this(interactions, catalog, settings, serving, clock, Outputs.NONE);
    }

    public TrainingPipeline(InteractionSource interactions, CatalogSource catalog, Settings settings,
                            ServingModel serving, Clock clock, Outputs outputs) {
        this.outputs = outputs;
        this.listener = outputs.listener();
        this.interactions = interactions;
        this.catalogSource = catalog;
        this.settings = settings;
        this.serving = serving;
        this.clock = clock;
    }

    /**
     * Starts a run in the background, or, when one is running, returns that run instead.
     *
     * @return the id of the run that is now running
     */
    public String trigger(String why) {
        RunRecord next = newRecord(why);
        while (!running.compareAndSet(null, next)) {
            RunRecord current = running.get();
            if (current != null) {
                return current.id();
            }
        }
        try {
            runner.submit(() -> execute(next));
        } catch (RuntimeException e) { // shut down: nothing will run it
            running.compareAndSet(next, null);
            throw e;
        }
        return next.id();
    }

    /** Runs now on the calling thread (unless a run is going on: then empty). */
    public Optional<RunRecord.View> runNow(String why) {
        RunRecord next = newRecord(why);
        if (!running.compareAndSet(null, next)) {
            return Optional.empty();
        }
        execute(next);
        return Optional.of(next.view());
    }

    public Optional<RunRecord.View> current() {
        return Optional.ofNullable(running.get()).map(RunRecord::view);
    }

    /** Finished runs, newest first. */
    public synchronized List<RunRecord.View> recent() {
        List<RunRecord.View> out = new java.util.ArrayList<>(recent.stream().map(RunRecord::view).toList());
        for (RunRecord.View v : restored) {
            if (out.size() >= settings.history()) {
                break;
            }
            if (out.stream().noneMatch(o -> o.id().equals(v.id()))) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * Reads the newest records of the run log (runs of earlier processes, or of the replica that
     * trains), to be listed after this process's own runs. A log that cannot be read is logged
     * and leaves the list as it is.
     */
    public synchronized void restoreHistory() {
        try {
            restored = outputs.runLog().recent(settings.history());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not read the run log: " + e.getMessage());
        }
    }

    private RunRecord newRecord(String why) {
        Instant now = clock.instant();
        return new RunRecord(VERSION.format(now) + "-" + (runs.get() + 1), why, now);
    }

    private void execute(RunRecord run) {
        runs.incrementAndGet();
        try {
            try {
                run(run);
            } catch (Throwable e) {
                LOG.log(Level.WARNING, "training run " + run.id() + " failed", e);
                run.end(RunRecord.Status.FAILED, List.of(String.valueOf(e.getMessage() == null ? e : e.getMessage())),
                        null, clock.instant());
                if (e instanceof Error error && !(e instanceof OutOfMemoryError)) {
                    throw error;
                }
            }
            RunRecord.View done = run.view();
            for (RunRecord.Step step : done.steps()) {
                if (step.seconds() != null) {
                    listener.stepFinished(step.name(), step.seconds());
                }
            }
            listener.runEnded(done.status());
            save(done);
            Snapshot promoted = serving.current().orElse(null);
            if (done.status() == RunRecord.Status.PROMOTED && promoted != null
                    && promoted.version().equals(done.modelVersion())) {
                listener.promoted(run, promoted);
            }
        } finally {
            synchronized (this) {
                recent.addFirst(run);
                while (recent.size() > settings.history()) {
                    recent.removeLast();
                }
            }
            running.set(null); // last, whatever happened above: the next trigger must be able to run
        }
    }

    /** Writes the run's record to the run log; a log that fails is logged, never fatal to the run. */
    public void save(RunRecord.View run) {
        try {
            outputs.runLog().save(run);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not write the record of run " + run.id() + ": " + e.getMessage());
        }
    }

    private void run(RunRecord run) {
        AlsParams params = settings.params();
        step(run, "start", Map.of("trigger", run.view().trigger()));
        run.parameters(parameters(params));

        begin(run, "extract");
        Window window = Window.ending(run.view().startedAt(), settings.window());
        long events = interactions.extract(window);
        Map<String, ItemInfo> catalogRows = catalogSource.catalog();
        run.finish(Map.of("events", events, "catalog_items", catalogRows.size(), "since", window.since().toString(),
                "until", window.until().toString()), clock.instant());

        begin(run, "transform");
        TrainingSet extracted = TrainingSet.transform(interactions, window, settings.rules());
        if (extracted.interactions().size() == 0) {
            throw new IllegalStateException("the transform returned no interactions for " + window.since() + " to "
                    + window.until() + " (" + events + " events extracted)");
        }
        ItemCatalog catalog = new ItemCatalog(extracted.interactions().items(), catalogRows);
        CsrMatrix all = extracted.interactions().userItems();
        CsrMatrix purchased = extracted.purchases().userItems();
        HoldoutSplit.Split split = HoldoutSplit.split(extracted.interactions(), params.seed());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("events", events);
        data.put("users", extracted.interactions().users().size());
        data.put("items", extracted.interactions().items().size());
        data.put("pairs", all.nnz());
        data.put("purchase_pairs", purchased.nnz());
        run.dataStats(data);
        Map<String, Object> transformed = new LinkedHashMap<>(data);
        transformed.put("train_pairs", split.train().size());
        transformed.put("holdout_pairs", split.holdout().size());
        run.finish(transformed, clock.instant());
        if (serving.current().isEmpty()) {
            serving.publish(Snapshot.popularOnly("popular-" + run.id(), clock.instant(),
                    extracted.interactions().users(), extracted.interactions().items(), all, purchased, catalog));
        }

        try (AlsTrainer trainer = new AlsTrainer(params.threads())) {
            begin(run, "train");
            Map<String, Object> trainDetails = new LinkedHashMap<>();
            params = chooseParameters(split, trainer, trainDetails);
            run.parameters(parameters(params));
            CsrMatrix splitItems = split.train().userItems();
            CsrMatrix cui = Confidence.of(splitItems, params.weighting(), params.alpha());
            long t0 = System.nanoTime();
            AlsModel onSplit = trainer.fit(cui, cui.transpose(), params,
                    AlsTrainer.initialModel(cui.rows(), cui.cols(), params.factors(), params.seed()),
                    new ProgressLog("run " + run.id(), false));
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            trainDetails.put("kernels", trainer.kernels().name().toLowerCase(Locale.ROOT));
            run.finish(trainDetails, clock.instant());

            begin(run, "evaluate");
            OfflineEvaluation.Report report = OfflineEvaluation.score(split.train(), splitItems, split.holdout(),
                    onSplit, params, 0, settings.k(), settings.evaluationUsers(), settings.hnsw(), trainSeconds, trainer.kernels());
            Map<String, Double> metrics = metrics(report);
            run.metrics(metrics);
            Double servingNdcg = serving.current().filter(Snapshot::hasModel)
                    .map(s -> s.metrics().get("ndcg@10")).orElse(null);
            List<String> failures = settings.gate().failures(report, servingNdcg);
            run.finish(Map.of("passed", failures.isEmpty()), clock.instant());
            if (!failures.isEmpty()) {
                LOG.log(Level.WARNING, "run " + run.id() + " rejected: " + failures);
                begin(run, "end");
                run.finish(Map.of("outcome", "rejected"), clock.instant());
                run.end(RunRecord.Status.REJECTED, failures, null, clock.instant());
                return;
            }

            begin(run, "end");
            // the refit starts from the evaluated model: a third of the iterations reach 0.986 times the
            // ndcg of a refit from scratch on online-retail (CoreBenchmark), at a third of its cost
            CsrMatrix cuiAll = Confidence.of(all, params.weighting(), params.alpha());
            AlsModel model = trainer.fit(cuiAll, cuiAll.transpose(), params.withIterations(refitIterations(params)),
                    onSplit, new ProgressLog("run " + run.id() + " refit", false));
            Snapshot snapshot = Snapshot.withModel(run.id(), clock.instant(), metrics, extracted.interactions().users(),
                    extracted.interactions().items(), model, params, all, purchased, catalog, settings.hnsw(),
                    params.threads(), settings.rankAhead());
            if (stopping) {
                throw new Stopped("saving and publishing the model");
            }
            if (outputs.store() != null) {
                run.artifact(store(new ModelArtifact(run.id(), snapshot.createdAt(), params, metrics, counts(data),
                        ModelArtifact.runningCodeVersion(), extracted.interactions().users(),
                        extracted.interactions().items(), model, all, purchased,
                        catalog.rows(extracted.interactions().items()))));
            }
            serving.publish(snapshot);
            run.finish(Map.of("outcome", "promoted", "refit_pairs", all.nnz(), "refit_iterations",
                    refitIterations(params)), clock.instant());
            run.end(RunRecord.Status.PROMOTED, List.of(), run.id(), clock.instant());
            LOG.log(Level.INFO, String.format(Locale.ROOT, "run %s promoted: ndcg@10 %.4f (popular %.4f)", run.id(),
                    report.model().ndcg(), report.popular().ndcg()));
        }
    }

    /**
     * The configured parameters, or the search's choice: searched on the split's train part only
     * (the search carves its own validation set from it), so the holdout stays unseen.
     */
    private AlsParams chooseParameters(HoldoutSplit.Split split, AlsTrainer trainer, Map<String, Object> details) {
        Tuning tuning = settings.tuning();
        if (tuning == null) {
            details.put("parameters", "config");
            return settings.params();
        }
        Instant now = clock.instant();
        if (tuned == null || tunedAt.plus(tuning.every()).isBefore(now)) {
            // no popularity prior: the snapshot serves the factors as they are
            ParameterSearch.Outcome outcome = new ParameterSearch(settings.params(), settings.k(), tuning.budgetSeconds(),
                    trainer, false).search(split.train());
            tuned = outcome.best().params();
            tunedAt = now;
            details.put("parameters", "tuned now");
            details.put("candidates", outcome.tried().size());
            details.put("validation_ndcg", outcome.best().validationNdcg());
        } else {
            details.put("parameters", "tuned at " + tunedAt);
        }
        return tuned;
    }

    /** Iterations of the warm-started refit on all interactions: a third of the fit's, at least one. */
    static int refitIterations(AlsParams params) {
        return Math.max(1, (params.iterations() + 2) / 3);
    }

    private String store(ModelArtifact artifact) {
        try {
            return outputs.store().save(artifact);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not save the model to the store: " + e.getMessage(), e);
        }
    }

    private static Map<String, Long> counts(Map<String, Object> data) {
        Map<String, Long> out = new LinkedHashMap<>();
        data.forEach((k, v) -> out.put(k, ((Number) v).longValue()));
        return out;
    }

    /** Starts a step, unless the service is shutting down: then the run stops here, at a step boundary. */
    private void begin(RunRecord run, String step) {
        if (stopping) {
            throw new Stopped("step " + step);
        }
        run.begin(step, clock.instant());
    }

    /** The run was stopped between two steps by {@link #close()}; nothing after it happened. */
    static final class Stopped extends RuntimeException {
        Stopped(String what) {
            super("stopped before " + what + ": the service is shutting down");
        }
    }

    private void step(RunRecord run, String name, Map<String, Object> details) {
        run.begin(name, clock.instant());
        run.finish(details, clock.instant());
    }

    static Map<String, Object> parameters(AlsParams p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("factors", p.factors());
        m.put("iterations", p.iterations());
        m.put("regularization", p.regularization());
        m.put("alpha", p.alpha());
        m.put("weighting", p.weighting().label());
        m.put("solver", p.solver().label());
        m.put("threads", p.threads());
        m.put("seed", p.seed());
        return m;
    }

    static Map<String, Double> metrics(OfflineEvaluation.Report r) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("ndcg@10", r.model().ndcg());
        m.put("precision@10", r.model().precision());
        m.put("recall@10", r.model().recall());
        m.put("map@10", r.model().map());
        m.put("coverage@10", r.model().coverage());
        m.put("popular_ndcg@10", r.popular().ndcg());
        if (!Double.isNaN(r.hnswRecall())) {
            m.put("hnsw_recall@10", r.hnswRecall());
        }
        m.put("train_s", r.trainSeconds());
        return m;
    }

    /**
     * Stops: no new run starts, and a running one stops at its next step boundary (at the
     * latest before its model is saved or published: nothing half-done is promoted). Waits up to
     * {@code STOP_WAIT} for it, then interrupts.
     */
    @Override
    public void close() {
        stopping = true;
        runner.shutdown();
        try {
            if (!runner.awaitTermination(STOP_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "the training run did not reach a step boundary within " + STOP_WAIT
                        + "; interrupting it");
                runner.shutdownNow();
            }
        } catch (InterruptedException e) {
            runner.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
