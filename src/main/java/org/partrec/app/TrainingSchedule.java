package org.partrec.app;

import java.util.concurrent.TimeUnit;
import org.partrec.export.ExportOnPromotion;
import org.partrec.pipeline.Background;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * What a replica does in the background. First, when configured, it serves the model the store's
 * {@code LATEST} names (ready without training), read while the rest of the service starts. Then, on a replica that trains: a run at start-up (when
 * configured) and every {@code partrec.training.every}, and while no trained model serves (the
 * first run failed or was rejected) once a minute as well. On every replica: a look at the store
 * every {@code partrec.models.poll-every}, serving the version {@code LATEST} names when another
 * serves ({@link StoreFollower}: a promotion, or a rollback asked of any replica).
 */
@Component
class TrainingSchedule implements SmartLifecycle, DisposableBean {

    private static final System.Logger LOG = System.getLogger(TrainingSchedule.class.getName());
    static final long RETRY_MS = 60_000;
    /** How long a stop waits for the task under way before interrupting it. */
    static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(10);

    private final TrainingPipeline pipeline;
    private final PartrecProperties.Training settings;
    private final ServingModel serving;
    private final StoreFollower follower;
    private final PartrecProperties properties;
    private final TrainingMetrics metrics;
    private final ObjectProvider<ExportOnPromotion> export;
    private final ExperimentControl experiment;
    private Background timer;
    private boolean started;

    TrainingSchedule(TrainingPipeline pipeline, PartrecProperties properties, ServingModel serving,
                     StoreFollower follower, TrainingMetrics metrics, ObjectProvider<ExportOnPromotion> export,
                     ExperimentControl experiment) {
        this.experiment = experiment;
        this.metrics = metrics;
        this.export = export;
        this.pipeline = pipeline;
        this.settings = properties.training();
        this.properties = properties;
        this.serving = serving;
        this.follower = follower;
        this.timer = newTimer();
        if (properties.models().loadAtStartup()) {
            // while the rest of the context starts: a large model takes seconds to read and verify,
            // and no request can reach it before the web server starts after this bean; its lists
            // are ranked ahead once the service has started (ready), not in the cores Spring needs
            timer.execute(() -> follower.follow(false));
        }
    }

    private Background newTimer() {
        return new Background("training-schedule", metrics);
    }

    private void trigger(String why) {
        try {
            pipeline.trigger(why);
        } catch (RuntimeException e) { // a scheduled task that throws is never run again
            LOG.log(System.Logger.Level.WARNING, "could not start a training run", e);
            metrics.failed("training-schedule");
        }
    }

    /**
     * Once the service has started, in this order on the background thread: the lists of a model
     * read at start-up are ranked ahead, the run log is read (the warehouse opens then, not in the
     * cores Spring's start needs), an export an earlier process left unfinished is started again
     * ({@link #afterHistory}), and the run at start-up begins when configured.
     */
    @EventListener(ApplicationReadyEvent.class)
    public synchronized void ready() {
        if (timer != null) {
            timer.execute(follower::rankAhead);
            timer.execute(pipeline::restoreHistory);
            timer.execute(this::afterHistory);
            if (settings.enabled() && settings.atStartup()) {
                timer.execute(() -> trigger("schedule"));
            }
        }
    }

    /**
     * On a replica that trains and exports, once the run log is read: the last successful
     * export's time goes to its gauge, and the newest promoted run's export is done again when it
     * did not end in {@code exported} and its model is the one serving
     * ({@link ExportOnPromotion#resume}).
     */
    void afterHistory() {
        ExportOnPromotion exports = export.getIfAvailable();
        if (!settings.enabled() || exports == null) {
            return;
        }
        metrics.restored(pipeline.recent());
        Snapshot serves = serving.current().orElse(null);
        if (serves != null) {
            pipeline.promotedEarlier().ifPresent(run -> exports.resume(run, serves));
        }
    }

    @Override
    public synchronized void start() {
        if (timer == null) { // started again after a stop: no ready event follows
            timer = newTimer();
            if (properties.models().loadAtStartup()) {
                timer.execute(follower::follow);
            }
            timer.execute(pipeline::restoreHistory);
        }
        started = true;
        // every replica, the one that trains too: a rollback, wherever it was asked, is the store's
        long poll = properties.models().pollEvery().toMillis();
        timer.scheduleAtFixedRate(follower::follow, poll, poll, TimeUnit.MILLISECONDS);
        if (experiment.experiment().isPresent()) { // every replica's tally, and an automatic decision
            long tally = properties.experiment().tallyEvery().toMillis();
            timer.scheduleAtFixedRate(experiment::tick, tally, tally, TimeUnit.MILLISECONDS);
        }
        if (!settings.enabled()) {
            timer.scheduleAtFixedRate(pipeline::restoreHistory, RETRY_MS, RETRY_MS, TimeUnit.MILLISECONDS);
            return;
        }
        long every = Math.max(1, settings.every().toMillis());
        timer.scheduleAtFixedRate(() -> trigger("schedule"), every, every, TimeUnit.MILLISECONDS);
        timer.scheduleAtFixedRate(() -> {
            if (serving.current().map(s -> !s.hasModel()).orElse(true) && pipeline.current().isEmpty()) {
                trigger("retry: no trained model serving");
            }
        }, RETRY_MS, RETRY_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        started = false;
        if (timer != null) {
            timer.stop(STOP_WAIT); // a store read or a trigger under way ends first
            timer = null;
            experiment.writeTally();
        }
    }

    /** Also when the context never started (a later bean failed): the preload must not outlive it. */
    @Override
    public void destroy() {
        stop();
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null && started;
    }
}
