package org.partrec.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import org.partrec.publish.RunListener;
import org.partrec.publish.RunRecord;
import org.springframework.stereotype.Component;

/**
 * Training runs for Prometheus: {@code partrec_training_step_seconds{step}} (a timer per step)
 * and {@code partrec_training_runs_total{outcome}} (promoted, rejected, failed).
 */
@Component
class TrainingMetrics implements RunListener {

    private final MeterRegistry registry;

    TrainingMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (RunRecord.Status s : RunRecord.Status.values()) {
            if (s != RunRecord.Status.RUNNING) {
                runs(s); // registered at zero, so dashboards see the series before the first run
            }
        }
    }

    private Counter runs(RunRecord.Status status) {
        return Counter.builder("partrec.training.runs").tag("outcome", status.name().toLowerCase(Locale.ROOT))
                .description("training runs by outcome").register(registry);
    }

    @Override
    public void stepFinished(String step, double seconds) {
        Timer.builder("partrec.training.step").tag("step", step).description("duration of a training step")
                .register(registry).record(Duration.ofNanos((long) (seconds * 1e9)));
    }

    @Override
    public void runEnded(RunRecord.Status status) {
        runs(status).increment();
    }
}
