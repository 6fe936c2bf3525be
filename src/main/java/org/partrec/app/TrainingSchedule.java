package org.partrec.app;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.partrec.publish.ModelArtifact;
import org.partrec.publish.ModelStore;
import org.partrec.pipeline.Background;
import org.partrec.pipeline.Failures;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.serve.Snapshot;
import org.partrec.serve.ServingModel;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * What a replica does in the background. First, when configured, it serves the newest model of
 * the store (ready without training), read while the rest of the service starts. Then, on a replica that trains: a run at start-up (when
 * configured) and every {@code partrec.training.every}, and while no trained model serves (the
 * first run failed or was rejected) once a minute as well. On a replica that does not train: a
 * look at the store once a minute, swapping in a newer model when one is promoted.
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
    private final ModelStore store;
    private final PartrecProperties properties;
    private final Failures failures;
    private Background timer;
    private boolean started;

    TrainingSchedule(TrainingPipeline pipeline, PartrecProperties properties, ServingModel serving, ModelStore store,
                     TrainingMetrics failures) {
        this.failures = failures;
        this.pipeline = pipeline;
        this.settings = properties.training();
        this.properties = properties;
        this.serving = serving;
        this.store = store;
        this.timer = newTimer();
        if (properties.models().loadAtStartup()) {
            // while the rest of the context starts: a large model takes seconds to read and verify,
            // and no request can reach it before the web server starts after this bean
            timer.execute(this::loadStored);
        }
    }

    private Background newTimer() {
        return new Background("training-schedule", failures);
    }

    /** Serves the store's newest model unless it already serves (or has served something newer). */
    void loadStored() {
        long t0 = System.nanoTime();
        try {
            Optional<ModelArtifact> stored = store.loadLatest();
            if (stored.isEmpty()) {
                return;
            }
            ModelArtifact a = stored.get();
            String current = serving.current().filter(Snapshot::hasModel).map(Snapshot::version).orElse("");
            if (a.version().compareTo(current) <= 0) {
                return;
            }
            PartrecProperties.Serving s = properties.serving();
            int threads = PartrecConfiguration.threads(settings);
            serving.publish(Snapshot.from(a, PartrecConfiguration.hnsw(s), threads, PartrecConfiguration.rankAhead(s)));
            LOG.log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT,
                    "serving stored model %s (%d users, %d items) after %.2f s", a.version(), a.users().size(),
                    a.items().size(), (System.nanoTime() - t0) / 1e9));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not load a model from the store: " + e.getMessage());
        }
    }

    private void trigger(String why) {
        try {
            pipeline.trigger(why);
        } catch (RuntimeException e) { // a scheduled task that throws is never run again
            LOG.log(System.Logger.Level.WARNING, "could not start a training run", e);
            failures.failed("training-schedule");
        }
    }

    @Override
    public synchronized void start() {
        if (timer == null) { // started again after a stop
            timer = newTimer();
            if (properties.models().loadAtStartup()) {
                timer.execute(this::loadStored);
            }
        }
        started = true;
        timer.execute(pipeline::restoreHistory);
        if (!settings.enabled()) {
            timer.scheduleAtFixedRate(() -> {
                loadStored();
                pipeline.restoreHistory();
            }, RETRY_MS, RETRY_MS, TimeUnit.MILLISECONDS);
            return;
        }
        long every = Math.max(1, settings.every().toMillis());
        timer.scheduleAtFixedRate(() -> trigger("schedule"), settings.atStartup() ? 0 : every, every,
                TimeUnit.MILLISECONDS);
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
