package org.partrec.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.partrec.export.BatchExport;
import org.partrec.export.ExportOnPromotion;
import org.partrec.pipeline.Failures;
import org.partrec.pipeline.RunListener;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.train.Kernels;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Training runs for Prometheus: {@code partrec_training_step_seconds{step}} (a timer per step),
 * {@code partrec_training_runs_total{outcome}} (promoted, rejected, failed), and
 * {@code partrec_background_failures_total{task}}: whatever a background thread threw past its own
 * record, threads that had to be interrupted at shutdown, run log reads and writes that failed;
 * {@code partrec_training_kernels{kernels}}, 1 for the kernels training runs on ({@code vector} or
 * {@code scalar}, logged with the reason once the service is ready). Exports: {@code partrec_export_runs_total{outcome}},
 * {@code partrec_export_rows_total{table}}, {@code partrec_export_resumed_total} (exports an
 * earlier process left unfinished, started again) and
 * {@code partrec_export_last_success_timestamp_seconds}, when the last export that succeeded
 * ended (Unix seconds), set at start from the run log and absent until one is known.
 */
@Component
class TrainingMetrics implements RunListener, Failures, ExportOnPromotion.Outcomes {

    private static final Logger LOG = System.getLogger(TrainingMetrics.class.getName());
    private final MeterRegistry registry;
    /** When the last successful export ended, in epoch milliseconds; 0 while none is known. */
    private final AtomicLong lastExport = new AtomicLong();

    TrainingMetrics(MeterRegistry registry) {
        this.registry = registry;
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
        resumedCounter();
    }

    /**
     * Which kernels training runs on, and why: a JVM without the Vector API trains about twice as
     * slowly. Once the service is ready: loading the Vector API takes 15 to 20 ms that a restart
     * does not need before it serves.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void kernels() {
        Kernels kernels = Kernels.best();
        LOG.log(kernels == Kernels.VECTOR ? Level.INFO : Level.WARNING, "training kernels: " + kernels.label() + " ("
                + Kernels.why() + ")");
        Gauge.builder("partrec.training.kernels", () -> 1).tag("kernels", kernels.label())
                .description("the kernels training runs on (1 for the one in use)").register(registry);
    }

    private Counter resumedCounter() {
        return Counter.builder("partrec.export.resumed")
                .description("exports an earlier process left unfinished (stopped, failed, running), started again")
                .register(registry);
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

    /**
     * {@code partrec_export_runs_total{outcome}} and {@code partrec_export_rows_total{table}}; a
     * success sets {@code partrec_export_last_success_timestamp_seconds} to now.
     */
    @Override
    public void exported(BatchExport.Outcome outcome) {
        if (outcome.succeeded()) {
            lastExportSucceeded(Instant.now());
        }
        Counter.builder("partrec.export.runs").tag("outcome", outcome.status())
                .description("batch exports by outcome").register(registry).increment();
        Counter.builder("partrec.export.rows").tag("table", "user_recommendations").description("rows exported")
                .register(registry).increment(outcome.userRows());
        Counter.builder("partrec.export.rows").tag("table", "similar_items").description("rows exported")
                .register(registry).increment(outcome.itemRows());
    }

    @Override
    public void resumed() {
        resumedCounter().increment();
    }

    /**
     * Sets {@code partrec_export_last_success_timestamp_seconds} from run records read back at
     * start (newest first): when the newest one whose export succeeded ended, so that a restart
     * does not leave the gauge absent until the next export. A later value already set is kept.
     */
    void restored(List<RunRecord.View> runs) {
        for (RunRecord.View run : runs) {
            if ("exported".equals(run.export().get("status"))) {
                Instant at = exportEnded(run);
                if (at != null) {
                    lastExportSucceeded(at);
                }
                return;
            }
        }
    }

    /**
     * When a run's export ended: its {@code ended_at}, or for a record written before that was
     * kept, the run's end plus the export's seconds (the export starts as the run ends).
     */
    static Instant exportEnded(RunRecord.View run) {
        Map<String, Object> export = run.export();
        if (export.get("ended_at") instanceof String s) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                // fall through to the estimate
            }
        }
        if (run.endedAt() == null) {
            return null;
        }
        double seconds = export.get("seconds") instanceof Number n ? n.doubleValue() : 0;
        return run.endedAt().plusMillis(Math.round(seconds * 1000));
    }

    private void lastExportSucceeded(Instant at) {
        lastExport.accumulateAndGet(at.toEpochMilli(), Math::max);
        // registered with the first value: absent, not NaN, until an export is known to have succeeded
        Gauge.builder("partrec.export.last.success.timestamp", lastExport, t -> t.get() / 1000.0)
                .baseUnit("seconds").description("when the last successful batch export ended (Unix time)")
                .register(registry);
    }
}
