package org.partrec.app;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.partrec.publish.TrainingPipeline;
import org.partrec.serve.ServingModel;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Triggers training at start-up (when configured) and then every {@code partrec.training.every};
 * while no trained model serves (the first run failed or was rejected), once a minute as well.
 */
@Component
class TrainingSchedule implements SmartLifecycle {

    private static final System.Logger LOG = System.getLogger(TrainingSchedule.class.getName());
    static final long RETRY_MS = 60_000;

    private final TrainingPipeline pipeline;
    private final PartrecProperties.Training settings;
    private final ServingModel serving;
    private ScheduledExecutorService timer;

    TrainingSchedule(TrainingPipeline pipeline, PartrecProperties properties, ServingModel serving) {
        this.pipeline = pipeline;
        this.settings = properties.training();
        this.serving = serving;
    }

    private void trigger(String why) {
        try {
            pipeline.trigger(why);
        } catch (RuntimeException e) { // a scheduled task that throws is never run again
            LOG.log(System.Logger.Level.WARNING, "could not start a training run", e);
        }
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "training-schedule");
            t.setDaemon(true);
            return t;
        });
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
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
