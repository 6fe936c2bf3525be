package org.partrec.app;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import org.partrec.export.ExportOnPromotion;
import org.partrec.pipeline.TrainingPipeline;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The order in which the service stops, made explicit. Spring stops lifecycle beans by phase,
 * highest first, and destroys beans only after every phase has stopped:
 * <ol>
 * <li>the schedule starts no more runs ({@link TrainingSchedule}, the default phase);</li>
 * <li>HTTP drains: requests in flight are answered (Spring Boot's graceful shutdown phase), then
 *     the web server stops (its own, lower phase);</li>
 * <li>then this bean's phase, lower than both: the training run stops at a step boundary
 *     ({@link TrainingPipeline#close()});</li>
 * <li>the export finishes its attempt, or is stopped and recorded in the run log
 *     ({@link ExportOnPromotion#close()});</li>
 * <li>only then, as the context destroys its beans, do the warehouse and the stores close.</li>
 * </ol>
 */
@Component
class ShutdownSequence implements SmartLifecycle {

    private static final Logger LOG = System.getLogger(ShutdownSequence.class.getName());
    /** Below the web server's start-and-stop phase, itself below graceful shutdown's. */
    static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 2048;

    private final TrainingPipeline pipeline;
    private final ObjectProvider<ExportOnPromotion> export;
    private volatile boolean running;

    ShutdownSequence(TrainingPipeline pipeline, ObjectProvider<ExportOnPromotion> export) {
        this.pipeline = pipeline;
        this.export = export;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        long t0 = System.nanoTime();
        pipeline.close();
        export.ifAvailable(ExportOnPromotion::close);
        running = false;
        LOG.log(Level.INFO, String.format(java.util.Locale.ROOT, "training and export stopped in %.1f s;"
                + " closing the warehouse and the stores", (System.nanoTime() - t0) / 1e9));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
