package org.partrec.pipeline;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.partrec.evaluate.Metrics;
import org.partrec.extract.CatalogSource;
import org.partrec.extract.InteractionSource;
import org.partrec.extract.TransformRules;
import org.partrec.index.IndexSpec;
import org.partrec.publish.GateThresholds;
import org.partrec.publish.ModelStore;
import org.partrec.publish.TrainerLease;
import org.partrec.serve.RankAhead;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;

/**
 * One training run after another, never two at once, each the sequence of its steps:
 * {@link StartStep start}, {@link ExtractStep extract} (events streamed through the event
 * weights), {@link TransformStep transform} (aggregate, split off the protocol's time-based
 * holdout), {@link TrainStep train} (on the split), {@link EvaluateStep evaluate} (holdout
 * metrics against the gate), {@link EndStep end} (a model that passes is refit on all extracted
 * interactions, built into a snapshot, saved and published; one that fails leaves the serving
 * model alone, and the run record says why). Each step is a class whose output record is the
 * next step's input; this class only sequences them, records each in the run's
 * {@link RunRecord}, and handles failure and shutdown. Until a model passes, the first
 * transform's popularity list serves, so the storefront has something to show.
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
     * @param pairs           how each snapshot counts complements and substitutes
     */
    public record Settings(java.time.Duration window, TransformRules rules, AlsParams params, GateThresholds gate, IndexSpec index, int k,
                           int evaluationUsers, int history, Tuning tuning, RankAhead rankAhead,
                           org.partrec.serve.Experiment experiment, org.partrec.serve.CoPurchases.Settings pairs) {

        /** With the default co-purchase settings. */
        public Settings(java.time.Duration window, TransformRules rules, AlsParams params, GateThresholds gate,
                        IndexSpec index, int k, int evaluationUsers, int history, Tuning tuning, RankAhead rankAhead,
                        org.partrec.serve.Experiment experiment) {
            this(window, rules, params, gate, index, k, evaluationUsers, history, tuning, rankAhead, experiment,
                    org.partrec.serve.CoPurchases.Settings.DEFAULTS);
        }

        /** Without an experiment: a model that passes the gate is promoted. */
        public Settings(java.time.Duration window, TransformRules rules, AlsParams params, GateThresholds gate,
                        IndexSpec index, int k, int evaluationUsers, int history, Tuning tuning, RankAhead rankAhead) {
            this(window, rules, params, gate, index, k, evaluationUsers, history, tuning, rankAhead, null);
        }
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
     * @param failures counts what the run's thread throws past the run's own record (a metric)
     */
    public record Outputs(ModelStore store, RunLog runLog, RunListener listener, Failures failures) {
        public static final Outputs NONE = new Outputs(null, RunLog.NONE, RunListener.NONE);

        public Outputs(ModelStore store, RunLog runLog, RunListener listener) {
            this(store, runLog, listener, Failures.NONE);
        }
    }

    private final InteractionSource interactions;
    private final CatalogSource catalogSource;
    private final Settings settings;
    private final ServingModel serving;
    private final Clock clock;
    private final Background runner;
    /** The task name under which failures to read or write the run log are counted. */
    public static final String RUN_LOG = "run-log";
    static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(15);

    private final AtomicReference<RunRecord> running = new AtomicReference<>();
    private volatile boolean stopping;
    private final Deque<RunRecord> recent = new ArrayDeque<>();
    /** Records of the run log (see {@link #restoreHistory}), newest first; an export done again updates one. */
    private List<RunRecord> restored = List.of();
    /** Whether the run log has been read once (else the first listing reads it). */
    private boolean historyRead;
    private final AtomicInteger runs = new AtomicInteger();
    private final RunListener listener;
    private final Outputs outputs;
    private final ExtractStep extract;
    private final TransformStep transform;
    private final TrainStep train;
    private final EvaluateStep evaluate;
    private final EndStep end;
    /** The model store's lease on training, made at the first run (naming this process may look up the host). */
    private TrainerLease lease;

    public TrainingPipeline(InteractionSource interactions, CatalogSource catalog, Settings settings,
                            ServingModel serving, Clock clock) {
        this(interactions, catalog, settings, serving, clock, Outputs.NONE);
    }

    public TrainingPipeline(InteractionSource interactions, CatalogSource catalog, Settings settings,
                            ServingModel serving, Clock clock, Outputs outputs) {
        this(interactions, catalog, settings, serving, clock, outputs, null);
    }

    /**
     * @param engine where the train step's fits run ({@code partrec.training.engine: spark}), or
     *               null for partrec's own trainer in this process
     */
    public TrainingPipeline(InteractionSource interactions, CatalogSource catalog, Settings settings,
                            ServingModel serving, Clock clock, Outputs outputs, FitEngine engine) {
        this.outputs = outputs;
        this.listener = outputs.listener();
        this.interactions = interactions;
        this.catalogSource = catalog;
        this.settings = settings;
        this.serving = serving;
        this.clock = clock;
        this.runner = new Background("training-run", outputs.failures());
        this.extract = new ExtractStep(interactions, catalog);
        this.transform = new TransformStep(interactions, settings.rules());
        this.train = new TrainStep(settings.params(), settings.tuning(), settings.k(), engine, settings.rules());
        this.evaluate = new EvaluateStep(settings.gate(), settings.index(), settings.k(), settings.evaluationUsers());
        this.end = new EndStep(serving, outputs.store(), settings.index(), settings.rankAhead(), settings.experiment(), clock,
                settings.pairs(), engine, settings.rules());
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
        if (!historyRead) {
            restoreHistory();
        }
        List<RunRecord.View> out = new java.util.ArrayList<>(recent.stream().map(RunRecord::view).toList());
        for (RunRecord r : restored) {
            if (out.size() >= settings.history()) {
                break;
            }
            if (out.stream().noneMatch(o -> o.id().equals(r.id()))) {
                out.add(r.view());
            }
        }
        return out;
    }

    /**
     * The newest promoted run of the run log when an earlier process ran it: empty when this
     * process has promoted a model since, or the log (as last read) holds no promoted run.
     */
    public synchronized Optional<RunRecord> promotedEarlier() {
        if (!historyRead) {
            restoreHistory();
        }
        if (recent.stream().anyMatch(r -> r.status() == RunRecord.Status.PROMOTED)) {
            return Optional.empty();
        }
        return restored.stream().filter(r -> r.status() == RunRecord.Status.PROMOTED)
                .filter(r -> recent.stream().noneMatch(o -> o.id().equals(r.id()))).findFirst();
    }

    /**
     * Reads the newest records of the run log (runs of earlier processes, or of the replica that
     * trains), to be listed after this process's own runs. A log that cannot be read is logged
     * and leaves the list as it is.
     */
    public synchronized void restoreHistory() {
        historyRead = true;
        try {
            restored = outputs.runLog().recent(settings.history()).stream().map(RunRecord::of).toList();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not read the run log: " + e.getMessage());
            outputs.failures().failed(RUN_LOG);
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

    /**
     * Records in the record of run {@code runId} (the run whose model was the challenger) how its
     * experiment ended ({@link RunRecord#experimentEnded}), and writes it to the run log; a promoted
     * challenger that serves here is then heard as a promotion (its batch export). A run neither
     * this process nor the run log knows is logged only.
     */
    public void experimentEnded(String runId, Map<String, Object> outcome, boolean promoted, Instant startedAt) {
        RunRecord run;
        synchronized (this) {
            if (!historyRead) {
                restoreHistory();
            }
            run = java.util.stream.Stream.concat(recent.stream(), restored.stream())
                    .filter(r -> r.id().equals(runId)).findFirst().orElse(null);
        }
        if (run == null) {
            try {
                run = outputs.runLog().recent(Math.max(settings.history(), 100)).stream()
                        .filter(v -> v.id().equals(runId)).findFirst().map(RunRecord::of).orElse(null);
            } catch (RuntimeException e) {
                outputs.failures().failed(RUN_LOG);
            }
        }
        if (run == null) {
            LOG.log(Level.WARNING, "the experiment of run " + runId + " ended (" + outcome + "), but the run log has no"
                    + " record of that run to keep it in");
            return;
        }
        run.experimentEnded(outcome, promoted, startedAt, clock.instant());
        save(run.view());
        Snapshot serves = serving.current().orElse(null);
        if (promoted && serves != null && serves.version().equals(run.view().modelVersion())) {
            listener.promoted(run, serves); // its export, as for a model promoted by its run
        }
    }

    /** Writes the run's record to the run log; a log that fails is logged, never fatal to the run. */
    public void save(RunRecord.View run) {
        try {
            outputs.runLog().save(run);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not write the record of run " + run.id() + ": " + e.getMessage());
            outputs.failures().failed(RUN_LOG);
        }
    }

    /** The model store's lease on training, or null without a store. */
    private synchronized TrainerLease lease() {
        if (lease == null && outputs.store() != null) {
            lease = outputs.store().lease(TrainerLease.thisProcess(), clock);
        }
        return lease;
    }

    /** The steps in order; each one's output is the next one's input. */
    private void run(RunRecord run) {
        StartStep.Started started = step(run, "start", () -> StartStep.run(run.view().trigger(), run.view().startedAt(),
                settings.window(), settings.params(), lease()));
        try (TrainerLease.Held held = started.lease()) {
            run.parameters(started.params().asMap());
            ExtractStep.Extracted extracted = step(run, "extract", () -> extract.run(started.window()));
            TransformStep.Transformed data = step(run, "transform", () -> transform.run(extracted,
                    started.params().seed()));
            run.dataStats(data.stats());
            if (serving.current().isEmpty()) { // something to show until a model passes
                serving.publish(data.popularOnly("popular-" + run.id(), clock.instant(), settings.pairs()));
            }
            try (AlsTrainer trainer = new AlsTrainer(started.params().threads())) {
                FitEngine.Watch watch = watch(run);
                TrainStep.Trained trained = step(run, "train", () -> train.run(run.id(), data.split(), trainer,
                        clock.instant(), extracted.window(), watch));
                run.parameters(trained.params().asMap());
                EvaluateStep.Evaluated evaluated = step(run, "evaluate",
                        () -> evaluate.run(data.split(), trained, servingNdcg()));
                run.metrics(evaluated.metrics());
                EndStep.Ended ended = step(run, "end", () -> end.run(run.id(), data, trained, evaluated, trainer,
                        what -> {
                            stopIfClosing(what);
                            if (held != null) {
                                held.check(); // no model is published by a run that lost the lease
                            }
                        }, extracted.window(), watch));
                run.artifact(ended.artifact());
                run.end(ended.status(), ended.reasons(), ended.modelVersion(), clock.instant());
            }
        }
    }

    /**
     * Runs one step and records it: begins it (unless the service is shutting down: then the run
     * stops here, at a step boundary), and finishes it with its output's details.
     */
    private <T extends StepOutput> T step(RunRecord run, String name, Supplier<T> body) {
        if (!name.equals("start")) {
            stopIfClosing("step " + name);
        }
        run.begin(name, clock.instant());
        T out = body.get();
        run.finish(out.details(), clock.instant());
        return out;
    }

    /**
     * What a fit engine's progress goes to: the current step's notes in the run record, and the
     * log; it is told to stop when the service is shutting down or the run's thread was interrupted.
     */
    private FitEngine.Watch watch(RunRecord run) {
        return new FitEngine.Watch() {
            @Override
            public void note(String key, Object value) {
                run.note(key, value);
                LOG.log(Level.INFO, "run " + run.id() + ": " + key + " " + value);
            }

            @Override
            public boolean stopping() {
                return stopping || Thread.currentThread().isInterrupted();
            }
        };
    }

    /** The serving model's ndcg at k, or null when no trained model serves. */
    private Double servingNdcg() {
        String key = Metrics.key("ndcg", settings.k());
        return serving.current().filter(Snapshot::hasModel).map(s -> s.metrics().get(key)).orElse(null);
    }

    private void stopIfClosing(String what) {
        if (stopping) {
            throw new Stopped(what);
        }
    }

    /** The run was stopped between two steps by {@link #close()}; nothing after it happened. */
    static final class Stopped extends RuntimeException {
        Stopped(String what) {
            super("stopped before " + what + ": the service is shutting down");
        }
    }

    /**
     * Stops: no new run starts, and a running one stops at its next step boundary (at the
     * latest before its model is saved or published: nothing half-done is promoted). Waits up to
     * {@code STOP_WAIT} for it; only then interrupts it, and waits {@link Background#AFTER_INTERRUPT} more.
     */
    @Override
    public void close() {
        if (runner.stopped()) { // closed by the shutdown sequence, then again as a bean: once is enough
            return;
        }
        stopping = true;
        if (!runner.stop(STOP_WAIT)) {
            LOG.log(Level.ERROR, "the training run did not end, even interrupted; stopping without it");
        }
    }
}
