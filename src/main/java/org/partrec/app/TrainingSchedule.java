package org.partrec.app;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.partrec.publish.TrainingPipeline;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Triggers training at start-up (when configured) and then every {@code partrec.training.every}. */
@Component
class TrainingSchedule implements SmartLifecycle {

    private final TrainingPipeline pipeline;
    private final PartrecProperties.Training settings;
    private ScheduledExecutorService timer;

    TrainingSchedule(TrainingPipeline pipeline, PartrecProperties properties) {
        this.pipeline = pipeline;
        this.settings = properties.training();
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "training-schedule");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, settings.every().toMillis());
        timer.scheduleAtFixedRate(() -> pipeline.trigger("schedule"), settings.atStartup() ? 0 : every, every,
                TimeUnit.MILLISECONDS);
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
