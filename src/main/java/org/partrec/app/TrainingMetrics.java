package org.partrec.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Locale;
import org.partrec.export.BatchExport;
import org.partrec.pipeline.Failures;
import org.partrec.pipeline.RunListener;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.train.Kernels;
import org.springframework.stereotype.Component;

/**
 * Training runs for Prometheus: {@code partrec_training_step_seconds{step}} (a timer per step),
 * {@code partrec_training_runs_total{outcome}} (promoted, rejected, failed), and
 * {@code partrec_background_failures_total{task}}: whatever a background thread threw past its own
 * record, threads that had to be interrupted at shutdown, run log reads and writes that failed;
 * {@code partrec_training_kernels{kernels}}, 1 for the kernels training runs on ({@code vector} or
 * {@code scalar}, logged at start-up with the reason).
 */
@Component
class TrainingMetrics implements RunListener, Failures {

    private static final Logger LOG = System.getLogger(TrainingMetrics.class.getName());
    private final MeterRegistry registry;

    TrainingMetrics(MeterRegistry registry) {
        this.registry = registry;
        // which kernels training runs on, and why: a JVM without the Vector API trains about twice as slowly
        Kernels kernels = Kernels.best();
        String why = Kernels.why();
        LOG.log(kernels == Kernels.VECTOR ? Level.INFO : Level.WARNING, "training kernels: " + kernels.label() + " (" + why + ")");
        Gauge.builder("partrec.training.kernels", () -> 1).tag("kernels", kernels.label())
                .description("the kernels training runs on (1 for the one in use)").register(registry);
        for (RunRecord.Status s : RunRecord.Status.values()) {
            if (s != RunRecord.Status.RUNNING) {
                runs(s); // registered at zero, so dashboards see the series before the first run
            }
        }
        for (String task : new String[] {"training-run", "training-schedule", "batch-export",
            "store-follower", TrainingPipeline.RUN_LOG}) {
            failures(task);
        }
        for (String outcome : new String[] {"exported", "stopped", "failed"}) {
            Counter.builder("partrec.export.runs").tag("outcome", outcome).description("batch exports by outcome")
                    .register(registry);
        }
    }

    private Counter runs(RunRecord.Status status) {
        return Counter.builder("partrec.training.runs").tag("outcome", status.name().toLowerCase(Locale.ROOT))
                .description("training runs by outcome").register(registry);
    }

    private Counter failures(String task) {
        return Counter.builder("partrec.background.failures").tag("task", task)
                .description("failures of background work, each also logged").register(registry);
    }

    @Override
    public void failed(String task) {
        failures(task).increment();
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

    /** {@code partrec_export_runs_total{outcome}} and {@code partrec_export_rows_total{table}}. */
    void exported(BatchExport.Outcome outcome) {
        Counter.builder("partrec.export.runs").tag("outcome", outcome.status())
                .description("batch exports by outcome").register(registry).increment();
        Counter.builder("partrec.export.rows").tag("table", "user_recommendations").description("rows exported")
                .register(registry).increment(outcome.userRows());
        Counter.builder("partrec.export.rows").tag("table", "similar_items").description("rows exported")
                .register(registry).increment(outcome.itemRows());
    }
}
